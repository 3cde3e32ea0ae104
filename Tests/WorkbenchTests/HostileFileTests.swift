import Datasets
import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

/// Damaged and lying files through the commands that read them (`load`, `import weights`, `data`):
/// each is a one-line error naming the file and the problem, the session is untouched, and no
/// allocation is sized by what the file claims.
extension TrainingTests {
@Suite(.serialized) struct HostileFileTests {
    /// A session with a small trained model, and the bytes of its saved session file.
    final class Fixture {
        let bench = TrainingBench()
        let bytes: [UInt8]
        let weightsBytes: [UInt8]
        var folder: String { bench.folder }

        init() throws {
            #expect(bench.run(TrainingBench.tiny + ["optim adam lr=1e-2", "train steps=2",
                                                     "save \(bench.folder)/good.session",
                                                     "export weights \(bench.folder)/good.safetensors"]))
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: bench.folder + "/good.session")))
            weightsBytes = Array(try Data(contentsOf: URL(fileURLWithPath: bench.folder + "/good.safetensors")))
        }

        /// Everything a failed command must leave alone.
        func state() -> String {
            let x = bench.experiment
            let session = bench.shell.session
            return "\(x.weightDigest) \(x.globalStep) \(session.commandLog.count) \(session.generator.state) "
                + "\(ObjectIdentifier(x))"
        }

        func write(_ bytes: [UInt8], _ name: String) throws -> String {
            let path = folder + "/" + name
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }

        /// Runs `command`, which must fail with a one-line message containing the file name and `problem`.
        func expectFailure(_ command: String, file: String, problem: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
            let before = state()
            bench.console.clear()
            guard case .failed(let message) = bench.run(command) else {
                Issue.record("'\(command)' must fail (\(problem))", sourceLocation: sourceLocation)
                return
            }
            print("hostile: \((file as NSString).lastPathComponent): \(message)")
            #expect(message.contains((file as NSString).lastPathComponent), "\(message)",
                    sourceLocation: sourceLocation)
            if !problem.isEmpty {
                #expect(message.lowercased().contains(problem.lowercased()), "expected '\(problem)' in: \(message)",
                        sourceLocation: sourceLocation)
            }
            #expect(!message.contains("\n"), "\(message)", sourceLocation: sourceLocation)
            #expect(message.count < 400, "\(message)", sourceLocation: sourceLocation)
            #expect(state() == before, "'\(command)' failed but changed the session", sourceLocation: sourceLocation)
        }
    }

    // MARK: Raw safetensors surgery

    /// The header JSON object and the data bytes of a safetensors file.
    static func split(_ bytes: [UInt8]) throws -> (header: [String: Any], data: [UInt8]) {
        var n = 0
        for i in 0..<8 { n |= Int(bytes[i]) << (8 * i) }
        let object = try JSONSerialization.jsonObject(with: Data(bytes[8..<8 + n]))
        return (try #require(object as? [String: Any]), Array(bytes[(8 + n)...]))
    }

    static func join(_ header: [String: Any], _ data: [UInt8]) throws -> [UInt8] {
        let json = Array(try JSONSerialization.data(withJSONObject: header))
        let n = UInt64(json.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + json + data
    }

    static func withLength(_ bytes: [UInt8], _ n: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + bytes.dropFirst(8)
    }

    /// Changes the entry whose name ends with `suffix`.
    static func editEntry(_ bytes: [UInt8], _ suffix: String, _ edit: (inout [String: Any]) -> Void) throws -> [UInt8] {
        var (header, data) = try split(bytes)
        let key = try #require(header.keys.sorted().first { $0.hasSuffix(suffix) && $0 != "__metadata__" })
        var entry = try #require(header[key] as? [String: Any])
        edit(&entry)
        header[key] = entry
        return try join(header, data)
    }

    /// Offsets of the entry named with `suffix`.
    static func offsets(_ bytes: [UInt8], _ suffix: String) throws -> (Int, Int) {
        let (header, _) = try split(bytes)
        let key = try #require(header.keys.sorted().first { $0.hasSuffix(suffix) && $0 != "__metadata__" })
        let o = try #require((header[key] as? [String: Any])?["data_offsets"] as? [Int])
        return (o[0], o[1])
    }

    /// Lying headers shared by the session and the weights files.
    static func lyingVariants(_ bytes: [UInt8]) throws -> [(name: String, bytes: [UInt8], problem: String)] {
        let (header, data) = try split(bytes)
        let headerLength = bytes.count - data.count - 8
        let (w0, w1) = try offsets(bytes, "conv1.weight")
        let (b0, b1) = try offsets(bytes, "conv1.bias")
        var nan = bytes
        let start = 8 + headerLength + w0
        for i in 0..<4 { nan[start + i] = [0x00, 0x00, 0xC0, 0x7F][i] }
        var inf = bytes
        for i in 0..<4 { inf[8 + headerLength + b0 + i] = [0x00, 0x00, 0x80, 0x7F][i] }
        _ = header
        return [
            ("empty", [], "too short"),
            ("seven-bytes", Array(bytes.prefix(7)), "too short"),
            ("header-cut", Array(bytes.prefix(8 + headerLength / 2)), ""),
            ("data-cut", Array(bytes.dropLast(10)), ""),
            ("header-beyond-file", withLength(bytes, UInt64(bytes.count + 100)), ""),
            ("huge-header-length", withLength(bytes, 1 << 62), ""),
            ("overlapping", try editEntry(bytes, "conv1.bias") { $0["data_offsets"] = [w0, w0 + (b1 - b0)] },
             "overlap"),
            ("out-of-range", try editEntry(bytes, "conv1.weight") { $0["data_offsets"] = [w0, w1 + 1_000_000] }, ""),
            ("negative-offsets", try editEntry(bytes, "conv1.weight") { $0["data_offsets"] = [-4, w1] },
             "data_offsets"),
            ("wrong-dtype", try editEntry(bytes, "conv1.weight") { $0["dtype"] = "I64" }, ""),
            ("unknown-dtype", try editEntry(bytes, "conv1.weight") { $0["dtype"] = "Q4" }, "dtype"),
            ("huge-shape", try editEntry(bytes, "conv1.weight") { $0["shape"] = [1 << 40, 1 << 40, 1 << 40] }, ""),
            ("wrong-shape", try editEntry(bytes, "conv1.weight") { $0["shape"] = [3, 4, 3, 3] }, "conv1.weight"),
            ("nan-weight", nan, "conv1.weight"),
            ("inf-bias", inf, "conv1.bias"),
        ]
    }

    @Test func damagedSessionFilesAreOneLineErrors() throws {
        let f = try Fixture()
        for variant in try Self.lyingVariants(f.bytes) {
            let path = try f.write(variant.bytes, variant.name + ".session")
            f.expectFailure("load \(path)", file: path, problem: variant.problem)
        }
        // Not a file at all.
        try FileManager.default.createDirectory(atPath: f.folder + "/folder.session", withIntermediateDirectories: true)
        f.expectFailure("load \(f.folder)/folder.session", file: "folder.session", problem: "")
        f.expectFailure("load /dev/null", file: "/dev/null", problem: "")
        f.expectFailure("load /dev/zero", file: "/dev/zero", problem: "")
        // The good file still loads afterwards.
        #expect(f.bench.run("load \(f.folder)/good.session") == .ok)
    }

    @Test func damagedWeightFilesAreOneLineErrors() throws {
        let f = try Fixture()
        for variant in try Self.lyingVariants(f.weightsBytes) {
            let path = try f.write(variant.bytes, variant.name + ".safetensors")
            f.expectFailure("import weights \(path)", file: path, problem: variant.problem)
        }
        #expect(f.bench.run("import weights \(f.folder)/good.safetensors") == .ok)
        let script = try f.write(Array("data synthetic n=64\ntrain epochs=1\n".utf8), "script.ult")
        guard case .failed(let message) = f.bench.run("import weights \(script)") else {
            Issue.record("a script is not a weights file")
            return
        }
        #expect(message.hasSuffix("import weights reads a safetensors state dict, "
                                  + "as 'export weights PATH' or safetensors.torch.save_file write it"))
    }

    // MARK: Lying session metadata

    /// Rewrites the session JSON inside the file.
    static func editRecord(_ bytes: [UInt8], _ edit: (inout [String: Any]) throws -> Void) throws -> [UInt8] {
        var (header, data) = try split(bytes)
        var metadata = try #require(header["__metadata__"] as? [String: String])
        let json = try #require(metadata[SessionFile.metadataKey])
        var record = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        try edit(&record)
        metadata[SessionFile.metadataKey] = String(decoding: try JSONSerialization.data(withJSONObject: record),
                                                   as: UTF8.self)
        metadata["ultimus.checksums"] = nil  // edited by hand: loaded unverified, its fields still checked
        header["__metadata__"] = metadata
        return try join(header, data)
    }

    /// The settings of the first layer of the recorded model.
    static func editFirstLayer(_ bytes: [UInt8], _ edit: @escaping (inout [String: Any]) -> Void) throws -> [UInt8] {
        try editRecord(bytes) { record in
            var model = try #require(record["model"] as? [String: Any])
            var layers = try #require(model["layers"] as? [String: Any])
            var specs = try #require(layers["_0"] as? [[String: Any]])
            var settings = specs[0]["settings"] as? [String: Any] ?? [:]
            edit(&settings)
            specs[0]["settings"] = settings
            layers["_0"] = specs
            model["layers"] = layers
            record["model"] = model
        }
    }

    @Test func lyingSessionMetadataIsRefusedBeforeAllocating() throws {
        let f = try Fixture()
        let cases: [(String, [UInt8], String)] = [
            ("huge-conv", try Self.editFirstLayer(f.bytes) { $0["out"] = 1_000_000_000 }, "out"),
            ("overflowing-conv", try Self.editFirstLayer(f.bytes) { $0["out"] = 1e300 }, "out"),
            ("zero-stride", try Self.editFirstLayer(f.bytes) { $0["stride"] = 0 }, "stride"),
            ("negative-kernel", try Self.editFirstLayer(f.bytes) { $0["kernel"] = -3 }, "kernel"),
            ("version", try Self.editRecord(f.bytes) { $0["version"] = 99 }, "version 99"),
            ("no-log", try Self.editRecord(f.bytes) { $0.removeValue(forKey: "commandLog") }, "commandLog"),
            ("bad-type", try Self.editRecord(f.bytes) { $0["globalStep"] = "many" }, "globalStep"),
        ]
        for (name, bytes, problem) in cases {
            let path = try f.write(bytes, name + ".session")
            f.expectFailure("load \(path)", file: path, problem: problem)
        }
    }

    /// Data settings and loader positions in a session are used when the data is first needed:
    /// lies there fail that command, not the process.
    @Test func lyingDataSettingsFailTheFirstCommandThatNeedsData() throws {
        let f = try Fixture()
        let cases: [(String, [UInt8], String)] = [
            ("huge-synthetic", try Self.editRecord(f.bytes) { r in
                var data = try #require(r["data"] as? [String: Any])
                data["count"] = 1_000_000_000_000
                r["data"] = data
            }, "n="),
            ("loader-beyond", try Self.editRecord(f.bytes) { r in
                var loader = try #require(r["loader"] as? [String: Any])
                loader["batchIndex"] = 1_000_000_000
                r["loader"] = loader
            }, ""),
        ]
        for (name, bytes, problem) in cases {
            let path = try f.write(bytes, name + ".session")
            let status = f.bench.run("load \(path)")
            if case .failed(let message) = status {
                // Refused at load: fine, if it says so in one line naming the file.
                #expect(message.contains(name), "\(message)")
                #expect(!message.contains("\n"))
                continue
            }
            let before = f.state()
            guard case .failed(let message) = f.bench.run("train steps=1") else {
                Issue.record("\(name): training on lying data settings must fail")
                continue
            }
            print("hostile: \(name): train says: \(message)")
            if !problem.isEmpty { #expect(message.contains(problem), "\(message)") }
            #expect(!message.contains("\n"))
            #expect(f.state() == before)
        }
    }

    // MARK: Data files

    @Test func damagedCIFARFilesAndImagesFailTheDataCommand() throws {
        let f = try Fixture()
        // A CIFAR-10 binary folder whose third batch has the wrong length.
        let cifar = f.folder + "/cifar-10-batches-bin"
        try FileManager.default.createDirectory(atPath: cifar, withIntermediateDirectories: true)
        for file in CIFAR10Binary.trainFiles + [CIFAR10Binary.testFile] {
            let records = file == CIFAR10Binary.trainFiles[2] ? 1.5 : 2
            let bytes = [UInt8](repeating: 3, count: Int(records * 3073))
            _ = try f.write(bytes, "cifar-10-batches-bin/" + file)
        }
        f.expectFailure("data cifar10 path=\(cifar)", file: CIFAR10Binary.trainFiles[2], problem: "length")
        // An image folder with a corrupt PNG, an empty file and an image of the wrong size.
        let root = f.folder + "/images"
        for split in ["train", "test"] {
            for cls in ["a", "b"] {
                try FileManager.default.createDirectory(atPath: "\(root)/\(split)/\(cls)",
                                                        withIntermediateDirectories: true)
                try PNGCodec.write(rgb: [UInt8](repeating: 128, count: 32 * 32 * 3), width: 32, height: 32,
                                   to: "\(root)/\(split)/\(cls)/1.png")
            }
        }
        let bad = "\(root)/train/a/2.png"
        let cases: [([UInt8], String)] = [
            ([], "empty"),
            (Array(repeating: 0x55, count: 100), "PNG"),
        ]
        for (bytes, problem) in cases {
            try Data(bytes).write(to: URL(fileURLWithPath: bad))
            f.expectFailure("data folder path=\(root)", file: "2.png", problem: problem)
        }
        // An image of another size is resized, and counted.
        try? FileManager.default.removeItem(atPath: bad)
        try PNGCodec.write(rgb: [UInt8](repeating: 1, count: 8 * 8 * 3), width: 8, height: 8, to: bad)
        #expect(f.bench.run(["model new", "data folder path=\(root)"]))
        #expect(f.bench.console.output.contains("1 file resized to 32×32 (squash)"))
    }
}
}
