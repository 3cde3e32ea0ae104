import Dispatch

/// Work splitting over the machine's cores, with a fixed partition so results do not depend on scheduling.
public enum Parallel {
    nonisolated(unsafe) static var configuredThreads = max(1, min(2, System.coreCount))
    @TaskLocal static var scopedThreads: Int?

    /// Threads used by kernels (`set threads=N`). Results are bit-identical run to run for one value.
    /// Inside ``withThreads(_:_:)`` this thread sees the scoped value instead.
    public static var threads: Int {
        get { scopedThreads ?? configuredThreads }
        set { configuredThreads = Swift.max(1, newValue) }
    }

    /// Runs `body` with kernels on this thread (and its tasks) using `count` threads, leaving the
    /// setting of other threads alone.
    public static func withThreads<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
        try $scopedThreads.withValue(Swift.max(1, count)) { try body() }
    }

    /// Calls `body(range)` for `threads` contiguous, disjoint chunks of `0..<count`, concurrently.
    /// Chunk boundaries depend only on `count` and ``threads``.
    public static func forChunks(_ count: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        let parts = Swift.max(1, Swift.min(threads, count / Swift.max(1, minimumChunk)))
        if parts == 1 { body(0..<count); return }
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            let lo = count * p / parts, hi = count * (p + 1) / parts
            if lo < hi { body(lo..<hi) }
        }
    }
}

/// Facts about the machine.
public enum System {
    /// Logical processors available to this process.
    public static var coreCount: Int { ProcessInfoShim.activeProcessorCount }
}

#if canImport(Glibc)
import Glibc
enum ProcessInfoShim { static var activeProcessorCount: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) } }
#else
import Foundation
enum ProcessInfoShim { static var activeProcessorCount: Int { ProcessInfo.processInfo.activeProcessorCount } }
#endif
