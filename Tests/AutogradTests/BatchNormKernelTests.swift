import Autograd
import TestSupport
import Testing

/// ``BatchNormKernels`` against the composite `batchNorm2d` (+ `relu`) op and its tape gradients.
@Suite struct BatchNormKernelTests {
    struct Case: CustomStringConvertible, Sendable {
        var shape: [Int]
        var relu: Bool
        var affine: Bool
        var description: String { "\(shape) relu \(relu) affine \(affine)" }
    }

    static let cases = [
        Case(shape: [4, 3, 5, 5], relu: false, affine: true),
        Case(shape: [3, 5, 4, 6], relu: true, affine: true),
        Case(shape: [2, 2, 3, 3], relu: true, affine: false),
        Case(shape: [5, 4, 8, 8], relu: false, affine: false),
    ]

    @Test(arguments: cases)
    func kernelsMatchCompositeOp(_ c: Case) {
        var rng = SeededGenerator(seed: 21)
        let (n, ch) = (c.shape[0], c.shape[1])
        let plane = c.shape[2] * c.shape[3]
        // An offset mean checks that the shifted sums keep the variance accurate.
        let x = Tensor(shape: c.shape, storage: (0..<c.shape.reduce(1, *)).map { _ in 3 + rng.nextNormal() },
                       requiresGrad: true)
        let weight = Tensor(shape: [ch], storage: (0..<ch).map { _ in rng.nextUniform(0.5, 1.5) }, requiresGrad: true)
        let bias = Tensor(shape: [ch], storage: (0..<ch).map { _ in rng.nextUniform(-0.5, 0.5) }, requiresGrad: true)
        let dy = Tensor(shape: c.shape, storage: (0..<x.count).map { _ in rng.nextUniform(-1, 1) })

        var y = compositeBatchNorm2d(x, weight: c.affine ? weight : nil, bias: c.affine ? bias : nil,
                            runningMean: Tensor.zeros([ch]), runningVar: Tensor.ones([ch]), training: true)
        if c.relu { y = y.relu() }
        (y * dy).sum().backward()

        var mean = [Float](repeating: 0, count: ch), variance = mean
        BatchNormKernels.statistics(x.storage, batch: n, channels: ch, plane: plane, mean: &mean, variance: &variance)
        let invStd = variance.map { 1 / ($0 + 1e-5).squareRoot() }
        let gamma = c.affine ? weight.storage : [Float](repeating: 1, count: ch)
        let beta = c.affine ? bias.storage : [Float](repeating: 0, count: ch)
        let scale = (0..<ch).map { gamma[$0] * invStd[$0] }
        let shift = (0..<ch).map { beta[$0] - mean[$0] * scale[$0] }
        var out = [Float](repeating: .nan, count: x.count)
        BatchNormKernels.scaleShift(x.storage, batch: n, channels: ch, plane: plane, scale: scale, shift: shift,
                                    relu: c.relu, output: &out)
        if let problem = closeness(out, y.storage, rtol: 1e-4, atol: 1e-4) { Issue.record("\(c) forward: \(problem)") }

        var dx = [Float](repeating: .nan, count: x.count)
        var dgamma = [Float](repeating: .nan, count: ch), dbeta = dgamma
        shift.withUnsafeBufferPointer { b in
            BatchNormKernels.backward(gradOutput: dy.storage, input: x.storage, reluShift: c.relu ? b.baseAddress : nil,
                                      batch: n, channels: ch, plane: plane, mean: mean, invStd: invStd,
                                      weight: c.affine ? weight.storage : nil,
                                      gradInput: &dx, gradWeight: &dgamma, gradBias: &dbeta)
        }
        let gx = try! #require(x.grad)
        if let problem = closeness(dx, gx.storage, rtol: 1e-3, atol: 1e-4) {
            Issue.record("\(c) input grad: \(problem)")
        }
        if c.affine {
            if let problem = closeness(dgamma, weight.grad!.storage, rtol: 1e-3, atol: 1e-4) {
                Issue.record("\(c) weight grad: \(problem)")
            }
            if let problem = closeness(dbeta, bias.grad!.storage, rtol: 1e-3, atol: 1e-4) {
                Issue.record("\(c) bias grad: \(problem)")
            }
        }
    }

    @Test func statisticsOfConstantChannelHaveZeroVariance() {
        let x = [Float](repeating: 7.25, count: 2 * 3 * 10)
        var mean = [Float](repeating: 0, count: 3), variance = mean
        BatchNormKernels.statistics(x, batch: 2, channels: 3, plane: 10, mean: &mean, variance: &variance)
        #expect(mean == [7.25, 7.25, 7.25])
        #expect(variance == [0, 0, 0])
    }
}
