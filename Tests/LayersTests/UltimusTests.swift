@testable import Layers
import TestSupport
import Testing

@Suite struct UltimusTests {
    func block(_ mode: AttentionMode = .sample, seed: UInt64 = 7) -> Ultimus {
        var g = SeededGenerator(seed: seed)
        return Ultimus(attention: mode, generator: &g)
    }

    func input(_ b: Int, seed: UInt64 = 11) -> Tensor {
        var g = SeededGenerator(seed: seed)
        return Tensor.randn([b, 48], using: &g)
    }

    @Test func names_AndParameterCount() {
        let u = block()
        #expect(u.namedParameters().map(\.name) == ["fc_k.weight", "fc_k.bias", "fc_q.weight", "fc_q.bias",
                                                    "fc_v.weight", "fc_v.bias", "fc_out.weight", "fc_out.bias"])
        #expect(u.parameterCount == 1_608)
    }

    @Test func attention_IsPerSampleSoftmaxOverJ() throws {
        let u = block()
        let x = input(3)
        _ = u(x)
        let am = try #require(u.lastAttention)
        #expect(am.shape == [3, 8, 8])
        // Reference from the formula, in Double.
        let k = noGrad { u.fcK(x) }, q = noGrad { u.fcQ(x) }
        for b in 0..<3 {
            for i in 0..<8 {
                let logits = (0..<8).map { j in Double(q[b, i]) * Double(k[b, j]) / 8.0.squareRoot() }
                let m = logits.max()!, e = logits.map { Foundation.exp($0 - m) }, s = e.reduce(0, +)
                for j in 0..<8 { #expect(abs(Double(am[b, i, j]) - e[j] / s) < 1e-6) }
            }
        }
    }

    @Test func samplesDoNotMix_ButBatchModeDoes() {
        for (mode, mixes) in [(AttentionMode.sample, false), (.batch, true)] {
            let u = block(mode)
            #expect(u.isBatchMixing == mixes)
            let x = input(4), y = input(4, seed: 99)
            // Same first image, different batch-mates.
            y.storage.replaceSubrange(0..<48, with: x.storage[0..<48])
            let a = noGrad { u(x) }, b = noGrad { u(y) }
            let same = closeness(Array(a.storage[0..<48]), Array(b.storage[0..<48]), rtol: 1e-6, atol: 1e-7) == nil
            #expect(same != mixes, "\(mode)")
            if mode == .batch { #expect(u.lastAttention?.shape == [4, 4]) }
        }
    }

    @Test func gradients_FlowToEveryParameter_MatchFiniteDifferences() {
        let u = block()
        let x = input(2)
        x.requiresGrad = true
        var g = SeededGenerator(seed: 5)
        let upstream = Tensor.randn([2, 48], using: &g)
        (u(x) * upstream).sum().backward()
        func loss() -> Double {
            noGrad { (u(x) * upstream).sum().storage.reduce(0) { $0 + Double($1) } }
        }
        for (name, p) in u.namedParameters() + [(name: "input", tensor: x)] {
            let grad = p.grad
            #expect(grad != nil && grad!.storage.contains { $0 != 0 }, "\(name) got no gradient")
            // Central differences on a few entries.
            for index in [0, p.count / 2, p.count - 1] {
                let saved = p.storage[index]
                let h: Float = 1e-2
                p.storage[index] = saved + h
                let up = loss()
                p.storage[index] = saved - h
                let down = loss()
                p.storage[index] = saved
                let numeric = (up - down) / Double(2 * h)
                let analytic = Double(grad?.storage[index] ?? .nan)
                #expect(abs(numeric - analytic) <= 2e-2 * max(1, abs(numeric)),
                        "\(name)[\(index)]: \(analytic) vs \(numeric)")
            }
        }
    }

    @Test func interventions_ApplyOnlyInEvaluation() throws {
        let u = block()
        let x = input(2)
        u.intervention = .uniform
        _ = noGrad { u(x) }
        #expect(u.lastAttention?.storage.allSatisfy { $0 == 1.0 / 8 } == false,
                "training mode must ignore interventions")
        u.eval()
        _ = noGrad { u(x) }
        #expect(u.lastAttention?.storage.allSatisfy { $0 == 1.0 / 8 } == true)
        u.intervention = .identity
        _ = noGrad { u(x) }
        let eye = try #require(u.lastAttention)
        #expect(eye[1, 3, 3] == 1 && eye[1, 3, 4] == 0)
        u.intervention = .zeroRow(2)
        _ = noGrad { u(x) }
        let zeroed = try #require(u.lastAttention)
        #expect((0..<8).allSatisfy { zeroed[0, 2, $0] == 0 } && zeroed[0, 1, 0] != 0)
        u.intervention = .bypass
        #expect(noGrad { u(x) }.storage == x.storage)
        #expect(throws: ShapeError.self) { try AttentionIntervention.zeroRow(8).validate(rows: 8) }
    }
}

