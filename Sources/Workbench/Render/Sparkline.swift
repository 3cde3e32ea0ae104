import Foundation

/// One-line charts: `▁▂▃▄▅▆▇█` (Unicode) or ` .:-=+*#` (ASCII).
public enum Sparkline {
    /// `values` scaled from `range` (default: their min…max) to the 8 levels; NaN prints as a space.
    /// When `width` is given, values are resampled to that many columns (each column the mean of its
    /// values).
    public static func render(_ values: [Double], width: Int? = nil, range: ClosedRange<Double>? = nil,
                              unicode: Bool = true) -> String {
        let columns = width.map { resample(values, to: $0) } ?? values
        let finite = columns.filter { $0.isFinite }
        let r = range ?? Chart.widen(finite.min() ?? 0, finite.max() ?? 1)
        let levels: [Character] = unicode
            ? ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
            : [" ", ".", ":", "-", "=", "+", "*", "#"]
        return String(columns.map { v -> Character in
            guard v.isFinite else { return " " }
            let t = (v - r.lowerBound) / (r.upperBound - r.lowerBound)
            return levels[min(7, max(0, Int(t * 8)))]
        })
    }

    /// Column means when shrinking, nearest repetition when stretching.
    static func resample(_ values: [Double], to width: Int) -> [Double] {
        guard width > 0, !values.isEmpty else { return [] }
        return (0..<width).map { c in
            let a = c * values.count / width, b = max(a + 1, (c + 1) * values.count / width)
            let slice = values[a..<min(b, values.count)].filter { $0.isFinite }
            return slice.isEmpty ? .nan : slice.reduce(0, +) / Double(slice.count)
        }
    }
}
