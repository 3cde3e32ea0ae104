import Foundation

/// Draws a ``Chart`` in the terminal: braille dots (2×4 per cell) with Unicode, one mark per cell
/// (`*`, `+`, `o`, `x`, …) in ASCII; y ticks on the left, x ticks below, title, axis labels, a legend,
/// and markers as dotted vertical lines numbered above the plot and listed under it.
///
/// Every line of the result fits `style.width` columns; there is no colour when `style.color` is off.
public enum LineChart {
    /// The chart as lines of text joined by `\n` (no trailing newline).
    /// - Parameters:
    ///   - chart: what to draw.
    ///   - style: colour, character set and width.
    ///   - height: rows of the plot area (default 12; at least 3).
    public static func render(_ chart: Chart, style: RenderStyle, height: Int = 12) -> String {
        lines(chart, style: style, height: height).joined(separator: "\n")
    }

    /// Several charts in a grid, `columns` per row (e.g. the 2×2 of `plot loss`), each panel
    /// `(style.width − 2·(columns−1)) / columns` wide.
    public static func renderGrid(_ charts: [Chart], columns: Int, style: RenderStyle, height: Int = 10) -> String {
        let columns = max(1, min(columns, charts.count))
        var panelStyle = style
        panelStyle.width = max(20, (style.width - 2 * (columns - 1)) / columns)
        var out: [String] = []
        for start in stride(from: 0, to: charts.count, by: columns) {
            let panels = charts[start..<min(start + columns, charts.count)].map {
                lines($0, style: panelStyle, height: height)
            }
            let rows = panels.map(\.count).max() ?? 0
            for r in 0..<rows {
                let parts = panels.map {
                    r < $0.count ? ANSI.pad($0[r], to: panelStyle.width)
                        : String(repeating: " ", count: panelStyle.width)
                }
                var row = parts.joined(separator: "  ")
                while row.hasSuffix(" ") { row.removeLast() }
                out.append(ANSI.truncate(row, to: style.width))
            }
            if start + columns < charts.count { out.append("") }
        }
        return out.joined(separator: "\n")
    }

    /// Marks for series in ASCII mode.
    static let asciiMarks: [Character] = ["*", "+", "o", "x", "#", "@", "%", "&"]

    static func lines(_ chart: Chart, style: RenderStyle, height: Int) -> [String] {
        var chart = chart
        if !style.unicode {
            chart.title = style.text(chart.title)
            chart.xLabel = style.text(chart.xLabel)
            chart.yLabel = style.text(chart.yLabel)
            for i in chart.series.indices { chart.series[i].name = style.text(chart.series[i].name) }
            for i in chart.markers.indices { chart.markers[i].label = style.text(chart.markers[i].label) }
        }
        let height = max(3, height)
        let b = chart.bounds()
        var yTicks = ChartAxis.linearTicks(b.y, maxCount: max(2, min(6, height / 2 + 1)))
        var yr = b.y
        if chart.yRange == nil, yTicks.count >= 2 {
            // Extend the y range to whole tick steps so the top and bottom rows carry labels.
            let step = ChartAxis.step(of: yTicks)
            yr = (floor(yr.lowerBound / step + 1e-9) * step)...(ceil(yr.upperBound / step - 1e-9) * step)
            yTicks = ChartAxis.linearTicks(yr, maxCount: max(2, min(6, height / 2 + 1)))
        }
        let yStep = ChartAxis.step(of: yTicks)
        let yLabels = yTicks.map { ChartAxis.label($0, step: yStep) }
        let labelWidth = max(yLabels.map(\.count).max() ?? 1, 1)
        let plotWidth = max(4, style.width - labelWidth - 2)
        var canvas = DotCanvas(columns: plotWidth, rows: height, braille: style.unicode)

        func dotX(_ x: Double) -> Int {
            let t = (x - b.x.lowerBound) / (b.x.upperBound - b.x.lowerBound)
            return Int((max(-4, min(5, t)) * Double(canvas.dotWidth - 1)).rounded())
        }
        func dotY(_ y: Double) -> Int {
            let t = (yr.upperBound - y) / (yr.upperBound - yr.lowerBound)
            return Int((max(-4, min(5, t)) * Double(canvas.dotHeight - 1)).rounded())
        }
        for i in chart.series.indices {
            var previous: (Int, Int)?
            for point in chart.scaledPoints(ofSeries: i) {
                guard let (x, y) = point else { previous = nil; continue }
                let p = (dotX(x), dotY(y))
                if let q = previous {
                    canvas.line(q.0, q.1, p.0, p.1, series: i)
                } else {
                    canvas.set(p.0, p.1, series: i)
                }
                previous = p
            }
        }
        let markerColumns = chart.markers.map { m -> Int? in
            let x = chart.logX ? (m.x > 0 ? log10(m.x) : .nan) : m.x
            guard x.isFinite else { return nil }
            let c = dotX(x) / canvas.dx
            return (0..<plotWidth).contains(c) ? c : nil
        }

        let paint = Painter(style: style)
        var out: [String] = []
        if !chart.title.isEmpty {
            out.append(center(paint.bold(chart.title), width: style.width))
        }
        if !chart.yLabel.isEmpty { out.append(String(chart.yLabel.prefix(style.width))) }
        if markerColumns.contains(where: { $0 != nil }) {
            var tags = [Character](repeating: " ", count: plotWidth)
            for (k, c) in markerColumns.enumerated() { if let c { tags[c] = Character(String((k + 1) % 10)) } }
            out.append(String(repeating: " ", count: labelWidth + 2) + paint.marker(String(tags)))
        }
        let tickRows = Dictionary(yTicks.enumerated().map { (dotY($0.element) / canvas.dy, $0.offset) },
                                  uniquingKeysWith: { a, _ in a })
        let vertical = style.unicode ? "│" : "|", tickMark = style.unicode ? "┤" : "+"
        let markerMark: Character = style.unicode ? "┆" : ":"
        for r in 0..<height {
            var row = ""
            if let t = tickRows[r] {
                row = ANSI.pad(yLabels[t], to: labelWidth, right: true) + " " + tickMark
            } else {
                row = String(repeating: " ", count: labelWidth + 1) + vertical
            }
            var runs = Runs()
            for c in 0..<plotWidth {
                if let (ch, s) = canvas.cell(column: c, row: r, asciiMarks: asciiMarks) {
                    runs.append(ch, color: chart.color(ofSeries: s))
                } else if markerColumns.contains(c) {
                    runs.append(markerMark, color: Chart.markerColor)
                } else {
                    runs.append(" ", color: nil)
                }
            }
            out.append(row + runs.render(paint))
        }
        out += xAxis(chart, b.x, plotWidth: plotWidth, labelWidth: labelWidth, style: style) { dotX($0) / canvas.dx }
        out += legend(chart, style: style, paint: paint)
        return out.map { ANSI.truncate($0, to: style.width) }
    }

