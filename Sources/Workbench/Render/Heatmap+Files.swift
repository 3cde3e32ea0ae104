import ExperimentKit
import Foundation

extension Heatmap {
    /// Maps side by side as a standalone SVG: coloured cells with their values, row and column
    /// labels, and the row sum `Σ` and entropy `H` beside each row; the mean entropy and peak under
    /// each map.
    public static func svg(_ maps: [HeatmapMatrix], cellSize: Int = 40) -> String {
        let cs = Double(cellSize)
        let panels = maps.map { panelSize($0, cs) }
        let width = Int(panels.map(\.0).reduce(0, +) + 16)
        let height = Int((panels.map(\.1).max() ?? 100) + 8)
        var svg = SVGDocument(width: width, height: height)
        var x0 = 8.0
        for (k, map) in maps.enumerated() {
            svg.beginGroup(transform: "translate(\(Int(x0)),8)", id: "map\(k)")
            drawPanel(map, into: &svg, cs: cs)
            svg.endGroup()
            x0 += panels[k].0
        }
        return svg.text
    }

    /// Writes ``svg(_:cellSize:)`` to `path` atomically.
    public static func writeSVG(_ maps: [HeatmapMatrix], to path: String, cellSize: Int = 40) throws {
        try RenderFile.write(svg(maps, cellSize: cellSize), to: path)
    }

    /// Maps side by side as an image (for PNG export): cells `cellSize` pixels square with their values
    /// in ``BitmapFont``, titles above.
    public static func image(_ maps: [HeatmapMatrix], cellSize: Int = 28) -> RGBImage {
        let cs = max(24, cellSize), pad = 12
        let label = 3 * BitmapFont.advance + 4
        let widths = maps.map { label + $0.columns * cs + pad }
        let height = pad + 2 * BitmapFont.lineHeight + (maps.map(\.rows).max() ?? 1) * cs + BitmapFont.lineHeight + pad
        var canvas = RGBImage(width: pad + widths.reduce(0, +), height: height)
        var x0 = pad
        for (k, map) in maps.enumerated() {
            let top = pad + 2 * BitmapFont.lineHeight
            canvas.drawText(ImageGrid.fit(map.title, width: widths[k] - pad, scale: 1), x: x0, y: pad,
                            color: RGB(0, 0, 0))
            for c in 0..<map.columns {
                canvas.drawText(String(c), x: x0 + label + c * cs + cs / 2 - 2, y: pad + BitmapFont.lineHeight,
                                color: RGB(90, 90, 90))
            }
            for r in 0..<map.rows {
                canvas.drawText(map.rowPrefix + String(r), x: x0, y: top + r * cs + cs / 2 - 3, color: RGB(90, 90, 90))
                for c in 0..<map.columns {
                    let v = map[r, c]
                    let bg = Colormap.viridis.color(map.colorPosition(v))
                    let x = x0 + label + c * cs, y = top + r * cs
                    canvas.fill(x: x, y: y, width: cs - 1, height: cs - 1, color: bg)
                    let text = shortValue(v, map)
                    canvas.drawText(text, x: x + (cs - 1 - BitmapFont.width(of: text)) / 2, y: y + (cs - 1 - 7) / 2,
                                    color: bg.luminance > 0.5 ? RGB(0, 0, 0) : RGB(255, 255, 255))
                }
            }
            let s = AttentionTimeline.summarize(map)
            canvas.drawText(String(format: "H %.2f peak %.2f", s.meanEntropy, s.peak), x: x0 + label,
                            y: top + map.rows * cs + 3, color: RGB(0, 0, 0))
            x0 += widths[k]
        }
        return withColorBar(canvas, maps)
    }

    /// The image with the scale of `maps` under it: the fixed √ scale of attention weights, or each
    /// map's own range.
    static func withColorBar(_ canvas: RGBImage, _ maps: [HeatmapMatrix]) -> RGBImage {
        if maps.allSatisfy(\.isProbability) {
            return ColorBar.appended(to: canvas, colormap: .viridis, low: "0", high: "1",
                                     caption: "sqrt scale, same for all maps")
        }
        let finite = maps.flatMap(\.values).filter(\.isFinite)
        let low = maps.count == 1 ? NumberFormat.short(finite.min() ?? 0) : "min"
        let high = maps.count == 1 ? NumberFormat.short(finite.max() ?? 0) : "max"
        return ColorBar.appended(to: canvas, colormap: .viridis, low: low, high: high,
                                 caption: "linear, each map min to max")
    }

    /// Values in a cell of the image: `.27` for probabilities, else three significant digits.
    static func shortValue(_ v: Double, _ map: HeatmapMatrix) -> String {
        guard v.isFinite else { return "nan" }
        if map.isProbability { return v >= 0.995 ? "1.0" : String(String(format: "%.2f", v).dropFirst()) }
        return String(format: "%.3g", v)
    }

    static func panelSize(_ map: HeatmapMatrix, _ cs: Double) -> (Double, Double) {
        (40 + cs * Double(map.columns) + 110, 48 + cs * Double(map.rows) + 30)
    }

    static func drawPanel(_ map: HeatmapMatrix, into svg: inout SVGDocument, cs: Double) {
        let left = 40.0, top = 48.0
        if !map.title.isEmpty { svg.text(map.title, x: left, y: 16, size: 13, bold: true) }
        for c in 0..<map.columns {
            svg.text(map.columnPrefix + String(c), x: left + cs * (Double(c) + 0.5), y: top - 8, size: 10,
                     anchor: "middle", fill: "#555555")
        }
        svg.text("Σ", x: left + cs * Double(map.columns) + 30, y: top - 8, size: 10, anchor: "middle", fill: "#555555")
        svg.text("H", x: left + cs * Double(map.columns) + 80, y: top - 8, size: 10, anchor: "middle", fill: "#555555")
        let sums = map.rowSums, entropies = map.rowEntropies
        for r in 0..<map.rows {
            let y = top + cs * Double(r)
            svg.text(map.rowPrefix + String(r), x: left - 6, y: y + cs / 2 + 4, size: 10, anchor: "end",
                     fill: "#555555")
            for c in 0..<map.columns {
                let v = map[r, c]
                let bg = Colormap.viridis.color(map.colorPosition(v))
                let x = left + cs * Double(c)
                svg.rect(x, y, cs, cs, fill: bg.hex, stroke: "#ffffff",
                         title: "\(map.rowPrefix)\(r) → \(map.columnPrefix)\(c): \(v)")
                svg.text(format(v, map), x: x + cs / 2, y: y + cs / 2 + 4, size: cs >= 36 ? 10 : 8, anchor: "middle",
                         fill: bg.luminance > 0.5 ? "#000000" : "#ffffff")
            }
            let right = left + cs * Double(map.columns)
            svg.text(String(format: "%.3f", sums[r]), x: right + 30, y: y + cs / 2 + 4, size: 10, anchor: "middle")
            svg.text(String(format: "%.3f", entropies[r]), x: right + 80, y: y + cs / 2 + 4, size: 10,
                     anchor: "middle")
        }
        let s = AttentionTimeline.summarize(map)
        let flag = s.collapse.map { " · collapsed: \($0.rawValue)" } ?? ""
        svg.text(String(format: "mean H %.3f (uniform %.3f) · peak %.3f", s.meanEntropy, log(Double(map.columns)),
                        s.peak) + flag,
                 x: left, y: top + cs * Double(map.rows) + 20, size: 11)
    }
}
