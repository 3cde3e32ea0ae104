import Autograd
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The graph frees itself: no reference cycles between outputs, nodes and backward closures.
@Suite struct TapeLifetimeTests {
    /// Every op's output (and so its node and closure) is freed when the last reference goes,
    /// without a backward pass: a closure that captured its own output would keep it alive.
    @Test func everyOpOutputIsFreedWhenDropped() {
        var gen = SeededGenerator(seed: 30)
        let x = random([2, 3, 4, 4], &gen, low: 0.5, high: 1.5)
        x.requiresGrad = true
        let w = random([5, 3, 3, 3], &gen), m = random([4, 5], &gen)
        w.requiresGrad = true
        m.requiresGrad = true
        let ops: [(String, (Tensor) -> Tensor)] = [
            ("add", { $0 + 1 }), ("sub", { 1 - $0 }), ("mul", { $0 * $0 }), ("div", { $0 / 2 }), ("neg", { -$0 }),
            ("exp", { $0.exp() }), ("log", { $0.log() }), ("sqrt", { $0.sqrt() }), ("pow", { $0.pow(3) }),
            ("relu", { $0.relu() }), ("clamp", { $0.clamped(min: 0.7) }), ("maximum", { maximum($0, Tensor(1)) }),
            ("where", { Tensor.where(Tensor(1), $0, Tensor(0)) }),
            ("sum", { $0.sum(axes: [1]) }), ("mean", { $0.mean() }), ("max", { $0.max(axes: [0, 2]) }),
            ("reshape", { $0.reshaped([6, -1]) }), ("permute", { $0.permuted([3, 2, 1, 0]) }),
            ("expand", { $0.expanded(to: [2, 2, 3, 4, 4]) }), ("slice", { $0.slice(axis: 2, range: 1..<3) }),
            ("pad", { $0.padded(axis: 3, before: 1, after: 1) }), ("concat", { Tensor.concat([$0, $0], axis: 0) }),
            ("matmul", { matmul($0, m) }), ("linear", { linear($0, weight: m.transposed(0, 1), bias: nil) }),
            ("conv2d", { conv2d($0, weight: w, bias: nil, padding: 1) }),
            ("maxPool2d", { maxPool2d($0, kernelSize: 2) }), ("avgPool2d", { avgPool2d($0, kernelSize: 2) }),
            ("adaptiveAvgPool2d", { adaptiveAvgPool2d($0) }), ("softmax", { softmax($0) }),
            ("logSoftmax", { logSoftmax($0, axis: 1) }),
            ("crossEntropy", { crossEntropy($0.reshaped([2, -1]), labels: [0, 1]) }),
            ("batchNorm2d", {
                batchNorm2d($0, weight: nil, bias: nil, runningMean: .zeros([3]), runningVar: .ones([3]),
                            training: true)
            }),
        ]
        for (name, op) in ops {
            weak var output: Tensor?
            do {
                let y = op(x)
                #expect(y.requiresGrad, "\(name) did not record")
                output = y
            }
            #expect(output == nil, "\(name): output outlives its last reference (reference cycle)")
            weak var afterBackward: Tensor?
            do {
                let y = op(x)
                afterBackward = y
                y.sum().backward()
            }
            #expect(afterBackward == nil, "\(name): output outlives backward")
        }
    }

    /// Thousands of forward/backward steps keep nothing alive: every step's graph tensors are freed
    /// (weak references go nil), and resident memory stays far below what retaining them would take
    /// (each step allocates about 150 KB, so a leak would add about 300 MB).
    @Test func memoryStaysFlatOverThousandsOfSteps() {
        var gen = SeededGenerator(seed: 31)
        let w1 = random([64, 256], &gen), w2 = random([10, 64], &gen), b = random([64], &gen)
        for t in [w1, w2, b] { t.requiresGrad = true }
        let x = random([32, 256], &gen)
        let labels = (0..<32).map { $0 % 10 }
        final class Weak { weak var tensor: Tensor?; init(_ t: Tensor) { tensor = t } }
        var watched: [Weak] = []
        func step(_ k: Int) {
            let h = linear(x, weight: w1, bias: b).relu()
            let logits = linear(h, weight: w2, bias: nil)
            let loss = crossEntropy(softmax(logits).log(), labels: labels)
            if k % 100 == 0 { watched += [Weak(h), Weak(logits), Weak(loss)] }
            loss.backward()
            for t in [w1, w2, b] { t.grad = nil }
        }
        for k in 0..<100 { step(k) }
        let before = residentBytes()
        for k in 0..<2000 { step(k) }
        let growth = residentBytes() - before
        #expect(watched.allSatisfy { $0.tensor == nil }, "graph tensors outlived their step")
        #expect(growth < 100 << 20, "resident memory grew by \(growth >> 20) MiB over 2000 steps")
    }

    /// Resident set size from /proc/self/statm.
    func residentBytes() -> Int {
        guard let f = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(f) }
        var size = 0, resident = 0
        _ = withUnsafeMutablePointer(to: &size) { s in withUnsafeMutablePointer(to: &resident) { r in
            withVaList([s, r]) { vfscanf(f, "%ld %ld", $0) }
        } }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// A graph running on another thread is unaffected by a no-grad scope here.
    @Test func gradModeIsPerThread() async {
        let x = Tensor.ones([3], requiresGrad: true)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { noGrad { for _ in 0..<1000 { _ = x * 2 } } }
            group.addTask { for _ in 0..<1000 { #expect((x * 2).requiresGrad) } }
        }
    }
}
