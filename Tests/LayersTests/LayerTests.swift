import Layers
import TestSupport
import Testing

@Suite struct LayerTests {
    @Test func sequential_NamesChildrenByPosition_AndAppends() {
        var g = SeededGenerator(seed: 1)
        let s = Sequential([Linear(inputFeatures: 4, outputFeatures: 3, generator: &g), ReLU()])
        s.append(Linear(inputFeatures: 3, outputFeatures: 2, bias: false, generator: &g))
        #expect(s.namedParameters().map(\.name) == ["0.weight", "0.bias", "2.weight"])
        s.recordActivations = true
        let y = noGrad { s(Tensor.ones([5, 4])) }
        #expect(y.shape == [5, 2])
        #expect(s.activations.map(\.name) == ["0", "1", "2"])
    }

    @Test func dropout_IsSeededScaledAndOffInEval() {
        let d = Dropout(p: 0.25, seed: 9), e = Dropout(p: 0.25, seed: 9)
        let x = Tensor.ones([1000])
        let a = d(x), b = e(x)
        #expect(a.storage == b.storage)
        #expect(Set(a.storage) == [0, Float(1) / 0.75])
        let dropped = a.storage.filter { $0 == 0 }.count
        #expect(dropped > 180 && dropped < 320)
        d.eval()
        #expect(d(x).storage == x.storage)
    }

    @Test func pooling_AndFlatten_Shapes() {
        var g = SeededGenerator(seed: 1)
        let x = Tensor.randn([2, 3, 8, 8], using: &g)
        #expect(MaxPool2d(kernelSize: 2)(x).shape == [2, 3, 4, 4])
        #expect(AdaptiveAvgPool2d(1)(x).shape == [2, 3, 1, 1])
        #expect(Flatten()(AdaptiveAvgPool2d(1)(x)).shape == [2, 3])
        assertClose(GlobalAvgPool()(x), Flatten()(AdaptiveAvgPool2d(1)(x)), rtol: 1e-6, atol: 1e-6)
    }

    @Test func batchNorm_EvalUsesRunningStats_CountsBatches() {
        let bn = BatchNorm2d(2)
        var g = SeededGenerator(seed: 1)
        let x = Tensor.randn([4, 2, 3, 3], using: &g)
        _ = bn(x)
        _ = bn(x)
        #expect(bn.numBatchesTracked.value == 2)
        bn.eval()
        _ = bn(x)
        #expect(bn.numBatchesTracked.value == 2)
        #expect(bn.namedBuffers().map(\.name) == ["running_mean", "running_var", "num_batches_tracked"])
    }
}
