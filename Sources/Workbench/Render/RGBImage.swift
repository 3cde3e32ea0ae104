import Foundation

/// An 8-bit RGB raster, row-major HWC (`pixels[(y·width + x)·3 + c]`), as CIFAR-10 images and
/// libpng use.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `height·width·3` bytes.
    public private(set) var pixels: [UInt8]

    /// A `width`×`height` image filled with `fill` (default white).
    public init(width: Int, height: Int, fill: RGB = RGB(255, 255, 255)) {
        self.width = max(0, width)
        self.height = max(0, height)
        var p = [UInt8](repeating: 0, count: self.width * self.height * 3)
        for i in stride(from: 0, to: p.count, by: 3) { p[i] = fill.r; p[i + 1] = fill.g; p[i + 2] = fill.b }
        pixels = p
    }

    /// An image over existing HWC bytes.
    /// - Throws: ``RenderError`` when `pixels.count != width·height·3`.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0, pixels.count == width * height * 3 else {
            throw RenderError("image data has \(pixels.count) bytes, "
                              + "expected \(width)×\(height)×3 = \(max(0, width * height * 3)); pass HWC RGB bytes")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The colour at `(x, y)`; setting outside the image does nothing.
    public subscript(x: Int, y: Int) -> RGB {
        get {
            let i = (y * width + x) * 3
            return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
        }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            let i = (y * width + x) * 3
            pixels[i] = newValue.r; pixels[i + 1] = newValue.g; pixels[i + 2] = newValue.b
        }
    }

    /// Each pixel repeated `factor`×`factor` times (nearest neighbour).
    public func upscaled(by factor: Int) -> RGBImage {
        let f = max(1, factor)
        guard f > 1 else { return self }
        var out = RGBImage(width: width * f, height: height * f)
        for y in 0..<out.height {
            for x in 0..<out.width {
                let s = ((y / f) * width + x / f) * 3, d = (y * out.width + x) * 3
                out.pixels[d] = pixels[s]; out.pixels[d + 1] = pixels[s + 1]; out.pixels[d + 2] = pixels[s + 2]
            }
        }
        return out
    }

    /// Fills the rectangle (clipped to the image).
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: RGB) {
        for yy in max(0, y)..<max(max(0, y), min(height, y + h)) {
            for xx in max(0, x)..<max(max(0, x), min(width, x + w)) { self[xx, yy] = color }
        }
    }

    /// Copies `image` with its top-left corner at `(x, y)` (clipped).
    public mutating func draw(_ image: RGBImage, x: Int, y: Int) {
        for yy in 0..<image.height where y + yy >= 0 && y + yy < height {
            for xx in 0..<image.width where x + xx >= 0 && x + xx < width {
                self[x + xx, y + yy] = image[xx, yy]
            }
        }
    }

    /// Writes `text` in ``BitmapFont`` with its top-left corner at `(x, y)`, each font pixel
    /// `scale`×`scale`; `\n` starts a new line.
    public mutating func drawText(_ text: String, x: Int, y: Int, color: RGB, scale: Int = 1) {
        let s = max(1, scale)
        var cx = x, cy = y
        for ch in BitmapFont.ascii(text) {
            if ch == "\n" { cx = x; cy += BitmapFont.lineHeight * s; continue }
            for (row, bits) in BitmapFont.rows(ch).enumerated() {
                for col in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(col)) != 0 {
                    fill(x: cx + col * s, y: cy + row * s, width: s, height: s, color: color)
                }
            }
            cx += BitmapFont.advance * s
        }
    }

    /// A 1-pixel rectangle outline.
    public mutating func stroke(x: Int, y: Int, width w: Int, height h: Int, color: RGB) {
        fill(x: x, y: y, width: w, height: 1, color: color)
        fill(x: x, y: y + h - 1, width: w, height: 1, color: color)
        fill(x: x, y: y, width: 1, height: h, color: color)
        fill(x: x + w - 1, y: y, width: 1, height: h, color: color)
    }
}
