import Foundation

/// One image of an ``ImageGrid`` with its caption lines (e.g. `["true cat", "pred dog 0.83"]`).
public struct ImageTile: Sendable, Equatable {
    public var image: RGBImage
    public var caption: [String]
    /// Caption colour (e.g. red for a wrong prediction).
    public var captionColor: RGB

    public init(image: RGBImage, caption: [String] = [], captionColor: RGB = RGB(0, 0, 0)) {
        self.image = image
        self.caption = caption
        self.captionColor = captionColor
    }

    /// A tile from a CIFAR-10 image as HWC `UInt8` (32×32×3 = 3072 bytes).
    /// - Throws: ``RenderError`` when the byte count is not `width·height·3`.
    public init(hwc: [UInt8], width: Int = 32, height: Int = 32, caption: [String] = [],
                captionColor: RGB = RGB(0, 0, 0)) throws {
        self.init(image: try RGBImage(width: width, height: height, pixels: hwc), caption: caption,
                  captionColor: captionColor)
    }
}

/// Composes images into one canvas: a grid of tiles, each upscaled (nearest neighbour) with its
/// caption lines centred under it in ``BitmapFont``, an optional title on top.
///
/// Layout (pixels): `padding` around and between cells; a cell is `scale·w` wide and
/// `scale·h + lines·9 + 2` high, where `lines` is the most caption lines of any tile.
public enum ImageGrid {
    /// The composed canvas.
    /// - Parameters:
    ///   - tiles: images and captions, placed row by row.
    ///   - columns: tiles per row (default 5).
    ///   - scale: upscaling factor (default 3: 32 px → 96 px).
    ///   - padding: gap in pixels (default 8).
    ///   - title: drawn at twice the font size above the grid.
    public static func compose(_ tiles: [ImageTile], columns: Int = 5, scale: Int = 3, padding: Int = 8,
                               title: String? = nil, background: RGB = RGB(255, 255, 255)) -> RGBImage {
        let columns = max(1, min(columns, max(1, tiles.count)))
        let rows = max(1, (tiles.count + columns - 1) / columns)
        let tileW = (tiles.map(\.image.width).max() ?? 32) * max(1, scale)
        let tileH = (tiles.map(\.image.height).max() ?? 32) * max(1, scale)
        let lines = tiles.map(\.caption.count).max() ?? 0
        let captionH = lines > 0 ? lines * BitmapFont.lineHeight + 2 : 0
        // Cells widen (up to twice the image) for captions longer than the image is wide.
        let captionW = tiles.flatMap(\.caption).map { BitmapFont.width(of: $0) }.max() ?? 0
        let cellW = max(tileW, min(2 * tileW, captionW)), cellH = tileH + captionH
        let width = padding + columns * (cellW + padding)
        let titleLines = wrappedTitle(title ?? "", width: width - 2 * padding)
        let titleH = titleLines.isEmpty ? 0 : titleLines.count * 2 * BitmapFont.lineHeight + padding / 2
        var canvas = RGBImage(width: width, height: padding + titleH + rows * (cellH + padding), fill: background)
        for (k, line) in titleLines.enumerated() {
            let w = BitmapFont.width(of: line, scale: 2)
            canvas.drawText(line, x: max(padding, (canvas.width - w) / 2), y: padding + 2 * k * BitmapFont.lineHeight,
                            color: RGB(0, 0, 0), scale: 2)
        }
        for (i, tile) in tiles.enumerated() {
            let x0 = padding + (i % columns) * (cellW + padding)
            let y0 = padding + titleH + (i / columns) * (cellH + padding)
            let img = tile.image.upscaled(by: scale)
            canvas.draw(img, x: x0 + (cellW - img.width) / 2, y: y0 + (tileH - img.height) / 2)
            for (k, line) in tile.caption.enumerated() {
                let text = fit(line, width: cellW, scale: 1)
                let w = BitmapFont.width(of: text)
                canvas.drawText(text, x: x0 + (cellW - w) / 2, y: y0 + tileH + 3 + k * BitmapFont.lineHeight,
                                color: tile.captionColor)
            }
        }
        return canvas
    }

    /// A title in lines of twice the font size that fit `width` pixels: words wrapped onto at most
    /// three lines, the last shortened if the words run on.
    static func wrappedTitle(_ title: String, width: Int, maxLines: Int = 3) -> [String] {
        let maxChars = max(1, (width / 2 + 1) / BitmapFont.advance)
        let lines = CommandTable.wrap(BitmapFont.ascii(title), width: maxChars).map { fit($0, width: width, scale: 2) }
        guard lines.count > maxLines else { return lines }
        let rest = lines[(maxLines - 1)...].joined(separator: " ")
        return Array(lines.prefix(maxLines - 1)) + [fit(rest, width: width, scale: 2)]
    }

    /// `text` shortened (with a final `.`) to fit `width` pixels.
    static func fit(_ text: String, width: Int, scale: Int) -> String {
        let text = BitmapFont.ascii(text)
        let maxChars = max(1, (width / scale + 1) / BitmapFont.advance)
        return text.count <= maxChars ? text : String(text.prefix(maxChars - 1)) + "."
    }
}
