import Foundation
import Layers
import Testing

/// Model state through safetensors files, both ways, including PyTorch's 0-d I64 counters.
@Suite struct SafeTensorsStateTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("layers-\(getpid())-\(name).safetensors").path
    }

    @Test func roundTrip_KeepsEveryValueAndTheInt64Counter() throws {
        var g = SeededGenerator(seed: 1)
        let model = UltimusNet(variant: .bnrelu, generator: &g)
        model.norms[1].numBatchesTracked.value = 1_234_567_890_123
        model.norms[0].runningVar.storage[3] = 2.5
        let path = temporaryPath("roundtrip")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.saveSafetensors(path: path, metadata: ["variant": "bnrelu"])

        let file = try SafeTensors.read(path: path)
        #expect(file.metadata["variant"] == "bnrelu")
        let counter = try #require(file["bn2.num_batches_tracked"])
        #expect(counter.dtype == .i64 && counter.shape == [] && counter.int64s == [1_234_567_890_123])
        #expect(file["conv1.weight"]?.dtype == .f32)

        var h = SeededGenerator(seed: 2)
        let other = UltimusNet(variant: .bnrelu, generator: &h)
        try other.loadSafetensors(path: path)
        #expect(other.norms[1].numBatchesTracked.value == 1_234_567_890_123)
        for (key, value) in model.stateDict() {
            #expect(other.stateDict()[key].map { $0.tensor.storage } == value.tensor.storage, "\(key)")
        }
    }

    @Test func pyTorchStateDict_LoadsUnchanged_AndSavesBackIdentically() throws {
        let source = try SafeTensors.read(
            path: Self.fixtures.appendingPathComponent("ultimusnet_bnrelu.safetensors").path)
        // The fixture's `state.*` tensors are the reference model's state_dict as torch saved it.
        let torchState = StateDict(safeTensors: source).stripping(prefix: "state.")
        var g = SeededGenerator(seed: 9)
        let model = UltimusNet(variant: .bnrelu, generator: &g)
        try model.load(stateDict: torchState)
        #expect(Set(model.stateDict().keys) == Set(torchState.keys))

        let path = temporaryPath("torch")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.saveSafetensors(path: path)
        let written = try SafeTensors.read(path: path)
        for entry in written.entries {
            let original = try #require(source["state." + entry.name])
            #expect(entry.dtype == original.dtype && entry.shape == original.shape && entry.bytes == original.bytes,
                    "\(entry.name)")
        }
        #expect(written.entries.count == torchState.count)
    }

    @Test func wrongVariant_FailsWithNamedKeys_AndChangesNothing() throws {
        var g = SeededGenerator(seed: 1)
        let bnrelu = UltimusNet(variant: .bnrelu, generator: &g)
        let path = temporaryPath("variant")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try bnrelu.saveSafetensors(path: path)
        let spec = UltimusNet(variant: .spec, generator: &g)
        let before = spec.stateDict()
        do {
            try spec.loadSafetensors(path: path)
            Issue.record("a bnrelu state loaded into a spec model")
        } catch let error as StateDictError {
            #expect(error.missingKeys.isEmpty)
            #expect(error.unexpectedKeys.first == "bn1.weight" && error.unexpectedKeys.count == 15)
        }
        for (key, value) in spec.stateDict() { #expect(value.tensor.storage == before.tensor(key)?.storage) }
        // Non-strict: the shared keys load, the batch-norm ones are reported.
        let report = try spec.loadSafetensors(path: path, strict: false)
        #expect(report.unexpectedKeys.count == 15)
        #expect(spec.convs[0].weight.storage == bnrelu.convs[0].weight.storage)
    }

    @Test func misShapedFile_NamesTheKey() throws {
        var g = SeededGenerator(seed: 1)
        let model = UltimusNet(generator: &g)
        var state = model.stateDict()
        state["fc.weight"] = .float32(Tensor.zeros([10, 47]))
        let path = temporaryPath("shape")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafeTensors.write(state.safeTensorsEntries(), metadata: [:], to: path)
        do {
            try model.loadSafetensors(path: path)
            Issue.record("a mis-shaped state loaded")
        } catch let error as StateDictError {
            #expect(error.shapeMismatches == [.init(key: "fc.weight", expected: [10, 48], found: [10, 47])])
            #expect(error.description.contains("fc.weight (model [10, 48], file [10, 47])"))
        }
    }

    @Test func unreadableFile_Throws() {
        var g = SeededGenerator(seed: 1)
        let model = UltimusNet(generator: &g)
        #expect(throws: (any Error).self) { try model.loadSafetensors(path: "/nonexistent/weights.safetensors") }
    }
}
