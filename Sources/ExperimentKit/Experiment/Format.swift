import Foundation

/// Number formatting shared by the training commands.
public enum Format {
    /// Short, exact-looking spelling: `0.001`, `1e-07`, `25`, `0.0004`.
    public static func number(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        let a = abs(x)
        if a >= 1e-4, a < 1e6 {
            var s = String(format: "%.6f", x)
            while s.hasSuffix("0") { s.removeLast() }
            return s
        }
        return String(format: "%.3g", x)
            .replacingOccurrences(of: "e-0", with: "e-")
            .replacingOccurrences(of: "e+0", with: "e")
            .replacingOccurrences(of: "e+", with: "e")
    }

    /// A learning rate as the seed's progress line shows it: `0.000617`, or `1.23e-07` when tiny.
    public static func lr(_ x: Double) -> String {
        abs(x) >= 1e-4 || x == 0 ? String(format: "%.6f", x) : String(format: "%.2e", x)
    }

    /// Seconds as `12.3 s` or `2 min 05 s`.
    public static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let s = Int(seconds.rounded())
        return String(format: "%d min %02d s", s / 60, s % 60)
    }
}
