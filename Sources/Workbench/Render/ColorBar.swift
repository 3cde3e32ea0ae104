import Foundation

/// A horizontal colour bar under a picture: the scale's colours from 0 to 1 with the values they
/// stand for at both ends and a caption saying what the scale is (every heatmap PNG carries one).
public enum ColorBar {
    static let barWidth = 160
    static let barHeight = 10

    /// `image` with a bar of `colormap` added below it.
    /// - Parameters: `low` labels the left end, `high` the right end; `caption` says what the scale is.
    public static func appended(to image: RGBImage, colormap: Colormap, low: String, high: String,
                                caption: String) -> RGBImage {
        let pad = 8
        let textWidth = BitmapFont.width(of: low) + BitmapFont.width(of: high) + 12
        let width = max(image.width, pad * 2 + barWidth + textWidth, pad * 2 + BitmapFont.width(of: caption))
        let height = image.height + pad + barHeight + 4 + BitmapFont.lineHeight + pad
        var canvas = RGBImage(width: width, height: height)
        canvas.draw(image, x: 0, y: 0)
        let y = image.height + pad
        let x = pad + BitmapFont.width(of: low) + 6
        canvas.drawText(low, x: pad, y: y + (barHeight - 7) / 2, color: RGB(0, 0, 0))
        for i in 0..<barWidth {
            canvas.fill(x: x + i, y: y, width: 1, height: barHeight,
                        color: colormap.color(Double(i) / Double(barWidth - 1)))
        }
        canvas.stroke(x: x - 1, y: y - 1, width: barWidth + 2, height: barHeight + 2, color: RGB(90, 90, 90))
        canvas.drawText(high, x: x + barWidth + 6, y: y + (barHeight - 7) / 2, color: RGB(0, 0, 0))
        canvas.drawText(caption, x: pad, y: y + barHeight + 4, color: RGB(60, 60, 60))
        return canvas
    }
}
