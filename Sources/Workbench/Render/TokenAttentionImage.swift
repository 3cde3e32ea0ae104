import Foundation

/// Pictures of token attention: a head's T×T map with labelled axes and a colour bar, a weight per
/// patch laid over the image as a patch grid, and the terminal form of both.
public enum TokenAttentionImage {
    static let ink = RGB(0, 0, 0), grey = RGB(90, 90, 90)

    /// One head's map (`t·t` values, rows = query tokens, columns = key tokens) as an image: cells of
    /// about 400/t pixels, tick labels every few tokens, axis titles, a viridis colour bar from 0 to
    /// the map's peak.
    public static func map(_ values: [Float], tokens t: Int, title: String) -> RGBImage {
        let cell = max(2, 400 / max(t, 1)), side = cell * t
        let left = 5 * BitmapFont.advance + 8, top = 3 * BitmapFont.lineHeight + 6, barW = 14
        var canvas = RGBImage(width: left + side + 12 + barW + 6 * BitmapFont.advance + 8, height: top + side + 24)
        canvas.drawText(ImageGrid.fit(title, width: canvas.width - 8, scale: 1), x: 4, y: 4, color: ink)
        canvas.drawText("key token ->", x: left, y: 4 + BitmapFont.lineHeight, color: grey)
        canvas.drawText("query", x: 2, y: top - BitmapFont.lineHeight, color: grey)
        let peak = Double(values.max() ?? 1) > 0 ? Double(values.max()!) : 1
        for r in 0..<t {
            for c in 0..<t {
                let color = Colormap.viridis.color(Double(values[r * t + c]) / peak)
                canvas.fill(x: left + c * cell, y: top + r * cell, width: cell, height: cell, color: color)
            }
        }
        let step = max(1, Int((Double(t) / 8).rounded(.up)))
        for i in stride(from: 0, to: t, by: step) {
            canvas.drawText(String(i), x: left + i * cell, y: top - BitmapFont.lineHeight, color: grey)
            canvas.drawText(String(i), x: 2, y: top + i * cell, color: grey)
        }
        drawColourBar(&canvas, x: left + side + 12, y: top, width: barW, height: side, peak: peak)
        return canvas
    }

    /// A vertical colour bar, 0 at the bottom and `peak` at the top, labelled at both ends.
    static func drawColourBar(_ canvas: inout RGBImage, x: Int, y: Int, width: Int, height: Int, peak: Double) {
        for k in 0..<height {
            let color = Colormap.viridis.color(1 - Double(k) / Double(max(1, height - 1)))
            canvas.fill(x: x, y: y + k, width: width, height: 1, color: color)
        }
        canvas.stroke(x: x, y: y, width: width, height: height, color: grey)
        canvas.drawText(String(format: "%.2f", peak), x: x + width + 3, y: y, color: ink)
        canvas.drawText("0", x: x + width + 3, y: y + height - 7, color: ink)
    }

    /// `weights` over a `grid`×`grid` patch grid laid over `image`: each patch tinted with the jet
    /// colour of its weight (scaled to the largest), half image, half colour; upscaled by `scale`.
    public static func overlay(image: RGBImage, weights: [Float], grid: Int, scale: Int = 4) -> RGBImage {
        let peak = max(weights.max() ?? 1, 1e-12)
        var out = image.upscaled(by: scale)
        let patch = out.width / max(grid, 1)
        for y in 0..<out.height {
            for x in 0..<out.width {
                let w = weights[min(grid - 1, y / max(patch, 1)) * grid + min(grid - 1, x / max(patch, 1))]
                let heat = Colormap.jet.color(Double(w / peak)), p = out[x, y]
                out[x, y] = blend(p, heat)
            }
        }
        return out
    }

    static func blend(_ a: RGB, _ b: RGB) -> RGB {
        func mid(_ u: UInt8, _ v: UInt8) -> UInt8 { UInt8((Int(u) + Int(v)) / 2) }
        return RGB(mid(a.r, b.r), mid(a.g, b.g), mid(a.b, b.b))
    }

    /// A matrix averaged down to at most `limit`×`limit` cells (bins of equal token ranges), for the terminal.
    public static func downsampled(_ values: [Float], rows: Int, columns: Int, limit: Int = 16) -> HeatmapMatrix {
        let (br, bc) = (min(rows, limit), min(columns, limit))
        var out = [Double](repeating: 0, count: br * bc)
        for r in 0..<rows {
            for c in 0..<columns { out[(r * br / rows) * bc + c * bc / columns] += Double(values[r * columns + c]) }
        }
        for i in 0..<br {
            for j in 0..<bc {
                let n = (((i + 1) * rows + br - 1) / br - (i * rows + br - 1) / br)
                    * (((j + 1) * columns + bc - 1) / bc - (j * columns + bc - 1) / bc)
                out[i * bc + j] /= Double(max(1, n))
            }
        }
        return HeatmapMatrix(rows: br, columns: bc, values: out)
    }
}
