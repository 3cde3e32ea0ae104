import Foundation

extension ImageGrid {
    /// A compact terminal listing of tiles.
    ///
    /// With colour: thumbnails `thumbnail` pixels square side by side, drawn with upper half blocks `▀`
    /// (24-bit foreground = upper pixel, background = lower pixel), or with coloured spaces in ASCII
    /// mode, captions under each. Without colour: one numbered line per tile with its caption.
    /// - Parameters:
    ///   - tiles: images and captions.
    ///   - style: colour, character set and width.
    ///   - thumbnail: thumbnail size in pixels (default 16; images are box-averaged down to it).
    ///   - firstNumber: the number of the first line without colour (0 where tiles are indices, as `index=`).
    public static func terminalListing(_ tiles: [ImageTile], style: RenderStyle, thumbnail: Int = 16,
                                       firstNumber: Int = 1) -> String {
        guard style.color else {
            return tiles.enumerated().map { i, t in
                let caption = style.text(t.caption.joined(separator: " | "))
                return ANSI.truncate(String(format: "%3d. ", i + firstNumber) + caption, to: style.width)
            }.joined(separator: "\n")
        }
        let size = max(2, thumbnail - thumbnail % 2)
        let cell = size + 2
        let perRow = max(1, (style.width + 2) / cell)
        var out: [String] = []
        for start in stride(from: 0, to: tiles.count, by: perRow) {
            let group = Array(tiles[start..<min(start + perRow, tiles.count)])
            let thumbs = group.map { thumbnailLines(downsample($0.image, to: size), unicode: style.unicode) }
            for r in 0..<thumbs[0].count {
                out.append(thumbs.map { $0[r] }.joined(separator: "  "))
            }
            let captionLines = group.map(\.caption.count).max() ?? 0
            for k in 0..<captionLines {
                var line = group.map { t -> String in
                    let text = k < t.caption.count ? String(style.text(t.caption[k]).prefix(size)) : ""
                    return ANSI.pad(text, to: size)
                }.joined(separator: "  ")
                while line.hasSuffix(" ") { line.removeLast() }
                out.append(line)
            }
            if start + perRow < tiles.count { out.append("") }
        }
        return out.joined(separator: "\n")
    }

    /// `image` box-averaged to `size`×`size`.
    static func downsample(_ image: RGBImage, to size: Int) -> RGBImage {
        var out = RGBImage(width: size, height: size)
        for y in 0..<size {
            let y0 = y * image.height / size, y1 = max(y0 + 1, (y + 1) * image.height / size)
            for x in 0..<size {
                let x0 = x * image.width / size, x1 = max(x0 + 1, (x + 1) * image.width / size)
                var r = 0, g = 0, b = 0, n = 0
                for yy in y0..<min(y1, image.height) {
                    for xx in x0..<min(x1, image.width) {
                        let c = image[xx, yy]
                        r += Int(c.r); g += Int(c.g); b += Int(c.b); n += 1
                    }
                }
                n = max(1, n)
                out[x, y] = RGB(UInt8(r / n), UInt8(g / n), UInt8(b / n))
            }
        }
        return out
    }

    /// Two pixel rows per terminal row.
    static func thumbnailLines(_ image: RGBImage, unicode: Bool) -> [String] {
        stride(from: 0, to: image.height, by: 2).map { y in
            var line = ""
            for x in 0..<image.width {
                let top = image[x, y], bottom = y + 1 < image.height ? image[x, y + 1] : top
                if unicode {
                    line += ANSI.foreground(top) + ANSI.background(bottom) + "▀"
                } else {
                    let mean = RGB(UInt8((Int(top.r) + Int(bottom.r)) / 2), UInt8((Int(top.g) + Int(bottom.g)) / 2),
                                   UInt8((Int(top.b) + Int(bottom.b)) / 2))
                    line += ANSI.background(mean) + " "
                }
            }
            return line + ANSI.reset
        }
    }
}
