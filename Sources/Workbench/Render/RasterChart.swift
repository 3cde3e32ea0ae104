import Foundation

/// Draws a ``Chart`` as pixels (for terminals that show bitmaps and for PNG files): the same layout
/// as ``SVGChart`` (frame, grid, tick labels, title, series lines, dashed markers, legend) in
/// ``BitmapFont`` text.
public enum RasterChart {
    /// The chart as a `width`×`height` image (default 640×400).
    public static func image(_ chart: Chart, width: Int = 640, height: Int = 400) -> RGBImage {
        var canvas = RGBImage(width: width, height: height)
        draw(chart, into: &canvas, x0: 0, y0: 0, width: width, height: height)
        return canvas
    }

    /// Several charts in a grid of `columns`, each panel `panelWidth`×`panelHeight`.
    public static func grid(_ charts: [Chart], columns: Int, panelWidth: Int = 480,
                            panelHeight: Int = 320) -> RGBImage {
        let columns = max(1, min(columns, charts.count))
        let rows = max(1, (charts.count + columns - 1) / columns)
        var canvas = RGBImage(width: columns * panelWidth, height: rows * panelHeight)
        for (i, chart) in charts.enumerated() {
            draw(chart, into: &canvas, x0: (i % columns) * panelWidth, y0: (i / columns) * panelHeight,
                 width: panelWidth, height: panelHeight)
        }
        return canvas
    }

    static let gridColor = RGB(0xe5, 0xe5, 0xe5), black = RGB(0, 0, 0)

    static func draw(_ chart: Chart, into canvas: inout RGBImage, x0: Int, y0: Int, width: Int, height: Int) {
        let frame = Frame(chart, x0: x0, y0: y0, width: width, height: height)
        if !chart.title.isEmpty {
            let w = BitmapFont.width(of: chart.title, scale: 2)
            canvas.drawText(chart.title, x: x0 + (width - w) / 2, y: y0 + 6, color: black, scale: 2)
        }
        drawAxes(chart, frame, into: &canvas)
        for i in chart.series.indices { drawSeries(chart, i, frame, into: &canvas) }
        for m in chart.markers {
            let x = chart.logX ? (m.x > 0 ? log10(m.x) : .nan) : m.x
            guard x.isFinite else { continue }
            let X = Int(frame.px(x))
            for y in stride(from: frame.top, to: frame.bottom, by: 6) {
                canvas.fill(x: X, y: y, width: 1, height: 4, color: Chart.markerColor)
            }
            canvas.drawText(m.label, x: X + 3, y: frame.top + 3, color: Chart.markerColor)
        }
        drawLegend(chart, frame, into: &canvas)
    }

    /// The plot area and the data-to-pixel mapping.
    struct Frame {
        let left: Int, right: Int, top: Int, bottom: Int
        let x: ClosedRange<Double>, y: ClosedRange<Double>
        let xTicks: [Double], yTicks: [Double]

        init(_ chart: Chart, x0: Int, y0: Int, width: Int, height: Int) {
            left = x0 + 56; right = x0 + width - 12
            top = y0 + (chart.title.isEmpty ? 12 : 30); bottom = y0 + height - (chart.xLabel.isEmpty ? 24 : 38)
            let b = chart.bounds()
            var yr = b.y
            var ticks = ChartAxis.linearTicks(yr, maxCount: 6)
            if chart.yRange == nil, ticks.count >= 2 {
                let step = ChartAxis.step(of: ticks)
                yr = (floor(yr.lowerBound / step + 1e-9) * step)...(ceil(yr.upperBound / step - 1e-9) * step)
                ticks = ChartAxis.linearTicks(yr, maxCount: 6)
            }
            (x, y, yTicks) = (b.x, yr, ticks)
            xTicks = chart.logX ? ChartAxis.logTicks(b.x, maxCount: 9) : ChartAxis.linearTicks(b.x, maxCount: 8)
        }

