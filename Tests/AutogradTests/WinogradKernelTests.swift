@testable import Autograd
import TestSupport
import Testing

/// Winograd F(2×2, 3×3) forward and input gradient against the naive ``Conv2dReference``.
@Suite struct WinogradKernelTests {
    static func random(_ count: Int, _ generator: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in generator.nextUniform(-1, 1) }
    }

    /// Forward (with and without bias and ReLU) and input gradient of `g` against the reference.
    static func check(_ g: ConvGeometry, seed: UInt64, bias: Bool = true, relu: Bool = false) -> [String] {
        var rng = SeededGenerator(seed: seed)
        let x = random(g.inputCount, &rng), w = random(g.weightCount, &rng)
        let b: [Float]? = bias ? random(g.outChannels, &rng) : nil
        let dy = random(g.outputCount, &rng)
        var problems: [String] = []
        let name = "n\(g.batch) c\(g.inChannels)→\(g.outChannels) \(g.height)×\(g.width) p\(g.padding)"

        var expected = [Float](repeating: .nan, count: g.outputCount), actual = expected
        Conv2dReference.forward(g, input: x, weight: w, bias: b, output: &expected)
        if relu { expected = expected.map { max($0, 0) } }
        ConvWinograd.forward(g, input: x, weight: w, bias: b, relu: relu, output: &actual)
        if let p = closeness(actual, expected, rtol: 1e-4, atol: 1e-4) { problems.append("\(name) forward: \(p)") }

        if ConvWinograd.supportsBackwardInput(g) {
            var dxExpected = [Float](repeating: .nan, count: g.inputCount), dx = dxExpected
            Conv2dReference.backwardInput(g, gradOutput: dy, weight: w, gradInput: &dxExpected)
            ConvWinograd.backwardInput(g, gradOutput: dy, weight: w, gradInput: &dx)
            if let p = closeness(dx, dxExpected, rtol: 1e-4, atol: 1e-4) { problems.append("\(name) input grad: \(p)") }
        }
        return problems
    }

    @Test func networkShapesMatchReference() {
        for (c, o) in [(3, 16), (16, 32), (32, 48), (48, 32)] {
            let g = ConvGeometry(batch: 2, inChannels: c, height: 32, width: 32, outChannels: o, kernel: 3, padding: 1)
            for problem in Self.check(g, seed: UInt64(c * 100 + o)) { Issue.record("\(problem)") }
        }
    }

    @Test func fusedReLUMatchesReference() {
        let g = ConvGeometry(batch: 3, inChannels: 7, height: 6, width: 16, outChannels: 11, kernel: 3, padding: 1)
        for problem in Self.check(g, seed: 4, relu: true) { Issue.record("\(problem)") }
    }

    @Test func randomShapesMatchReference() {
        var rng = SeededGenerator(seed: 77)
        var tried = 0
        while tried < 16 {
            let p = rng.nextInt(3)
            let g = ConvGeometry(batch: 1 + rng.nextInt(3), inChannels: 1 + rng.nextInt(40),
                                 height: 2 * (1 + rng.nextInt(8)) + 2 - 2 * p,
                                 width: 16 * (1 + rng.nextInt(3)) + 2 - 2 * p,
                                 outChannels: 1 + rng.nextInt(50), kernel: 3, padding: p)
            guard ConvWinograd.supports(g), g.height > 0 else { continue }
            tried += 1
            for problem in Self.check(g, seed: rng.next(), bias: rng.nextInt(2) == 0) { Issue.record("\(problem)") }
        }
    }

    @Test func supportsOnlyStrideOne3x3WithWholeTiles() {
        let ok = ConvGeometry(batch: 1, inChannels: 4, height: 8, width: 16, outChannels: 4, kernel: 3, padding: 1)
        #expect(ConvWinograd.supports(ok))
        #expect(ConvWinograd.supportsBackwardInput(ok))
        var odd = ok; odd.height = 7
        #expect(!ConvWinograd.supports(odd))
        var narrow = ok; narrow.width = 12
        #expect(!ConvWinograd.supports(narrow))
        var strided = ok; strided.stride = 2
        #expect(!ConvWinograd.supports(strided))
        var five = ok; five.kernel = 5
        #expect(!ConvWinograd.supports(five))
    }

    @Test func automaticChoiceUsesWinogradForWideLayersOnly() {
        let wide = ConvGeometry(batch: 8, inChannels: 16, height: 32, width: 32, outChannels: 32, kernel: 3, padding: 1)
        let first = ConvGeometry(batch: 8, inChannels: 3, height: 32, width: 32, outChannels: 16, kernel: 3, padding: 1)
        #expect(Conv2dKernels.method(wide, .forward) == .winograd)
        #expect(Conv2dKernels.method(wide, .backwardInput) == .winograd)
        #expect(Conv2dKernels.method(wide, .backwardWeight) == .direct)
        #expect(Conv2dKernels.method(first, .forward) == .direct)
    }

    /// A convolution op that takes the Winograd path, forward and backward twice at 2 threads: same bits.
    @Test func opIsBitIdenticalRunToRun() {
        func run() -> [[Float]] {
            Parallel.withThreads(2) {
                var gen = SeededGenerator(seed: 41)
                let x = Tensor(shape: [4, 16, 16, 16], storage: Self.random(4 * 16 * 256, &gen))
                let w = Tensor(shape: [24, 16, 3, 3], storage: Self.random(24 * 16 * 9, &gen))
                let b = Tensor(shape: [24], storage: Self.random(24, &gen))
                for t in [x, w, b] { t.requiresGrad = true }
                let y = conv2d(x, weight: w, bias: b, padding: 1, relu: true)
                y.sum().backward()
                return [y.storage, x.grad!.storage, w.grad!.storage, b.grad!.storage]
            }
        }
        let g = ConvGeometry(batch: 4, inChannels: 16, height: 16, width: 16, outChannels: 24, kernel: 3, padding: 1)
        #expect(Conv2dKernels.method(g, .forward) == .winograd)
        #expect(run() == run())
    }

    @Test func resultsDoNotDependOnThreadCount() {
        let g = ConvGeometry(batch: 5, inChannels: 16, height: 8, width: 16, outChannels: 12, kernel: 3, padding: 1)
        var rng = SeededGenerator(seed: 8)
        let x = Self.random(g.inputCount, &rng), w = Self.random(g.weightCount, &rng)
        var one = [Float](repeating: 0, count: g.outputCount), two = one
        Parallel.withThreads(1) { ConvWinograd.forward(g, input: x, weight: w, bias: nil, output: &one) }
        Parallel.withThreads(2) { ConvWinograd.forward(g, input: x, weight: w, bias: nil, output: &two) }
        #expect(one == two)
    }
}
