import Autograd
import TestSupport
import Testing

/// `batchNorm2dFused` against the composite `batchNorm2d` (+ `relu`): values, gradients, running statistics.
@Suite struct FusedOpTests {
    struct Case: CustomStringConvertible, Sendable {
        var training: Bool, relu: Bool, affine: Bool
        var description: String { "training \(training) relu \(relu) affine \(affine)" }
    }

    static let cases = [true, false].flatMap { t in [true, false].flatMap { r in [true, false].map { a in
        Case(training: t, relu: r, affine: a)
    } } }

    @Test(arguments: cases)
    func batchNormMatchesComposite(_ c: Case) {
        var rng = SeededGenerator(seed: 4)
        let shape = [3, 4, 5, 6]
        let values = (0..<shape.reduce(1, *)).map { _ in 1 + 2 * rng.nextNormal() }
        let gammaValues = (0..<4).map { _ in rng.nextUniform(0.5, 1.5) }
        let betaValues = (0..<4).map { _ in rng.nextUniform(-0.5, 0.5) }
        let dy = Tensor(shape: shape, storage: (0..<values.count).map { _ in rng.nextUniform(-1, 1) })
        let runningMean = (0..<4).map { _ in rng.nextUniform(-0.5, 0.5) }
        let runningVar = (0..<4).map { _ in rng.nextUniform(0.5, 2) }

        func run(fused: Bool) -> (y: Tensor, x: Tensor, w: Tensor, b: Tensor, rm: Tensor, rv: Tensor) {
            let x = Tensor(shape: shape, storage: values, requiresGrad: true)
            let w = Tensor(shape: [4], storage: gammaValues, requiresGrad: true)
            let b = Tensor(shape: [4], storage: betaValues, requiresGrad: true)
            let rm = Tensor(shape: [4], storage: runningMean), rv = Tensor(shape: [4], storage: runningVar)
            var y: Tensor
            if fused {
                y = batchNorm2dFused(x, weight: c.affine ? w : nil, bias: c.affine ? b : nil, runningMean: rm,
                                     runningVar: rv, training: c.training, relu: c.relu)
            } else {
                y = compositeBatchNorm2d(x, weight: c.affine ? w : nil, bias: c.affine ? b : nil, runningMean: rm,
                                          runningVar: rv, training: c.training)
                if c.relu { y = y.relu() }
            }
            (y * dy).sum().backward()
            return (y, x, w, b, rm, rv)
        }
        let fused = run(fused: true), composite = run(fused: false)
        assertClose(fused.y, composite.y, rtol: 1e-4, atol: 1e-5, "\(c) output")
        assertClose(fused.x.grad!, composite.x.grad!, rtol: 1e-3, atol: 1e-5, "\(c) input grad")
        if c.affine {
            assertClose(fused.w.grad!, composite.w.grad!, rtol: 1e-3, atol: 1e-4, "\(c) weight grad")
            assertClose(fused.b.grad!, composite.b.grad!, rtol: 1e-3, atol: 1e-4, "\(c) bias grad")
        }
        assertClose(fused.rm, composite.rm, rtol: 1e-5, atol: 1e-6, "\(c) running mean")
        assertClose(fused.rv, composite.rv, rtol: 1e-5, atol: 1e-6, "\(c) running var")
    }

    @Test(arguments: [(1, 1), (1, 0), (2, 1)])
    func convReLUMatchesConvThenReLU(_ geometry: (stride: Int, padding: Int)) {
        var rng = SeededGenerator(seed: 9)
        let x0 = Tensor.randn([2, 3, 9, 9], using: &rng), w0 = Tensor.randn([5, 3, 3, 3], using: &rng)
        let b0 = Tensor.randn([5], using: &rng)
        func run(fused: Bool) -> (y: Tensor, x: Tensor, w: Tensor, b: Tensor) {
            let x = Tensor(shape: x0.shape, storage: x0.storage, requiresGrad: true)
            let w = Tensor(shape: w0.shape, storage: w0.storage, requiresGrad: true)
            let b = Tensor(shape: b0.shape, storage: b0.storage, requiresGrad: true)
            let y = fused
                ? conv2d(x, weight: w, bias: b, stride: geometry.stride, padding: geometry.padding, relu: true)
                : conv2d(x, weight: w, bias: b, stride: geometry.stride, padding: geometry.padding).relu()
            (y * y.detached()).sum().backward()
            return (y, x, w, b)
        }
        let fused = run(fused: true), separate = run(fused: false)
        assertClose(fused.y, separate.y, rtol: 1e-5, atol: 1e-6, "output")
        #expect(fused.y.storage.contains { $0 == 0 } && fused.y.storage.contains { $0 > 0 })
        assertClose(fused.x.grad!, separate.x.grad!, rtol: 1e-4, atol: 1e-5, "input grad")
        assertClose(fused.w.grad!, separate.w.grad!, rtol: 1e-4, atol: 1e-5, "weight grad")
        assertClose(fused.b.grad!, separate.b.grad!, rtol: 1e-4, atol: 1e-5, "bias grad")
    }

    @Test func fusedOpFreesItsGraph() {
        weak var weakOutput: Tensor?
        do {
            let x = Tensor(shape: [2, 2, 2, 2], storage: (0..<16).map { Float($0) }, requiresGrad: true)
            let y = batchNorm2dFused(x, weight: nil, bias: nil, runningMean: Tensor.zeros([2]),
                                     runningVar: Tensor.ones([2]), training: true, relu: true)
            weakOutput = y
            y.sum().backward()
            #expect(x.grad != nil)
        }
        #expect(weakOutput == nil)
    }
}

/// Batch norm written with primitives only (the definition the fused op is checked against):
/// `(x − μ) / √(σ² + eps) · weight + bias`, batch statistics (and running-statistic updates) when training.
func compositeBatchNorm2d(_ x: Tensor, weight: Tensor?, bias: Tensor?, runningMean: Tensor, runningVar: Tensor,
                          training: Bool, momentum: Float = 0.1, eps: Float = 1e-5) -> Tensor {
    let c = x.shape[1]
    let channel = [1, c, 1, 1]
    let normalized: Tensor
    if training {
        let n = x.count / c
        let mean = x.mean(axes: [0, 2, 3], keepDims: true)
        let centered = x - mean
        let variance = (centered * centered).mean(axes: [0, 2, 3], keepDims: true)
        normalized = centered / (variance + eps).sqrt()
        let unbiased = Float(n) / Float(n - 1)
        for i in 0..<c {
            runningMean.storage[i] = (1 - momentum) * runningMean.storage[i] + momentum * mean.storage[i]
            runningVar.storage[i] = (1 - momentum) * runningVar.storage[i] + momentum * variance.storage[i] * unbiased
        }
    } else {
        normalized = (x - runningMean.detached().reshaped(channel))
            / (runningVar.detached().reshaped(channel) + eps).sqrt()
    }
    var y = normalized
    if let weight { y = y * weight.reshaped(channel) }
    if let bias { y = y + bias.reshaped(channel) }
    return y
}
