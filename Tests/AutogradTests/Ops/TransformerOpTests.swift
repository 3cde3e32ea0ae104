import Autograd
import Foundation
import Testing
import TestSupport

@Suite struct TransformerOpTests {
    @Test func layerNormNormalisesEachRow() {
        var gen = SeededGenerator(seed: 31)
        let x = random([2, 3, 6], &gen, low: -4, high: 5)
        let y = layerNorm(x, weight: nil, bias: nil, eps: 0)
        for r in 0..<6 {
            let row = y.storage[r * 6 ..< r * 6 + 6].map(Double.init)
            let mean = row.reduce(0, +) / 6
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 6
            #expect(abs(mean) < 1e-5 && abs(variance - 1) < 1e-4)
        }
    }

    @Test func layerNormGradients() {
        var gen = SeededGenerator(seed: 32)
        let x = random([2, 3, 5], &gen, low: -2, high: 2), w = random([5], &gen), b = random([5], &gen)
        gradCheck([x, w, b], "layerNorm") { layerNorm($0[0], weight: $0[1], bias: $0[2], eps: 1e-5) }
        gradCheck([x], "layerNorm no affine") { layerNorm($0[0], weight: nil, bias: nil) }
    }

    @Test func geluMatchesFormulaAndGradients() {
        var gen = SeededGenerator(seed: 33)
        let x = random([4, 7], &gen, low: -4, high: 4)
        let exact = gelu(x), approx = gelu(x, approximate: .tanh)
        for i in 0..<x.count {
            let v = Double(x.storage[i])
            #expect(abs(Double(exact.storage[i]) - 0.5 * v * (1 + erf(v / 2.0.squareRoot()))) < 1e-6)
            let t = Foundation.tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v))
            #expect(abs(Double(approx.storage[i]) - 0.5 * v * (1 + t)) < 1e-6)
        }
        gradCheck([x], "gelu exact") { gelu($0[0]) }
        gradCheck([x], "gelu tanh") { gelu($0[0], approximate: .tanh) }
    }

    @Test func softmaxLastAxisEqualsComposite() {
        var gen = SeededGenerator(seed: 34)
        let x = random([2, 3, 4, 5], &gen, low: -6, high: 6)
        assertClose(softmaxLastAxis(x), softmax(x, axis: -1), rtol: 1e-6, atol: 1e-7)
        gradCheck([x], "softmaxLastAxis") { softmaxLastAxis($0[0]) }
    }

    @Test func batchedMatmulOverHeads() {
        var gen = SeededGenerator(seed: 35)
        let q = random([2, 3, 4, 5], &gen), k = random([2, 3, 6, 5], &gen), v = random([2, 3, 5, 6], &gen)
        let scores = batchedMatmul(q, k, transposeB: true)
        #expect(scores.shape == [2, 3, 4, 6])
        let viaCopy = matmul(q, k.transposed(-1, -2))
        assertClose(scores, viaCopy, rtol: 1e-6, atol: 1e-6)
        var expected: Float = 0
        for j in 0..<5 { expected += q[1, 2, 3, j] * k[1, 2, 4, j] }
        #expect(abs(scores[1, 2, 3, 4] - expected) < 1e-5)
        gradCheck([q, k], "q·kᵀ") { batchedMatmul($0[0], $0[1], transposeB: true) }
        gradCheck([q, v], "a·v") { matmul($0[0], $0[1]) }
    }
}
