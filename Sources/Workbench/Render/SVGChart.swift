import Foundation

/// Draws a ``Chart`` as a standalone SVG: framed plot area with grid lines, tick labels, title, axis
/// captions, one polyline per series (broken at non-finite points), a legend box in the top right,
/// and markers as dashed red vertical lines with their labels.
public enum SVGChart {
    /// The chart as an SVG document of `width`×`height` pixels (default 640×400).
    public static func document(_ chart: Chart, width: Int = 640, height: Int = 400) -> String {
        var svg = SVGDocument(width: width, height: height)
        draw(chart, into: &svg, width: Double(width), height: Double(height), id: "p0")
        return svg.text
    }

    /// Several charts in a grid of `columns` (e.g. `plot loss`'s 2×2), each panel
    /// `panelWidth`×`panelHeight`.
    public static func gridDocument(_ charts: [Chart], columns: Int, panelWidth: Int = 480,
                                    panelHeight: Int = 320) -> String {
        let columns = max(1, min(columns, charts.count))
        let rows = (charts.count + columns - 1) / columns
        var svg = SVGDocument(width: columns * panelWidth, height: max(1, rows) * panelHeight)
        for (i, chart) in charts.enumerated() {
            svg.beginGroup(transform: "translate(\((i % columns) * panelWidth),\((i / columns) * panelHeight))",
                           id: "panel\(i)")
            draw(chart, into: &svg, width: Double(panelWidth), height: Double(panelHeight), id: "p\(i)")
            svg.endGroup()
        }
        return svg.text
    }

    /// Writes ``document(_:width:height:)`` to `path` atomically.
    public static func write(_ chart: Chart, to path: String, width: Int = 640, height: Int = 400) throws {
        try RenderFile.write(document(chart, width: width, height: height), to: path)
    }

    /// Writes ``gridDocument(_:columns:panelWidth:panelHeight:)`` to `path` atomically.
    public static func writeGrid(_ charts: [Chart], columns: Int, to path: String,
                                 panelWidth: Int = 480, panelHeight: Int = 320) throws {
        try RenderFile.write(gridDocument(charts, columns: columns, panelWidth: panelWidth, panelHeight: panelHeight),
                             to: path)
    }

    static func draw(_ chart: Chart, into svg: inout SVGDocument, width: Double, height: Double, id: String) {
        let left = 64.0, right = width - 16, top = chart.title.isEmpty ? 16.0 : 36.0
        let bottom = height - (chart.xLabel.isEmpty ? 30.0 : 46.0)
        let b = chart.bounds()
        var yr = b.y
        var yTicks = ChartAxis.linearTicks(yr, maxCount: 6)
        if chart.yRange == nil, yTicks.count >= 2 {
            let step = ChartAxis.step(of: yTicks)
            yr = (floor(yr.lowerBound / step + 1e-9) * step)...(ceil(yr.upperBound / step - 1e-9) * step)
            yTicks = ChartAxis.linearTicks(yr, maxCount: 6)
        }
        let xTicks = chart.logX ? ChartAxis.logTicks(b.x, maxCount: 9) : ChartAxis.linearTicks(b.x, maxCount: 8)
        func px(_ x: Double) -> Double {
            left + (x - b.x.lowerBound) / (b.x.upperBound - b.x.lowerBound) * (right - left)
        }
        func py(_ y: Double) -> Double {
            bottom - (y - yr.lowerBound) / (yr.upperBound - yr.lowerBound) * (bottom - top)
        }

        if !chart.title.isEmpty {
            svg.text(chart.title, x: (left + right) / 2, y: 22, size: 14, anchor: "middle", bold: true)
        }
        svg.raw("<clipPath id=\"clip-\(id)\"><rect x=\"\(left)\" y=\"\(top)\" "
                + "width=\"\(right - left)\" height=\"\(bottom - top)\"/></clipPath>")
        svg.beginGroup(id: "axes-\(id)")
        let yStep = ChartAxis.step(of: yTicks)
        for t in yTicks {
            svg.line(left, py(t), right, py(t), stroke: "#e5e5e5")
            svg.line(left - 4, py(t), left, py(t))
            svg.text(ChartAxis.label(t, step: yStep), x: left - 7, y: py(t) + 4, anchor: "end")
        }
        let xStep = ChartAxis.step(of: xTicks)
        for t in xTicks {
            svg.line(px(t), top, px(t), bottom, stroke: "#e5e5e5")
            svg.line(px(t), bottom, px(t), bottom + 4)
            let label = chart.logX ? ChartAxis.logLabel(t) : ChartAxis.label(t, step: xStep)
            svg.text(label, x: px(t), y: bottom + 17, anchor: "middle")
        }
        svg.rect(left, top, right - left, bottom - top, fill: "none", stroke: "#000000")
        if !chart.xLabel.isEmpty {
            svg.text(chart.xLabel, x: (left + right) / 2, y: height - 10, size: 12, anchor: "middle")
        }
        if !chart.yLabel.isEmpty {
            svg.text(chart.yLabel, x: 16, y: (top + bottom) / 2, size: 12, anchor: "middle", rotate: -90)
        }
        svg.endGroup()

        svg.raw("<g id=\"series-\(id)\" clip-path=\"url(#clip-\(id))\">")
        for i in chart.series.indices {
            var run: [(Double, Double)] = []
            let stroke = chart.color(ofSeries: i).hex
            for p in chart.scaledPoints(ofSeries: i) + [nil] {
                if let (x, y) = p {
                    run.append((px(x), py(max(-1e6, min(1e6, y)))))
                } else if !run.isEmpty {
                    if run.count == 1 { run.append((run[0].0 + 0.5, run[0].1)) }
                    svg.polyline(run, stroke: stroke)
                    run = []
                }
            }
        }
        svg.raw("</g>")
        drawMarkers(chart, into: &svg, top: top, bottom: bottom, right: right, px: px)
        let pixels = chart.series.indices.flatMap { chart.scaledPoints(ofSeries: $0).compactMap { $0 } }
            .map { (px($0.0), py($0.1)) }
        drawLegend(chart, into: &svg, left: left, right: right, top: top, bottom: bottom) { corner, w, h in
            pixels.filter {
                $0.0 >= corner.0 - 4 && $0.0 <= corner.0 + w + 4 && $0.1 >= corner.1 - 4 && $0.1 <= corner.1 + h + 4
            }.count
        }
    }

