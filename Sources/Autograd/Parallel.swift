import Dispatch

/// Work splitting over the machine's cores, with a fixed partition so results do not depend on scheduling.
public enum Parallel {
    /// Threads used by kernels (`set threads=N`). Results are bit-identical run to run for one value.
    nonisolated(unsafe) public static var threads = max(1, min(2, System.coreCount))

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
