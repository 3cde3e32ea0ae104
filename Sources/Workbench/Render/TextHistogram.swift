import Foundation

/// A small histogram of a tensor's values: one line per bin with its range, a bar and its count.
///
/// Bins are `bins` equal-width intervals over [min, max] of the finite values (the last one closed),
/// as `torch.histc`. Non-finite values are counted separately in a final line.
public enum TextHistogram {
    /// Counts per bin and the bin edges (`bins + 1` values).
    public static func counts(_ values: [Float], bins: Int) -> (counts: [Int], edges: [Double]) {
        let finite = values.filter { $0.isFinite }.map(Double.init)
        let bins = max(1, bins)
        guard let lo0 = finite.min(), let hi0 = finite.max() else {
            return ([Int](repeating: 0, count: bins), (0...bins).map(Double.init))
        }
        let (lo, hi) = hi0 > lo0 ? (lo0, hi0) : (lo0 - 0.5, hi0 + 0.5)
        var counts = [Int](repeating: 0, count: bins)
        let w = (hi - lo) / Double(bins)
        for v in finite { counts[min(bins - 1, max(0, Int((v - lo) / w)))] += 1 }
        return (counts, (0...bins).map { lo + Double($0) * w })
    }

    /// The histogram as text: `[lo, hi)  bar  count` per bin, fitted to `style.width`.
    /// Bars use `█` with eighth blocks (Unicode) or `#` (ASCII).
    public static func render(_ values: [Float], bins: Int = 10, style: RenderStyle) -> String {
        let (counts, edges) = self.counts(values, bins: bins)
        let labels = edges.map { format($0, step: edges[1] - edges[0]) }
        let lw = labels.map(\.count).max() ?? 1
        let cw = String(counts.max() ?? 0).count
        let barWidth = max(4, style.width - (2 * lw + 5) - cw - 2)
        let peak = max(1, counts.max() ?? 1)
        var out: [String] = []
        for (i, c) in counts.enumerated() {
            let close = i == counts.count - 1 ? "]" : ")"
            let range = "[" + ANSI.pad(labels[i], to: lw, right: true) + ", "
                + ANSI.pad(labels[i + 1], to: lw, right: true) + close
            let length = Double(c) / Double(peak) * Double(barWidth)
            let bar = ANSI.pad(Self.bar(length, unicode: style.unicode), to: barWidth)
            let count = ANSI.pad(String(c), to: cw, right: true)
            out.append(ANSI.truncate(range + " " + bar + " " + count, to: style.width))
        }
        let bad = values.count - values.filter { $0.isFinite }.count
        if bad > 0 { out.append("non-finite: \(bad)") }
        return out.map { var s = $0; while s.hasSuffix(" ") { s.removeLast() }; return s }.joined(separator: "\n")
    }

    /// A bar `length` cells long, with eighth-block precision in Unicode.
    static func bar(_ length: Double, unicode: Bool) -> String {
        guard unicode else { return String(repeating: "#", count: Int(length.rounded())) }
        let eighths = Int((length * 8).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
        return String(repeating: "█", count: eighths / 8) + partial
    }

    /// Enough decimals to tell bin edges `step` apart (two significant digits of the step);
    /// scientific for magnitudes from 1e5 or steps below 1e-4.
    static func format(_ v: Double, step: Double) -> String {
        if abs(v) >= 1e5 || (step > 0 && step < 1e-4) { return String(format: "%.2e", v) }
        let decimals = step > 0 ? max(0, min(6, 1 - Int(floor(log10(step))))) : 3
        let s = String(format: "%.\(decimals)f", v)
        return Double(s) == 0 ? String(format: "%.\(decimals)f", 0.0) : s
    }
}
