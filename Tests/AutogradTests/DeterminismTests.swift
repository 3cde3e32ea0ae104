import Autograd
import Testing
import TestSupport

/// Results are bit-identical run to run for one thread count, and close across thread counts.
@Suite struct DeterminismTests {
    /// A forward and backward pass big enough to take every kernel's multi-threaded path.
    func run(threads: Int) -> [[Float]] {
        Parallel.withThreads(threads) {
            var gen = SeededGenerator(seed: 40)
            let x = random([8, 8, 32, 32], &gen)
            let w = random([12, 8, 3, 3], &gen), scale = random([12], &gen), shift = random([12], &gen)
            let fc = random([10, 12], &gen)
            for t in [x, w, scale, shift, fc] { t.requiresGrad = true }
            let h = conv2d(x, weight: w, bias: nil, padding: 1)
            let n = batchNorm2d(h, weight: scale, bias: shift, runningMean: .zeros([12]), runningVar: .ones([12]),
                                training: true)
            let pooled = adaptiveAvgPool2d(maxPool2d(n.relu(), kernelSize: 2)).reshaped([8, 12])
            let loss = crossEntropy(linear(pooled, weight: fc, bias: nil), labels: (0..<8).map { $0 % 10 })
            loss.backward()
            return [loss.storage, h.storage, n.storage] + [x, w, scale, shift, fc].map { $0.grad!.storage }
        }
    }

    @Test func bitIdenticalRunToRun() {
        for threads in [1, 2] {
            let a = run(threads: threads), b = run(threads: threads)
            #expect(a == b, "threads=\(threads): two runs differ")
        }
    }

    @Test func closeAcrossThreadCounts() {
        let one = run(threads: 1), two = run(threads: 2)
        for (k, (a, b)) in zip(one, two).enumerated() {
            #expect(closeness(a, b, rtol: 1e-4, atol: 1e-5) == nil, "result \(k) differs across thread counts")
        }
    }
}