        func px(_ v: Double) -> Double {
            Double(left) + (v - x.lowerBound) / (x.upperBound - x.lowerBound) * Double(right - left)
        }
        func py(_ v: Double) -> Double {
            Double(bottom) - (v - y.lowerBound) / (y.upperBound - y.lowerBound) * Double(bottom - top)
        }
    }

    static func drawAxes(_ chart: Chart, _ f: Frame, into canvas: inout RGBImage) {
        let yStep = ChartAxis.step(of: f.yTicks)
        for t in f.yTicks {
            let Y = Int(f.py(t).rounded())
            canvas.fill(x: f.left, y: Y, width: f.right - f.left, height: 1, color: gridColor)
            let label = ChartAxis.label(t, step: yStep)
            canvas.drawText(label, x: f.left - 5 - BitmapFont.width(of: label), y: Y - 3, color: black)
        }
        let xStep = ChartAxis.step(of: f.xTicks)
        for t in f.xTicks {
            let X = Int(f.px(t).rounded())
            canvas.fill(x: X, y: f.top, width: 1, height: f.bottom - f.top, color: gridColor)
            let label = chart.logX ? ChartAxis.logLabel(t) : ChartAxis.label(t, step: xStep)
            canvas.drawText(label, x: X - BitmapFont.width(of: label) / 2, y: f.bottom + 5, color: black)
        }
        canvas.stroke(x: f.left, y: f.top, width: f.right - f.left + 1, height: f.bottom - f.top + 1, color: black)
        if !chart.xLabel.isEmpty {
            canvas.drawText(chart.xLabel, x: (f.left + f.right - BitmapFont.width(of: chart.xLabel)) / 2,
                            y: f.bottom + 18, color: black)
        }
        if !chart.yLabel.isEmpty {
            canvas.drawText(chart.yLabel, x: f.left - 52, y: f.top - 10, color: RGB(90, 90, 90))
        }
    }

    static func drawSeries(_ chart: Chart, _ i: Int, _ f: Frame, into canvas: inout RGBImage) {
        let color = chart.color(ofSeries: i)
        var previous: (Double, Double)?
        for p in chart.scaledPoints(ofSeries: i) {
            guard let (x, y) = p else { previous = nil; continue }
            let point = (f.px(x), f.py(max(f.y.lowerBound, min(f.y.upperBound, y))))
            line(from: previous ?? point, to: point, color: color, into: &canvas)
            previous = point
        }
    }

    /// A 2-pixel-wide line by sampling along its length.
    static func line(from a: (Double, Double), to b: (Double, Double), color: RGB, into canvas: inout RGBImage) {
        let steps = max(1, Int(max(abs(b.0 - a.0), abs(b.1 - a.1)).rounded(.up)))
        for k in 0...steps {
            let t = Double(k) / Double(steps)
            let x = Int((a.0 + (b.0 - a.0) * t).rounded()), y = Int((a.1 + (b.1 - a.1) * t).rounded())
            canvas.fill(x: x, y: y, width: 2, height: 2, color: color)
        }
    }

    static func drawLegend(_ chart: Chart, _ f: Frame, into canvas: inout RGBImage) {
        let named = chart.series.enumerated().filter { !$0.element.name.isEmpty }
        guard !named.isEmpty else { return }
        let longest = named.map { BitmapFont.width(of: $0.element.name) }.max() ?? 0
        let w = 30 + longest, h = 6 + 12 * named.count
        let x = f.right - w - 6, y = f.top + 6
        canvas.fill(x: x, y: y, width: w, height: h, color: RGB(255, 255, 255))
        canvas.stroke(x: x, y: y, width: w, height: h, color: RGB(0xbb, 0xbb, 0xbb))
        for (row, (i, s)) in named.enumerated() {
            let ly = y + 5 + 12 * row
            canvas.fill(x: x + 5, y: ly + 3, width: 16, height: 2, color: chart.color(ofSeries: i))
            canvas.drawText(s.name, x: x + 25, y: ly, color: black)
        }
    }
}
