import Foundation

/// Aligned columns for statistics (per-layer gradient norms, parameter summaries, per-class accuracy).
///
/// Columns whose every non-empty cell parses as a number are right-aligned, others left-aligned.
/// Unicode draws a header rule with `─` and column gaps; ASCII uses `-`. When the table is wider
/// than `style.width`, the widest text column is shortened with `…` (`~` in ASCII).
public struct Table: Sendable, Equatable {
    public var headers: [String]
    public var rows: [[String]]
    /// Per-column alignment override (`nil`: numbers right, text left).
    public var rightAligned: [Bool]?
    /// Optional title line above the table.
    public var title: String

    public init(headers: [String], rows: [[String]], rightAligned: [Bool]? = nil, title: String = "") {
        self.headers = headers
        self.rows = rows
        self.rightAligned = rightAligned
        self.title = title
    }

    /// The table as text (no trailing newline).
    public func render(style: RenderStyle) -> String {
        let n = max(headers.count, rows.map(\.count).max() ?? 0)
        let cells = ([headers] + rows).map { r in (0..<n).map { $0 < r.count ? style.text(r[$0]) : "" } }
        let right = rightAligned ?? (0..<n).map { c in
            let column = rows.map { c < $0.count ? $0[c] : "" }.filter { !$0.isEmpty }
            return !column.isEmpty && column.allSatisfy(Self.isNumber)
        }
        var widths = (0..<n).map { c in cells.map { ANSI.displayWidth($0[c]) }.max() ?? 0 }
        let gap = 2
        var total = widths.reduce(0, +) + gap * max(0, n - 1)
        // Shorten the widest text columns until the table fits.
        while total > style.width {
            let shrinkable = (0..<n).filter { !right[$0] && widths[$0] > 4 }
            guard let c = shrinkable.max(by: { widths[$0] < widths[$1] }) else { break }
            let cut = min(total - style.width, widths[c] - 4)
            widths[c] -= cut
            total -= cut
        }
        let ellipsis = style.unicode ? "…" : "~"
        func cell(_ text: String, _ c: Int) -> String {
            var t = text
            if ANSI.displayWidth(t) > widths[c] { t = String(ANSI.strip(t).prefix(widths[c] - 1)) + ellipsis }
            return ANSI.pad(t, to: widths[c], right: right[c])
        }
        func line(_ r: [String]) -> String {
            var s = (0..<n).map { cell(r[$0], $0) }.joined(separator: String(repeating: " ", count: gap))
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        var out: [String] = []
        if !title.isEmpty { out.append(style.text(title)) }
        out.append(line(cells[0]))
        out.append(String(repeating: style.unicode ? "─" : "-", count: min(total, style.width)))
        out += cells.dropFirst().map(line)
        return out.map { ANSI.truncate($0, to: style.width) }.joined(separator: "\n")
    }

    /// Whether `s` reads as a number (`1.5`, `-3e-4`, `12%`, `nan`, `1,234`).
    static func isNumber(_ s: String) -> Bool {
        var t = s.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("%") { t.removeLast() }
        t = t.replacingOccurrences(of: ",", with: "")
        return Double(t) != nil || ["nan", "inf", "-inf", "-"].contains(t.lowercased())
    }
}
