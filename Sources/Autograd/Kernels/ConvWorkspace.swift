import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One growable, 64-byte-aligned float buffer that the convolution kernels keep between calls,
/// so a training step does not allocate its scratch memory again on every layer.
final class ConvScratch {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init() {
        capacity = 0
        pointer = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64)
            .bindMemory(to: Float.self, capacity: 16)
    }

    deinit { pointer.deallocate() }

    /// At least `count` floats (contents undefined); grows, never shrinks.
    func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            pointer.deallocate()
            let bytes = Swift.max(64, (count + 16) * MemoryLayout<Float>.stride)
            pointer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
                .bindMemory(to: Float.self, capacity: count + 16)
            capacity = count
        }
        return pointer
    }
}

/// A lock-protected pool of ``ConvScratch`` buffers, and the fixed work partition the kernels use.
enum ConvWorkspace {
    private static let mutex: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()
    nonisolated(unsafe) private static var pool: [ConvScratch] = []

    /// Lends `count` scratch buffers to `body`, then returns them to the pool.
    static func withScratch<R>(_ count: Int, _ body: ([ConvScratch]) -> R) -> R {
        pthread_mutex_lock(mutex)
        var lent: [ConvScratch] = []
        while lent.count < count { lent.append(pool.popLast() ?? ConvScratch()) }
        pthread_mutex_unlock(mutex)
        defer {
            pthread_mutex_lock(mutex)
            pool.append(contentsOf: lent)
            pthread_mutex_unlock(mutex)
        }
        return body(lent)
    }

    /// How many parts `count` items are split into: ``Parallel/threads``, at most `count`.
    static func parts(_ count: Int) -> Int { Swift.max(1, Swift.min(Parallel.threads, count)) }

    /// Calls `body(part, range)` concurrently for `parts` contiguous chunks of `0..<count`.
    /// Chunk `p` is `count·p/parts ..< count·(p+1)/parts`: it depends only on `count` and `parts`.
    static func forParts(_ count: Int, parts: Int, _ body: (Int, Range<Int>) -> Void) {
        if parts <= 1 { body(0, 0..<count); return }
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            let lo = count * p / parts, hi = count * (p + 1) / parts
            if lo < hi { body(p, lo..<hi) }
        }
    }
}

/// Unaligned SIMD loads and stores over float pointers.
@inline(__always) func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}
@inline(__always) func load8(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}
@inline(__always) func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}
