import Foundation

/// Number and symbol formatting shared by the inspection views.
public enum NumberFormat {
    /// `1.234`, `-0.056`, `1.2e-05`: fixed with `digits` decimals unless tiny or huge.
    public static func short(_ v: Double, digits: Int = 3) -> String {
        if !v.isFinite { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e-3 && a < 1e5 { return String(format: "%.\(digits)f", v) }
        return String(format: "%.\(max(1, digits - 1))e", v)
    }

    /// A parenthesised value when negative, so `a·(-b)` reads right in substituted formulas.
    public static func term(_ v: Double, digits: Int = 3) -> String {
        v < 0 ? "(" + short(v, digits: digits) + ")" : short(v, digits: digits)
    }

    /// A vector as `[a, b, c]`, wrapped to lines of at most `perLine` numbers, each continuation
    /// line indented by `indent` spaces.
    public static func vector(_ values: [Double], perLine: Int = 8, indent: Int = 4, digits: Int = 3) -> String {
        let cells = values.map { short($0, digits: digits) }
        let width = cells.map(\.count).max() ?? 1
        let padded = cells.map { String(repeating: " ", count: width - $0.count) + $0 }
        var lines: [String] = []
        for start in stride(from: 0, to: padded.count, by: perLine) {
            lines.append(padded[start..<min(start + perLine, padded.count)].joined(separator: " "))
        }
        return "[" + lines.joined(separator: "\n" + String(repeating: " ", count: indent + 1)) + "]"
    }

    /// Rewrites mathematical symbols as ASCII when Unicode is off.
    public static func symbols(_ text: String, unicode: Bool) -> String {
        guard !unicode else { return text }
        var out = text
        let replacements = [
            ("·", "*"), ("√", "sqrt"), ("Σ", "sum"), ("ᵀ", "^T"), ("→", "->"), ("×", "x"), ("‖", "|"),
            ("≈", "~"), ("−", "-"), ("…", "..."), ("ⱼ", "_j"), ("ᵢ", "_i"), ("≤", "<="), ("≥", ">="),
            ("⚠", "!"), ("✓", "ok"), ("✗", "x"), ("█", "#"), ("▏", "|"), ("—", "-"), ("–", "-"),
        ]
        for (u, a) in replacements {
            out = out.replacingOccurrences(of: u, with: a)
        }
        return String(out.unicodeScalars.map { $0.isASCII ? Character($0) : "?" })
    }
}