@Suite struct UltimusNetTests {
    @Test func spec_HasPyTorchNamesAndCount() {
        var g = SeededGenerator(seed: 1)
        let net = UltimusNet(variant: .spec, generator: &g)
        #expect(net.parameterCount == 25_882)
        let names = net.namedParameters().map(\.name)
        #expect(names.prefix(6) == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "conv3.weight",
                                    "conv3.bias"])
        #expect(names[6] == "ultimus1.fc_k.weight" && names.last == "fc.bias" && names.count == 40)
    }

    @Test func bnrelu_OrderMatchesTorchRegistration() {
        var g = SeededGenerator(seed: 1)
        let net = UltimusNet(variant: .bnrelu, generator: &g)
        #expect(net.parameterCount == 26_074)
        let keys = net.stateDict().keys
        #expect(keys[6..<16] == ["bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                                 "bn1.num_batches_tracked", "bn2.weight", "bn2.bias", "bn2.running_mean",
                                 "bn2.running_var", "bn2.num_batches_tracked"])
    }

    @Test func initialisation_IsPyTorchsUniformBounds_AndSeeded() {
        var g1 = SeededGenerator(seed: 4), g2 = SeededGenerator(seed: 4)
        let a = UltimusNet(generator: &g1), b = UltimusNet(generator: &g2)
        #expect(a.convs[1].weight.storage == b.convs[1].weight.storage)
        let bound2 = 1 / Float(16 * 9).squareRoot()
        #expect(a.convs[1].weight.storage.allSatisfy { abs($0) <= bound2 })
        #expect(a.convs[1].weight.storage.contains { abs($0) > 0.9 * bound2 })
        #expect(a.fc.bias!.storage.allSatisfy { abs($0) <= 1 / Float(48).squareRoot() })
    }

    @Test func recording_NamesEveryStepInOrder_AndCostsNothingWhenOff() throws {
        var g = SeededGenerator(seed: 2)
        let net = UltimusNet(variant: .bnrelu, generator: &g)
        var r = SeededGenerator(seed: 3)
        let x = Tensor.randn([2, 3, 8, 8], using: &r)
        _ = noGrad { net(x) }
        #expect(net.activations.isEmpty)
        net.recordActivations = true
        _ = noGrad { net(x) }
        let names = net.activations.map(\.name)
        #expect(names.prefix(10) == ["conv1", "bn1", "relu1", "conv2", "bn2", "relu2", "conv3", "bn3", "relu3", "gap"])
        #expect(names[10..<16] == ["ultimus1.k", "ultimus1.q", "ultimus1.v", "ultimus1.attention", "ultimus1.z",
                                   "ultimus1"])
        #expect(names.last == "fc" && names.count == 10 + 4 * 6 + 1)
        #expect(try #require(net.activation("ultimus3.attention")).shape == [2, 8, 8])
        #expect(net.activations.allSatisfy { $0.tensor.isLeaf && !$0.tensor.requiresGrad })
        _ = noGrad { net(x) }
        #expect(net.activations.count == names.count, "a new forward replaces the record")
        net.recordActivations = false
        #expect(net.activations.isEmpty)
    }

    /// bnrelu's forward with each module run on its own (conv, BatchNorm, then ReLU): the reference
    /// for the fused training path and the folded evaluation path.
    func separateForward(_ net: UltimusNet, _ x: Tensor) -> Tensor {
        var h = x
        for i in 0..<3 { h = net.norms[i](net.convs[i](h)).relu() }
        h = h.mean(axes: [2, 3])
        for block in net.blocks { h = block(h) }
        return net.fc(h)
    }

    func trainedBnrelu(seed: UInt64) -> (UltimusNet, Tensor) {
        var g = SeededGenerator(seed: seed)
        let net = UltimusNet(variant: .bnrelu, generator: &g)
        var r = SeededGenerator(seed: seed + 1)
        let x = Tensor.randn([4, 3, 8, 8], using: &r)
        for norm in net.norms {  // non-trivial affine parameters and running statistics
            for c in 0..<norm.numFeatures {
                norm.weight.storage[c] = r.nextUniform(0.5, 1.5)
                norm.bias.storage[c] = r.nextUniform(-0.5, 0.5)
                norm.runningMean.storage[c] = r.nextUniform(-0.3, 0.3)
                norm.runningVar.storage[c] = r.nextUniform(0.5, 2)
            }
        }
        return (net, x)
    }

    @Test func bnreluFusedTraining_MatchesSeparateModules() {
        let (a, x) = trainedBnrelu(seed: 20)
        let (b, _) = trainedBnrelu(seed: 20)
        let labels = [1, 7, 3, 0]
        let lossA = crossEntropy(a(x), labels: labels), lossB = crossEntropy(separateForward(b, x), labels: labels)
        assertClose(lossA, lossB, rtol: 1e-5, atol: 1e-6, "loss")
        lossA.backward()
        lossB.backward()
        for (pa, pb) in zip(a.namedParameters(), b.namedParameters()) {
            assertClose(pa.tensor.grad!, pb.tensor.grad!, rtol: 1e-3, atol: 1e-6, pa.name)
        }
        for (na, nb) in zip(a.norms, b.norms) {
            assertClose(na.runningMean, nb.runningMean, rtol: 1e-5, atol: 1e-6, "running mean")
            assertClose(na.runningVar, nb.runningVar, rtol: 1e-5, atol: 1e-6, "running var")
            #expect(na.numBatchesTracked.value == 1)
        }
    }

    @Test func bnreluFoldedEvaluation_MatchesSeparateModules() {
        let (net, x) = trainedBnrelu(seed: 30)
        net.eval()
        let folded = noGrad { net(x) }
        let separate = noGrad { separateForward(net, x) }
        assertClose(folded, separate, rtol: 1e-4, atol: 1e-5, "logits")
        // Every stage on its own, including a stage's ReLU output.
        let stage = noGrad { net.convNormReLU(0, x) }
        let reference = noGrad { net.norms[0](net.convs[0](x)).relu() }
        assertClose(stage, reference, rtol: 1e-4, atol: 1e-5, "relu1")
        #expect(stage.storage.contains { $0 == 0 } && stage.storage.contains { $0 > 0 })
        #expect(net.norms.allSatisfy { $0.numBatchesTracked.value == 0 }, "evaluation leaves the statistics alone")
        // With the tape on (gradients in evaluation mode), the fused op runs and gradients flow.
        let withTape = net(x)
        assertClose(withTape, separate, rtol: 1e-4, atol: 1e-5, "logits with the tape")
        withTape.sum().backward()
        #expect(net.convs[0].weight.grad != nil && net.norms[2].weight.grad != nil)
    }

    @Test func forward_GivesLogitsAndTrainsBatchNormStats() {
        var g = SeededGenerator(seed: 2)
        let net = UltimusNet(variant: .bnrelu, generator: &g)
        var r = SeededGenerator(seed: 3)
        let x = Tensor.randn([2, 3, 8, 8], using: &r)
        let loss = crossEntropy(net(x), labels: [1, 7])
        loss.backward()
        #expect(net.parameters().allSatisfy { $0.grad != nil })
        #expect(net.norms[0].numBatchesTracked.value == 1)
        #expect(net.norms[0].runningMean.storage.contains { $0 != 0 })
    }
}

import Foundation
