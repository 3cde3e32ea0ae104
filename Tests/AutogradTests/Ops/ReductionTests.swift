import Autograd
import Testing
import TestSupport

@Suite struct ReductionTests {
    /// Reference sum over `axes` by explicit loops in Double.
    func referenceSum(_ x: Tensor, axes: Set<Int>) -> [Double] {
        let kept = (0..<x.rank).filter { !axes.contains($0) }
        let outCount = kept.reduce(1) { $0 * x.shape[$1] }
        var out = [Double](repeating: 0, count: outCount)
        var index = [Int](repeating: 0, count: x.rank)
        for i in 0..<x.count {
            var rest = i
            for axis in stride(from: x.rank - 1, through: 0, by: -1) {
                index[axis] = rest % x.shape[axis]
                rest /= x.shape[axis]
            }
            let o = kept.reduce(0) { $0 * x.shape[$1] + index[$1] }
            out[o] += Double(x.storage[i])
        }
        return out
    }

    @Test(arguments: [[0], [1], [2], [3], [0, 2, 3], [1, 3], [0, 1, 2, 3], [-1], [0, -1]])
    func sumMatchesReference(axes: [Int]) {
        var gen = SeededGenerator(seed: 6)
        let x = random([5, 4, 30, 33], &gen)
        let s = x.sum(axes: axes)
        let normalized = Set(axes.map { $0 < 0 ? $0 + 4 : $0 })
        #expect(s.shape == (0..<4).filter { !normalized.contains($0) }.map { x.shape[$0] })
        let reference = referenceSum(x, axes: normalized).map { Float($0) }
        #expect(closeness(s.storage, reference, rtol: 1e-5, atol: 1e-4) == nil)
        #expect(x.sum(axes: axes, keepDims: true).shape == (0..<4).map { normalized.contains($0) ? 1 : x.shape[$0] })
    }

    @Test func meanAndMax() {
        let x = Tensor(shape: [2, 3], storage: [1, 5, 3, 4, 2, 6])
        #expect(x.mean().item == 3.5)
        #expect(x.mean(axes: [1]).storage == [3, 4])
        #expect(x.max(axes: [1]).storage == [5, 6])
        #expect(x.max(axes: [0], keepDims: true).storage == [4, 5, 6])
        #expect(x.max(axes: [0]).shape == [3])
        #expect(x.argmax(axis: 1) == [1, 2])
        #expect(x.argmax(axis: 0) == [1, 0, 1])
        #expect(x.sum().shape == [])
    }

    @Test func maxGradientGoesToFirstMaximum() {
        let x = Tensor(shape: [2, 3], storage: [1, 5, 5, 7, 2, 7], requiresGrad: true)
        x.max(axes: [1]).sum().backward()
        #expect(x.grad?.storage == [0, 1, 0, 1, 0, 0])
    }

    @Test func gradients() {
        var gen = SeededGenerator(seed: 7)
        let x = random([3, 4, 5], &gen)
        gradCheck([x], "sum all") { $0[0].sum() }
        gradCheck([x], "sum 0,2") { $0[0].sum(axes: [0, 2]) }
        gradCheck([x], "sum keep") { $0[0].sum(axes: [1], keepDims: true) }
        gradCheck([x], "mean") { $0[0].mean(axes: [-1]) }
        gradCheck([x], "mean all") { $0[0].mean() }
        let d = distinct([3, 4, 5], &gen)
        gradCheck([d], "max 1") { $0[0].max(axes: [1]) }
        gradCheck([d], "max 0,2 keep") { $0[0].max(axes: [0, 2], keepDims: true) }
    }
}
