import Autograd
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock timing, the machine's floating-point peak and the process's memory.
enum Machine {
    /// Seconds on a monotonic clock.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// CPU seconds used by the calling thread.
    static func threadCPUTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// CPU seconds used by all threads of this process.
    static func cpuTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Times `body` `repeats` times after `warmup` runs: wall seconds and CPU seconds per run.
    static func measure(repeats: Int, warmup: Int = 1, _ body: () -> Void) -> (wall: [Double], cpu: [Double]) {
        for _ in 0..<warmup { body() }
        var wall: [Double] = [], cpu: [Double] = []
        for _ in 0..<repeats {
            let start = now(), startCPU = cpuTime()
            body()
            wall.append(now() - start)
            cpu.append(cpuTime() - startCPU)
        }
        return (wall, cpu)
    }

    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// GFLOP per CPU-second of one thread running independent 8-lane FMAs (CPU time, so other
    /// processes sharing the core do not lower it): 2 FMA units × 8 lanes × 2 FLOP × clock
    /// when the core reaches its peak. Best of a few short runs.
    static func measuredCorePeak() -> Double {
        let iterations = 20_000_000
        var best = 0.0
        for _ in 0..<3 {
            let start = threadCPUTime()
            var sink: Float = 0
            fmaLoop(iterations, &sink)
            let seconds = threadCPUTime() - start
            if sink == 1.2345 { print("") }  // keeps the loop alive
            best = max(best, Double(iterations) * 12 * 16 / seconds / 1e9)
        }
        return best
    }

    @inline(never)
    static func fmaLoop(_ n: Int, _ sink: UnsafeMutablePointer<Float>) {
        let m = SIMD8<Float>(repeating: 0.999_999 + sink.pointee), a = SIMD8<Float>(repeating: 1e-7)
        var r0 = SIMD8<Float>(repeating: 1), r1 = r0 + 1, r2 = r0 + 2, r3 = r0 + 3, r4 = r0 + 4, r5 = r0 + 5
        var r6 = r0 + 6, r7 = r0 + 7, r8 = r0 + 8, r9 = r0 + 9, r10 = r0 + 10, r11 = r0 + 11
        for _ in 0..<n {
            r0 = r0.addingProduct(m, a); r1 = r1.addingProduct(m, a); r2 = r2.addingProduct(m, a)
            r3 = r3.addingProduct(m, a); r4 = r4.addingProduct(m, a); r5 = r5.addingProduct(m, a)
            r6 = r6.addingProduct(m, a); r7 = r7.addingProduct(m, a); r8 = r8.addingProduct(m, a)
            r9 = r9.addingProduct(m, a); r10 = r10.addingProduct(m, a); r11 = r11.addingProduct(m, a)
        }
        let s = r0 + r1 + r2 + r3 + r4 + r5 + r6 + r7 + r8 + r9 + r10 + r11
        sink.pointee = s.sum()
    }

    /// The clock reported by the kernel for CPU 0, in GHz (`nil` if unknown).
    static func reportedClock() -> Double? {
        guard let f = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 512)
        while fgets(&line, 512, f) != nil {
            let s = String(cString: line)
            if s.hasPrefix("cpu MHz"), let v = s.split(separator: ":").last,
               let mhz = Double(v.trimmingCharacters()) { return mhz / 1000 }
        }
        return nil
    }

    /// The 1-minute load average (runnable processes), or NaN.
    static func loadAverage() -> Double {
        var loads = [Double](repeating: .nan, count: 3)
        return getloadavg(&loads, 3) > 0 ? loads[0] : .nan
    }

    /// Peak resident set size of this process so far, in MiB.
    static func peakRSSMiB() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// Current resident set size, in MiB (second field of /proc/self/statm, in pages).
    static func currentRSSMiB() -> Double {
        guard let f = fopen("/proc/self/statm", "r") else { return .nan }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 256)
        guard fgets(&line, 256, f) != nil else { return .nan }
        let fields = String(cString: line).split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return .nan }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\n" || $0 == "\t" }.reversed())
    }
}

/// Fixed-width table cells.
func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}
func fmt(_ v: Double, _ digits: Int = 1) -> String {
    guard v.isFinite else { return "-" }
    var s = String(Int((abs(v) * pow(10, Double(digits))).rounded()))
    if digits > 0 {
        while s.count <= digits { s = "0" + s }
        s.insert(".", at: s.index(s.endIndex, offsetBy: -digits))
    }
    return v < 0 ? "-" + s : s
}
