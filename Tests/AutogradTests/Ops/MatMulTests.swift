import Autograd
import Testing
import TestSupport

@Suite struct MatMulTests {
    func reference(_ a: Tensor, _ b: Tensor) -> [Float] {
        let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var s: Double = 0
            for p in 0..<k { s += Double(a[i, p]) * Double(b[p, j]) }
            out[i * n + j] = Float(s)
        } }
        return out
    }

    @Test func forwardMatchesLoops() {
        var gen = SeededGenerator(seed: 10)
        let a = random([37, 53], &gen), b = random([53, 29], &gen)
        #expect(closeness(matmul(a, b).storage, reference(a, b)) == nil)
        let batchA = random([3, 4, 5], &gen), batchB = random([3, 5, 2], &gen)
        let c = matmul(batchA, batchB)
        for i in 0..<3 {
            let ai = batchA.slice(axis: 0, range: i..<i + 1).reshaped([4, 5])
            let bi = batchB.slice(axis: 0, range: i..<i + 1).reshaped([5, 2])
            #expect(closeness(c.slice(axis: 0, range: i..<i + 1).storage, reference(ai, bi)) == nil)
        }
    }

    @Test func linearIsXWTransposedPlusB() {
        var gen = SeededGenerator(seed: 11)
        let x = random([6, 4], &gen), w = random([3, 4], &gen), b = random([3], &gen)
        let y = linear(x, weight: w, bias: b)
        let expected = matmul(x, w.transposed(0, 1)) + b
        #expect(closeness(y.storage, expected.storage) == nil)
        #expect(y.shape == [6, 3])
    }

    @Test func gradients() {
        var gen = SeededGenerator(seed: 12)
        let a = random([3, 4], &gen), b = random([4, 5], &gen)
        gradCheck([a, b], "matmul") { matmul($0[0], $0[1]) }
        let p = random([2, 3, 4], &gen), q = random([2, 4, 2], &gen)
        gradCheck([p, q], "bmm") { matmul($0[0], $0[1]) }
        gradCheck([p, b], "shared right") { matmul($0[0], $0[1]) }
        let x = random([2, 3, 4], &gen), w = random([5, 4], &gen), bias = random([5], &gen)
        gradCheck([x, w, bias], "linear") { linear($0[0], weight: $0[1], bias: $0[2]) }
        gradCheck([x, w], "linear no bias") { linear($0[0], weight: $0[1], bias: nil) }
    }
}
