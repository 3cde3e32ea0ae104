#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall seconds and calls per kernel pass, accumulated while profiling is on
/// (``Conv2dKernels/profile``, ``BatchNormKernels/profile``): for benchmarks' per-op breakdowns.
public struct KernelProfile: Sendable {
    public enum Pass: String, CaseIterable, Sendable { case forward, backwardInput, backwardWeight }

    public private(set) var seconds: [Pass: Double] = [:]
    public private(set) var calls: [Pass: Int] = [:]

    public init() {}

    mutating func add(_ pass: Pass, _ t: Double) {
        seconds[pass, default: 0] += t
        calls[pass, default: 0] += 1
    }

    /// Seconds of `pass` (0 when it never ran).
    public subscript(_ pass: Pass) -> Double { seconds[pass] ?? 0 }

    /// Total seconds over all passes.
    public var total: Double { seconds.values.reduce(0, +) }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
