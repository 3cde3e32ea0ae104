import Foundation

/// Tick positions and labels for chart axes.
public enum ChartAxis {
    /// "Nice" ticks inside `range`: multiples of the smallest step of 1, 2 or 5 × 10ᵏ that gives at
    /// most `maxCount` ticks.
    public static func linearTicks(_ range: ClosedRange<Double>, maxCount: Int) -> [Double] {
        let lo = range.lowerBound, hi = range.upperBound
        let span = hi - lo
        guard span > 0, span.isFinite, maxCount >= 2 else { return [lo] }
        var magnitude = pow(10, floor(log10(span / Double(maxCount))))
        guard magnitude.isNormal else { return [lo] }
        for _ in 0..<40 {
            for m in [1.0, 2, 5] {
                let step = m * magnitude
                let first = ceil(lo / step - 1e-9), last = floor(hi / step + 1e-9)
                if last - first + 1 <= Double(maxCount) {
                    guard last >= first else { return [lo] }
                    return stride(from: first, through: last, by: 1).map { k in
                        let v = k * step
                        return abs(v) < step * 1e-9 ? 0 : v
                    }
                }
            }
            magnitude *= 10
        }
        return [lo, hi]
    }

    /// Ticks for a log10 axis (`range` holds exponents): whole powers of ten, thinned to at most
    /// `maxCount`; within a single decade, 1-2-5 multiples.
    public static func logTicks(_ range: ClosedRange<Double>, maxCount: Int) -> [Double] {
        let lo = Int(ceil(range.lowerBound - 1e-9)), hi = Int(floor(range.upperBound + 1e-9))
        if hi - lo >= 1 {
            let every = max(1, Int(ceil(Double(hi - lo + 1) / Double(max(1, maxCount)))))
            return stride(from: lo, through: hi, by: every).map(Double.init)
        }
        var ticks: [Double] = []
        for e in (lo - 1)...(hi + 1) {
            for m in [1.0, 2, 5] {
                let v = log10(m) + Double(e)
                if range.contains(v) { ticks.append(v) }
            }
        }
        return ticks.isEmpty ? [range.lowerBound, range.upperBound] : ticks
    }

    /// A label for `value` on an axis whose ticks are `step` apart: as few decimals as the step needs,
    /// scientific (`1e-07` style shortened to `1e-7`) for very large or small magnitudes.
    public static func label(_ value: Double, step: Double) -> String {
        if value == 0 { return "0" }
        let a = abs(value)
        if a >= 1e5 || a < 1e-3 { return scientific(value) }
        let decimals = step > 0 ? max(0, min(6, Int(ceil(-log10(step) - 1e-9)))) : 2
        return String(format: "%.\(decimals)f", value)
    }

    /// A label for a log-axis tick at exponent `e`: `10ᵉ` as `1e-4`, `2e-3`, or a plain number in 0.01…1000.
    public static func logLabel(_ exponent: Double) -> String {
        let v = pow(10, exponent)
        if v >= 0.01 && v <= 1000 {
            let s = String(format: "%g", (v * 1e6).rounded() / 1e6)
            return s
        }
        return scientific(v)
    }

    /// `%.0e`-like with a short exponent and up to 2 significant digits: `3e-4`, `1.5e+5` → `1.5e5`.
    public static func scientific(_ value: Double) -> String {
        var s = String(format: "%.1e", value)  // e.g. "3.0e-04"
        guard let e = s.firstIndex(of: "e") else { return s }
        var mantissa = String(s[..<e]), exponent = String(s[s.index(after: e)...])
        if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
        let sign = exponent.hasPrefix("-") ? "-" : ""
        exponent = String(exponent.drop { $0 == "+" || $0 == "-" || $0 == "0" })
        s = mantissa + "e" + sign + (exponent.isEmpty ? "0" : exponent)
        return s
    }

    /// The distance between consecutive ticks (1 when fewer than two).
    static func step(of ticks: [Double]) -> Double {
        ticks.count >= 2 ? ticks[1] - ticks[0] : 1
    }
}