    static func drawMarkers(_ chart: Chart, into svg: inout SVGDocument, top: Double, bottom: Double,
                            right: Double, px: (Double) -> Double) {
        guard !chart.markers.isEmpty else { return }
        svg.beginGroup(id: "markers")
        for (k, m) in chart.markers.enumerated() {
            let x = chart.logX ? (m.x > 0 ? log10(m.x) : .nan) : m.x
            guard x.isFinite else { continue }
            let X = px(x)
            svg.line(X, top, X, bottom, stroke: Chart.markerColor.hex, width: 1.2, dash: "5,3")
            let y = top + 14 + 14 * Double(k)
            let flip = X > right - 140
            svg.text(m.label, x: X + (flip ? -4 : 4), y: y, size: 10, anchor: flip ? "end" : "start",
                     fill: Chart.markerColor.hex)
        }
        svg.endGroup()
    }

    static func drawLegend(_ chart: Chart, into svg: inout SVGDocument, left: Double, right: Double,
                           top: Double, bottom: Double, covered: ((Double, Double), Double, Double) -> Int) {
        let named = chart.series.enumerated().filter { !$0.element.name.isEmpty }
        guard !named.isEmpty else { return }
        let longest = named.map { $0.element.name.count }.max() ?? 0
        let w = 36 + 6.5 * Double(longest), h = 8 + 16 * Double(named.count)
        // The corner with the fewest data points under it (top right first, as matplotlib's "best").
        let corners = [(right - w - 8, top + 8), (right - w - 8, bottom - h - 8),
                       (left + 8, top + 8), (left + 8, bottom - h - 8)]
        let (x, y) = corners.min { a, b in covered(a, w, h) < covered(b, w, h) } ?? corners[0]
        svg.beginGroup(id: "legend")
        svg.raw("<rect x=\"\(x)\" y=\"\(y)\" width=\"\(w)\" height=\"\(h)\" "
                + "fill=\"#ffffff\" fill-opacity=\"0.85\" stroke=\"#bbbbbb\"/>")
        for (row, (i, s)) in named.enumerated() {
            let ly = y + 14 + 16 * Double(row)
            svg.line(x + 6, ly - 4, x + 26, ly - 4, stroke: chart.color(ofSeries: i).hex, width: 2)
            svg.text(s.name, x: x + 31, y: ly)
        }
        svg.endGroup()
    }
}
