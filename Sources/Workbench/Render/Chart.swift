import Foundation

/// A line chart described once and drawn by ``LineChart`` (terminal) and ``SVGChart`` (SVG file).
///
/// Points with a non-finite coordinate (a NaN loss, a non-positive x on a log axis) break the line.
public struct Chart: Sendable, Equatable {
    /// Heading drawn above the plot.
    public var title: String
    /// Caption under the x axis.
    public var xLabel: String
    /// Caption beside the y axis.
    public var yLabel: String
    /// The lines, drawn in order (later ones on top).
    public var series: [ChartSeries]
    /// Vertical lines at chosen x values (for example the LR finder's suggestions).
    public var markers: [ChartMarker]
    /// Draw x on a base-10 log scale (the LR finder's learning rates).
    public var logX: Bool
    /// A fixed y range (for example 0…100 for accuracy); `nil` fits the data.
    public var yRange: ClosedRange<Double>?

    public init(title: String = "", xLabel: String = "", yLabel: String = "",
                series: [ChartSeries] = [], markers: [ChartMarker] = [],
                logX: Bool = false, yRange: ClosedRange<Double>? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.markers = markers
        self.logX = logX
        self.yRange = yRange
    }
}

/// One named line of a ``Chart``: points `(x[i], y[i])`.
public struct ChartSeries: Sendable, Equatable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// Line colour; `nil` takes the next colour of ``Chart/palette``.
    public var color: RGB?

    /// - Parameters: `x` and `y` must have equal counts; extra values of the longer one are ignored.
    public init(name: String, x: [Double], y: [Double], color: RGB? = nil) {
        self.name = name
        self.x = x
        self.y = y
        self.color = color
    }

    /// A series over `1…y.count` (step or epoch numbers).
    public init(name: String, y: [Double], color: RGB? = nil) {
        self.init(name: name, x: y.indices.map { Double($0 + 1) }, y: y, color: color)
    }
}

/// A labelled vertical line at `x`.
public struct ChartMarker: Sendable, Equatable {
    public var x: Double
    public var label: String
    public init(x: Double, label: String) {
        self.x = x
        self.label = label
    }
}

extension Chart {
    /// matplotlib's `tab10` colours, used for series without a colour.
    public static let palette: [RGB] = [
        RGB(0x1f, 0x77, 0xb4), RGB(0xff, 0x7f, 0x0e), RGB(0x2c, 0xa0, 0x2c), RGB(0xd6, 0x27, 0x28),
        RGB(0x94, 0x67, 0xbd), RGB(0x8c, 0x56, 0x4b), RGB(0xe3, 0x77, 0xc2), RGB(0x7f, 0x7f, 0x7f),
        RGB(0xbc, 0xbd, 0x22), RGB(0x17, 0xbe, 0xcf),
    ]
    /// The colour of markers (red).
    public static let markerColor = RGB(0xd6, 0x27, 0x28)

    /// The colour series `index` is drawn with.
    public func color(ofSeries index: Int) -> RGB {
        series[index].color ?? Self.palette[index % Self.palette.count]
    }

    /// The finite points of series `index` on the plotting scale (log10 x when `logX`), in order,
    /// with `nil` where the line breaks.
    func scaledPoints(ofSeries index: Int) -> [(Double, Double)?] {
        let s = series[index]
        return zip(s.x, s.y).map { x, y in
            let sx = logX ? (x > 0 ? Foundation.log10(x) : .nan) : x
            return sx.isFinite && y.isFinite ? (sx, y) : nil
        }
    }

    /// The data bounds on the plotting scale: x from series and markers, y from series (or `yRange`).
    func bounds() -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        var xs: [Double] = [], ys: [Double] = []
        for i in series.indices {
            for case let (x, y)? in scaledPoints(ofSeries: i) { xs.append(x); ys.append(y) }
        }
        for m in markers {
            let x = logX ? (m.x > 0 ? Foundation.log10(m.x) : .nan) : m.x
            if x.isFinite { xs.append(x) }
        }
        let xr = Self.widen(xs.min() ?? 0, xs.max() ?? 1)
        let yr = yRange ?? Self.widen(ys.min() ?? 0, ys.max() ?? 1)
        return (xr, yr)
    }

    /// `lo…hi`, widened when empty so that it has a positive length.
    static func widen(_ lo: Double, _ hi: Double) -> ClosedRange<Double> {
        if hi > lo { return lo...hi }
        let pad = lo == 0 ? 1 : abs(lo) * 0.1
        return (lo - pad)...(hi + pad)
    }
}
