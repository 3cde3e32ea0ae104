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
                y = batchNorm2d(x, weight: c.affine ? w : nil, bias: c.affine ? b : nil, runningMean: rm,
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
