import Autograd
import Testing

@Suite struct PoolingTests {
    @Test func forwardValues() {
        let x = Tensor(shape: [1, 1, 4, 4], storage: (0..<16).map(Float.init))
        #expect(maxPool2d(x, kernelSize: 2).storage == [5, 7, 13, 15])
        #expect(avgPool2d(x, kernelSize: 2).storage == [2.5, 4.5, 10.5, 12.5])
        #expect(adaptiveAvgPool2d(x).storage == [7.5])
        #expect(adaptiveAvgPool2d(x, outputSize: 2).storage == [2.5, 4.5, 10.5, 12.5])
        #expect(maxPool2d(x, kernelSize: 3, stride: 2, padding: 1).storage == [5, 7, 13, 15])
        // count_include_pad: the corner window holds 4 real values out of 9.
        #expect(avgPool2d(x, kernelSize: 3, stride: 2, padding: 1)[0, 0, 0, 0] == Float(0 + 1 + 4 + 5) / 9)
        #expect(adaptiveAvgPool2d(Tensor.ones([2, 3, 5, 5]), outputSize: 3).shape == [2, 3, 3, 3])
        // 4×4 to 1×2: the left and right halves; to 3×2: overlapping rows 0..<2, 1..<3, 2..<4.
        #expect(adaptiveAvgPool2d(x, outputHeight: 1, outputWidth: 2).storage == [6.5, 8.5])
        #expect(adaptiveAvgPool2d(x, outputHeight: 3, outputWidth: 2).storage == [2.5, 4.5, 6.5, 8.5, 10.5, 12.5])
    }

    @Test func gradients() {
        var gen = SeededGenerator(seed: 14)
        let x = distinct([2, 2, 5, 6], &gen)
        gradCheck([x], "maxPool2d") { maxPool2d($0[0], kernelSize: 2) }
        gradCheck([x], "maxPool2d s1 p1") { maxPool2d($0[0], kernelSize: 3, stride: 1, padding: 1) }
        gradCheck([x], "avgPool2d") { avgPool2d($0[0], kernelSize: 3, stride: 2, padding: 1) }
        gradCheck([x], "adaptive 1") { adaptiveAvgPool2d($0[0]) }
        gradCheck([x], "adaptive 3") { adaptiveAvgPool2d($0[0], outputSize: 3) }
        gradCheck([x], "adaptive 2×4") { adaptiveAvgPool2d($0[0], outputHeight: 2, outputWidth: 4) }
    }
}
