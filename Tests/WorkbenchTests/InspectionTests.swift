import Autograd
import Foundation
import Layers
import Testing
import TestSupport
@testable import ExperimentKit
@testable import Workbench

@Suite struct InspectionTests {
    @Test func statisticsMatchDirectFormulas() {
        let values: [Float] = [0, 1, -2, 3, 0, 4]
        let s = TensorStatistics(values: values, shape: [2, 3])
        let mean = 6.0 / 6
        let variance = values.map { (Double($0) - mean) * (Double($0) - mean) }.reduce(0, +) / 5
        #expect(s.mean == mean)
        #expect(abs(s.std - variance.squareRoot()) < 1e-12)
        #expect(s.min == -2 && s.max == 4)
        #expect(s.zeros == 2.0 / 6)
        #expect(abs(s.norm - (30.0).squareRoot()) < 1e-12)
        #expect(s.nonFinite == 0)
        let bad = TensorStatistics(values: [1, .nan, .infinity], shape: [3])
        #expect(bad.nonFinite == 2 && bad.mean == 1)
    }

    @Test func referencesParseEverySpelling() throws {
        #expect(try TensorReference.parse("conv1.weight") == TensorReference(kind: .state, name: "conv1.weight"))
        #expect(try TensorReference.parse("conv1.weight.grad")
                == TensorReference(kind: .gradient, name: "conv1.weight"))
        #expect(try TensorReference.parse("act.ultimus2.q") == TensorReference(kind: .activation, name: "ultimus2.q"))
        #expect(try TensorReference.parse("conv1.weight[0]").index == [0])
        #expect(try TensorReference.parse("conv1.weight[2, 1]").index == [2, 1])
        #expect(try TensorReference.parse("conv1.weight[2][1]").index == [2, 1])
        #expect(try TensorReference.parse("act.conv3[1]").description == "act.conv3[1]")
        #expect(throws: InspectionError.self) { try TensorReference.parse("conv1.weight[x]") }
        #expect(throws: InspectionError.self) { try TensorReference.parse("conv1.weight[0") }
        #expect(throws: InspectionError.self) { try TensorReference.parse("act.") }
    }

    @Test func lookupFindsParametersBuffersGradientsActivationsAndSlices() throws {
        let model = InspectionFixtures.model(.bnrelu)
        let probe = ProbeForward(model: model, images: InspectionFixtures.images(2))
        let w = try TensorLookup.resolve(.init(kind: .state, name: "conv1.weight", index: [0]), model: model,
                                         activations: probe.activations)
        #expect(w.shape == [3, 3, 3])
        #expect(w.storage == Array(model.convs[0].weight.storage[0..<27]))
        let rm = try TensorLookup.resolve(.init(kind: .state, name: "bn1.running_mean"), model: model, activations: [])
        #expect(rm.shape == [16])
        let counter = try TensorLookup.resolve(.init(kind: .state, name: "bn1.num_batches_tracked"), model: model,
                                               activations: [])
        #expect(counter.shape == [] && counter.storage == [0])
        let q = try TensorLookup.resolve(.init(kind: .activation, name: "ultimus2.q"), model: model,
                                         activations: probe.activations)
        #expect(q.shape == [2, 8])
        let conv3 = try TensorLookup.resolve(.init(kind: .activation, name: "conv3", index: [1, 47]), model: model,
                                             activations: probe.activations)
        #expect(conv3.shape == [8, 8])
        #expect(throws: InspectionError.self) {
            try TensorLookup.resolve(.init(kind: .gradient, name: "conv1.weight"), model: model, activations: [])
        }
        #expect(throws: InspectionError.self) {
            try TensorLookup.resolve(.init(kind: .state, name: "conv1.weight", index: [16]), model: model,
                                     activations: [])
        }
        do {
            _ = try TensorLookup.resolve(.init(kind: .state, name: "conv1.wieght"), model: model, activations: [])
            Issue.record("expected an error")
        } catch let e as InspectionError {
            #expect(e.description.contains("did you mean 'conv1.weight'"))
        }
    }

    @Test func gradientNormsReportEveryParameter() {
        let model = InspectionFixtures.model()
        #expect(!GradientNorms(model: model).hasGradients)
        crossEntropy(model(InspectionFixtures.images(2)), labels: [1, 2]).backward()
        let norms = GradientNorms(model: model)
        #expect(norms.rows.count == model.namedParameters().count)
        let first = model.namedParameters()[0].tensor.grad!.storage
        #expect(abs(norms.rows[0].gradientNorm! - Double(first.map { $0 * $0 }.reduce(0, +)).squareRoot()) < 1e-4)
        let manual = norms.rows.compactMap(\.gradientNorm).map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(abs(norms.total - manual) < 1e-9)
        #expect(norms.cells().rows.count == norms.rows.count + 1)
    }

    @Test func probeForwardChangesNothingInTheModel() {
        for variant in UltimusNet.Variant.allCases {
            let model = InspectionFixtures.model(variant)
            model.recordActivations = true
            _ = model(InspectionFixtures.images(3, seed: 5))
            crossEntropy(model(InspectionFixtures.images(3, seed: 5)), labels: [0, 1, 2]).backward()
            model.blocks[1].intervention = .uniform
            let before = InspectionFixtures.digest(model)
            let probe = ProbeForward(model: model, images: InspectionFixtures.images(4))
            _ = try? GradCAM.compute(model: model, images: InspectionFixtures.images(2), layer: "conv3")
            #expect(InspectionFixtures.digest(model) == before)
            #expect(probe.logits.shape == [4, 10])
            // The copy evaluates, and carries the intervention: block 2's map is uniform.
            let map = probe.attentionMap(block: "ultimus2", sample: 1)!
            #expect(map.allSatisfy { $0.allSatisfy { abs($0 - 0.125) < 1e-7 } })
        }
    }

    @Test func probeMatchesTheModelInEvaluationMode() {
        let model = InspectionFixtures.model(.bnrelu)
        let images = InspectionFixtures.images(3)
        let probe = ProbeForward(model: model, images: images)
        model.eval()
        let direct = noGrad { model(images) }
        #expect(closeness(probe.logits.storage, direct.storage, rtol: 1e-6, atol: 1e-6) == nil)
    }
}


/// Small models and images shared by the inspection tests.
enum InspectionFixtures {
    static func model(_ variant: UltimusNet.Variant = .spec, attention: AttentionMode = .sample,
                      seed: UInt64 = 3) -> UltimusNet {
        var g = SeededGenerator(seed: seed)
        return UltimusNet(variant: variant, attention: attention, generator: &g)
    }

    static func images(_ n: Int = 4, seed: UInt64 = 11, size: Int = 8) -> Tensor {
        var g = SeededGenerator(seed: seed)
        return Tensor.randn([n, 3, size, size], using: &g)
    }

    /// A digest of everything inspection must leave alone: parameters, buffers, gradients,
    /// training flags, recorded attention maps and activations.
    static func digest(_ model: UltimusNet) -> [Float] {
        var out: [Float] = []
        let state = model.stateDict()
        for key in state.keys { out += state[key]!.tensor.storage }
        for p in model.parameters() { out += p.grad?.storage ?? [-7] }
        for (_, m) in model.namedModules() { out.append(m.isTraining ? 1 : 0) }
        for b in model.blocks { out += b.lastAttention?.storage ?? [-9] }
        for a in model.activations { out += a.tensor.storage }
        return out
    }
}
