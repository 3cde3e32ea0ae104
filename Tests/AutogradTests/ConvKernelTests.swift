@testable import Autograd
import TestSupport
import Testing

/// The fast convolution paths against the naive ``Conv2dReference`` on random data.
@Suite struct ConvKernelTests {
    /// Which implementation a check runs.
    enum Path: CaseIterable { case direct, im2col }

    struct Case: CustomStringConvertible, Sendable {
        var g: ConvGeometry
        var bias = true
        var description: String {
            "n\(g.batch) c\(g.inChannels)→\(g.outChannels) \(g.height)×\(g.width) "
                + "k\(g.kernel) s\(g.stride) p\(g.padding)"
                + (bias ? "" : " nobias")
        }
    }

    static let cases: [Case] = [
        Case(g: ConvGeometry(batch: 2, inChannels: 3, height: 32, width: 32, outChannels: 16, kernel: 3, padding: 1)),
        Case(g: ConvGeometry(batch: 3, inChannels: 16, height: 12, width: 12, outChannels: 32, kernel: 3, padding: 1)),
        Case(g: ConvGeometry(batch: 2, inChannels: 32, height: 8, width: 16, outChannels: 48, kernel: 3, padding: 1)),
        Case(g: ConvGeometry(batch: 1, inChannels: 5, height: 7, width: 9, outChannels: 7, kernel: 3, padding: 1)),
        Case(g: ConvGeometry(batch: 1, inChannels: 4, height: 11, width: 13, outChannels: 3, kernel: 3, padding: 0),
             bias: false),
        Case(g: ConvGeometry(batch: 3, inChannels: 3, height: 9, width: 10, outChannels: 5, kernel: 3, stride: 2,
                             padding: 1)),
        Case(g: ConvGeometry(batch: 2, inChannels: 2, height: 10, width: 7, outChannels: 9, kernel: 2, stride: 2,
                             padding: 0)),
        Case(g: ConvGeometry(batch: 2, inChannels: 6, height: 19, width: 21, outChannels: 10, kernel: 5, padding: 2)),
        Case(g: ConvGeometry(batch: 1, inChannels: 3, height: 6, width: 6, outChannels: 8, kernel: 1, padding: 0)),
        Case(g: ConvGeometry(batch: 4, inChannels: 7, height: 5, width: 33, outChannels: 13, kernel: 4, padding: 3)),
        // More input channels than one L1 chunk, with partial tiles and a partial channel block.
        Case(g: ConvGeometry(batch: 1, inChannels: 30, height: 5, width: 21, outChannels: 7, kernel: 3, padding: 1)),
        Case(g: ConvGeometry(batch: 2, inChannels: 50, height: 4, width: 18, outChannels: 26, kernel: 3, padding: 1)),
    ]