    /// The x axis line, its tick labels and the x caption.
    static func xAxis(_ chart: Chart, _ range: ClosedRange<Double>, plotWidth: Int, labelWidth: Int,
                      style: RenderStyle, column: (Double) -> Int) -> [String] {
        let maxTicks = max(2, plotWidth / 7)
        let ticks = chart.logX ? ChartAxis.logTicks(range, maxCount: maxTicks)
                               : ChartAxis.linearTicks(range, maxCount: maxTicks)
        let step = ChartAxis.step(of: ticks)
        var axis = [Character](repeating: style.unicode ? "─" : "-", count: plotWidth)
        var labels = [Character](repeating: " ", count: plotWidth + labelWidth + 2)
        var nextFree = 0
        for t in ticks {
            let c = column(t)
            guard (0..<plotWidth).contains(c) else { continue }
            axis[c] = style.unicode ? "┬" : "+"
            let text = chart.logX ? ChartAxis.logLabel(t) : ChartAxis.label(t, step: step)
            let start = max(0, min(labelWidth + 2 + c - text.count / 2, labels.count - text.count))
            guard start >= nextFree else { continue }
            for (k, ch) in text.enumerated() { labels[start + k] = ch }
            nextFree = start + text.count + 1
        }
        let pad = String(repeating: " ", count: labelWidth + 1)
        var out = [pad + (style.unicode ? "└" : "+") + String(axis), String(labels)]
        while out[1].hasSuffix(" ") { out[1].removeLast() }
        if !chart.xLabel.isEmpty {
            out.append(center(chart.xLabel, width: labelWidth + 2 + plotWidth))
        }
        return out
    }

    /// Legend entries (`━━ name` or `* name`) and marker notes (`┆1 label`), wrapped to the width.
    static func legend(_ chart: Chart, style: RenderStyle, paint: Painter) -> [String] {
        var items: [(String, Int)] = []  // (text, display width)
        if chart.series.count > 1 || !(chart.series.first?.name.isEmpty ?? true) {
            for (i, s) in chart.series.enumerated() {
                let sample = style.unicode ? "━━" : String(repeating: asciiMarks[i % asciiMarks.count], count: 2)
                items.append((paint.color(sample, chart.color(ofSeries: i)) + " " + s.name, 3 + s.name.count))
            }
        }
        for (k, m) in chart.markers.enumerated() {
            let tag = (style.unicode ? "┆" : ":") + String((k + 1) % 10)
            items.append((paint.marker(tag) + " " + m.label, tag.count + 1 + m.label.count))
        }
        var out: [String] = [], line = "", used = 0
        for (text, w) in items {
            if used > 0 && used + 3 + w > style.width { out.append(line); line = ""; used = 0 }
            if used > 0 { line += "   "; used += 3 }
            line += text; used += w
        }
        if used > 0 { out.append(line) }
        return out
    }

    static func center(_ text: String, width: Int) -> String {
        let w = ANSI.displayWidth(text)
        return String(repeating: " ", count: max(0, (width - w) / 2)) + text
    }
}

/// Wraps text in ANSI colour when the style allows it.
struct Painter {
    let style: RenderStyle
    func color(_ text: String, _ c: RGB?) -> String {
        guard style.color, let c else { return text }
        return ANSI.foreground256(ANSI.cubeIndex(c)) + text + ANSI.reset
    }
    func bold(_ text: String) -> String { style.color ? ANSI.bold + text + ANSI.reset : text }
    func dim(_ text: String) -> String { style.color ? ANSI.dim + text + ANSI.reset : text }
    func marker(_ text: String) -> String { color(text, Chart.markerColor) }
}

/// Characters grouped into runs of one colour, so a row opens and closes each colour once.
struct Runs {
    private var runs: [(String, RGB?)] = []
    mutating func append(_ ch: Character, color: RGB?) {
        if let last = runs.last, last.1 == color {
            runs[runs.count - 1].0.append(ch)
        } else {
            runs.append((String(ch), color))
        }
    }
    func render(_ paint: Painter) -> String {
        runs.map { paint.color($0.0, $0.1) }.joined()
    }
}
