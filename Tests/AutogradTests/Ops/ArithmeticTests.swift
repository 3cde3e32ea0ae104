import Autograd
import Testing
import TestSupport

@Suite struct ArithmeticTests {
    @Test func broadcastingForwardMatchesLoops() {
        var gen = SeededGenerator(seed: 1)
        let a = random([2, 3, 4], &gen), b = random([3, 1], &gen)
        let sum = a + b, product = a * b, quotient = a / (b + 3), difference = a - b
        #expect(sum.shape == [2, 3, 4])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 {
            #expect(sum[i, j, k] == a[i, j, k] + b[j, 0])
            #expect(product[i, j, k] == a[i, j, k] * b[j, 0])
            #expect(difference[i, j, k] == a[i, j, k] - b[j, 0])
            #expect(quotient[i, j, k] == a[i, j, k] / (b[j, 0] + 3))
        } } }
        let scalar = 2 - a * 3
        #expect(scalar[1, 2, 3] == 2 - a[1, 2, 3] * 3)
    }

    @Test func largeBroadcastUsesAllPaths() {
        var gen = SeededGenerator(seed: 2)
        let x = random([4, 3, 40, 50], &gen), w = random([1, 3, 1, 1], &gen), r = random([50], &gen)
        let y = x * w + r
        for (n, c, h, col) in [(0, 0, 0, 0), (3, 2, 39, 49), (2, 1, 17, 33)] {
            #expect(y[n, c, h, col] == x[n, c, h, col] * w[0, c, 0, 0] + r[col])
        }
    }

    @Test(arguments: [([3, 4], [3, 4]), ([3, 4], [4]), ([2, 3, 4], [3, 1]), ([1, 4], [3, 1]), ([2, 1, 3], [])])
    func binaryGradients(shapes: ([Int], [Int])) {
        var gen = SeededGenerator(seed: 3)
        let a = random(shapes.0, &gen), b = awayFromZero(shapes.1, &gen)
        gradCheck([a, b], "add") { $0[0] + $0[1] }
        gradCheck([a, b], "sub") { $0[0] - $0[1] }
        gradCheck([a, b], "mul") { $0[0] * $0[1] }
        gradCheck([a, b], "div") { $0[0] / $0[1] }
        gradCheck([b, a], "sub reversed") { $0[0] - $0[1] }
        gradCheck([a], "neg") { -$0[0] * 2 + 1 }
    }

    @Test func maximumGradient() {
        var gen = SeededGenerator(seed: 4)
        let both = distinct([2, 6], &gen)
        let a = both.slice(axis: 1, range: 0..<3).detached(), b = both.slice(axis: 1, range: 3..<6).detached()
        gradCheck([a, b], "maximum") { maximum($0[0], $0[1]) }
        gradCheck([a], "maximum broadcast") { maximum($0[0], Tensor(0.12)) }
        // Ties split the gradient evenly.
        let x = Tensor(shape: [2], storage: [1, 2], requiresGrad: true)
        let y = Tensor(shape: [2], storage: [1, 1], requiresGrad: true)
        maximum(x, y).sum().backward()
        #expect(x.grad?.storage == [0.5, 1])
        #expect(y.grad?.storage == [0.5, 0])
    }

    /// Random shapes of rank 0–4 and random broadcast partners (size-1 axes, missing leading axes).
    @Test func randomBroadcastGradients() {
        var gen = SeededGenerator(seed: 18)
        for _ in 0..<12 {
            let rank = gen.nextInt(5)
            let full = (0..<rank).map { _ in 1 + gen.nextInt(4) }
            let dropped = gen.nextInt(rank + 1)
            let partner = full.dropFirst(dropped).map { gen.nextInt(3) == 0 ? 1 : $0 }
            let (s1, s2) = gen.nextInt(2) == 0 ? (full, Array(partner)) : (Array(partner), full)
            let a = random(s1, &gen), b = awayFromZero(s2, &gen)
            gradCheck([a, b], "add \(s1) \(s2)") { $0[0] + $0[1] }
            gradCheck([a, b], "mul \(s1) \(s2)") { $0[0] * $0[1] }
            gradCheck([a, b], "div \(s1) \(s2)") { $0[0] / $0[1] }
            gradCheck([a, b], "where \(s1) \(s2)") { Tensor.where($0[1].relu(), $0[0], $0[1]) }
        }
    }
}