    static func random(_ count: Int, _ generator: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in generator.nextUniform(-1, 1) }
    }

    /// Forward, input gradient and weight/bias gradients of `path` against the reference.
    static func check(_ c: Case, _ path: Path, seed: UInt64) {
        let g = c.g
        var rng = SeededGenerator(seed: seed)
        let x = random(g.inputCount, &rng), w = random(g.weightCount, &rng)
        let b = random(g.outChannels, &rng), dy = random(g.outputCount, &rng)
        let bias: [Float]? = c.bias ? b : nil

        var expected = [Float](repeating: .nan, count: g.outputCount), actual = expected
        Conv2dReference.forward(g, input: x, weight: w, bias: bias, output: &expected)
        switch path {
        case .direct: ConvDirect.forward(g, input: x, weight: w, bias: bias, output: &actual)
        case .im2col: ConvIm2col.forward(g, input: x, weight: w, bias: bias, output: &actual)
        }
        if let problem = closeness(actual, expected, rtol: 1e-4, atol: 1e-4) {
            Issue.record("\(c) \(path) forward: \(problem)")
        }

        var dxExpected = [Float](repeating: .nan, count: g.inputCount), dx = dxExpected
        Conv2dReference.backwardInput(g, gradOutput: dy, weight: w, gradInput: &dxExpected)
        switch path {
        case .direct: ConvDirect.backwardInput(g, gradOutput: dy, weight: w, gradInput: &dx)
        case .im2col: ConvIm2col.backwardInput(g, gradOutput: dy, weight: w, gradInput: &dx)
        }
        if let problem = closeness(dx, dxExpected, rtol: 1e-4, atol: 1e-4) {
            Issue.record("\(c) \(path) input grad: \(problem)")
        }

        var dwExpected = [Float](repeating: .nan, count: g.weightCount), dw = dwExpected
        var dbExpected = [Float](repeating: .nan, count: g.outChannels), db = dbExpected
        Conv2dReference.backwardWeight(g, input: x, gradOutput: dy, gradWeight: &dwExpected, gradBias: &dbExpected)
        switch path {
        case .direct: ConvDirect.backwardWeight(g, input: x, gradOutput: dy, gradWeight: &dw, gradBias: &db)
        case .im2col: ConvIm2col.backwardWeight(g, input: x, gradOutput: dy, gradWeight: &dw, gradBias: &db)
        }
        if let problem = closeness(dw, dwExpected, rtol: 1e-4, atol: 1e-3) {
            Issue.record("\(c) \(path) weight grad: \(problem)")
        }
        if let problem = closeness(db, dbExpected, rtol: 1e-4, atol: 1e-3) {
            Issue.record("\(c) \(path) bias grad: \(problem)")
        }
    }

    @Test(arguments: cases)
    func directMatchesReference(_ c: Case) {
        guard ConvDirect.supports(c.g) else { return }
        Self.check(c, .direct, seed: 11)
    }

    @Test(arguments: cases)
    func im2colMatchesReference(_ c: Case) {
        Self.check(c, .im2col, seed: 12)
    }

    @Test func dispatchCoversEveryCase() {
        // The public entry points pick a path per geometry; stride 2 must take the general one.
        #expect(!ConvDirect.supports(ConvGeometry(batch: 1, inChannels: 1, height: 4, width: 4, outChannels: 1,
                                                  kernel: 3, stride: 2)))
        #expect(ConvDirect.supports(ConvGeometry(batch: 1, inChannels: 1, height: 4, width: 4, outChannels: 1,
                                                 kernel: 3, padding: 1)))
        let g = Self.cases[3].g
        var rng = SeededGenerator(seed: 3)
        let x = Self.random(g.inputCount, &rng), w = Self.random(g.weightCount, &rng)
        var expected = [Float](repeating: 0, count: g.outputCount), actual = expected
        Conv2dReference.forward(g, input: x, weight: w, bias: nil, output: &expected)
        Conv2dKernels.forward(g, input: x, weight: w, bias: nil, output: &actual)
        #expect(closeness(actual, expected, rtol: 1e-4, atol: 1e-4) == nil)
    }

    @Test func randomGeometries() {
        var rng = SeededGenerator(seed: 99)
        for _ in 0..<12 {
            let k = 1 + rng.nextInt(4)
            let g = ConvGeometry(batch: 1 + rng.nextInt(3), inChannels: 1 + rng.nextInt(9), height: k + rng.nextInt(12),
                                 width: k + rng.nextInt(20), outChannels: 1 + rng.nextInt(14), kernel: k,
                                 stride: 1 + rng.nextInt(2), padding: rng.nextInt(k))
            let c = Case(g: g, bias: rng.nextInt(2) == 0)
            if ConvDirect.supports(g) { Self.check(c, .direct, seed: rng.next()) }
            Self.check(c, .im2col, seed: rng.next())
        }
    }

    @Test func weightGradientIsBitIdenticalRunToRun() {
        let g = ConvGeometry(batch: 5, inChannels: 8, height: 16, width: 16, outChannels: 12, kernel: 3, padding: 1)
        var rng = SeededGenerator(seed: 5)
        let x = Self.random(g.inputCount, &rng), dy = Self.random(g.outputCount, &rng)
        var first = [Float](repeating: 0, count: g.weightCount), second = first
        var b1 = [Float](repeating: 0, count: 12), b2 = b1
        ConvDirect.backwardWeight(g, input: x, gradOutput: dy, gradWeight: &first, gradBias: &b1)
        ConvDirect.backwardWeight(g, input: x, gradOutput: dy, gradWeight: &second, gradBias: &b2)
        #expect(first == second)
        #expect(b1 == b2)
    }
}
