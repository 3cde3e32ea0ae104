import Autograd
import Testing

@Suite struct ConvolutionTests {
    @Test(arguments: [(1, 0), (1, 1), (2, 1), (2, 0)])
    func gradients(setting: (Int, Int)) {
        var gen = SeededGenerator(seed: 13)
        let x = random([2, 3, 6, 5], &gen), w = random([4, 3, 3, 3], &gen), b = random([4], &gen)
        gradCheck([x, w, b], "conv2d s\(setting.0) p\(setting.1)") {
            conv2d($0[0], weight: $0[1], bias: $0[2], stride: setting.0, padding: setting.1)
        }
        gradCheck([x, w], "conv2d no bias") {
            conv2d($0[0], weight: $0[1], bias: nil, stride: setting.0, padding: setting.1)
        }
    }

    @Test func outputShape() {
        let y = conv2d(Tensor.zeros([2, 3, 32, 32]), weight: Tensor.zeros([8, 3, 3, 3]), bias: nil, stride: 2,
                       padding: 1)
        #expect(y.shape == [2, 8, 16, 16])
    }
}
