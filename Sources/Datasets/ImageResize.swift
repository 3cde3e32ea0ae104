/// Resizing of interleaved RGB images (image folders, `predict`) and of single-channel maps (Grad-CAM).
public enum ImageResize {
    /// `rgb` (`height × width × 3`) resized to `toWidth × toHeight`: area averaging when shrinking
    /// (every source pixel counts, as `cv2.INTER_AREA`), bilinear with half-pixel centres when
    /// enlarging.
    public static func resize(_ rgb: [UInt8], width: Int, height: Int, to toWidth: Int, _ toHeight: Int) -> [UInt8] {
        if width == toWidth, height == toHeight { return rgb }
        var out = [UInt8](repeating: 0, count: toWidth * toHeight * 3)
        let sx = Double(width) / Double(toWidth), sy = Double(height) / Double(toHeight)
        for y in 0..<toHeight {
            for x in 0..<toWidth {
                for c in 0..<3 {
                    let v: Double
                    if sx >= 1, sy >= 1 {
                        v = area(rgb, width, height, c, x0: Double(x) * sx, x1: Double(x + 1) * sx,
                                 y0: Double(y) * sy, y1: Double(y + 1) * sy)
                    } else {
                        v = bilinearSample(width: width, height: height, x: x, y: y, scaleX: sx, scaleY: sy) {
                            Double(rgb[($1 * width + $0) * 3 + c])
                        }
                    }
                    out[(y * toWidth + x) * 3 + c] = UInt8(max(0, min(255, v.rounded())))
                }
            }
        }
        return out
    }

    /// A single-channel `height × width` plane (row-major) resized bilinearly to `toWidth × toHeight`
    /// with half-pixel centres (OpenCV's `INTER_LINEAR`, which pytorch-grad-cam uses for its maps):
    /// source coordinate `s = (d + 0.5)·size/toSize − 0.5`, clamped to the image.
    public static func bilinear<T: BinaryFloatingPoint>(_ values: [T], width: Int, height: Int,
                                                        to toWidth: Int, _ toHeight: Int) -> [T] {
        guard width > 0, height > 0, values.count == width * height else {
            return [T](repeating: 0, count: toWidth * toHeight)
        }
        if width == toWidth, height == toHeight { return values }
        let sx = Double(width) / Double(toWidth), sy = Double(height) / Double(toHeight)
        var out = [T](repeating: 0, count: toWidth * toHeight)
        for y in 0..<toHeight {
            for x in 0..<toWidth {
                let sample = bilinearSample(width: width, height: height, x: x, y: y, scaleX: sx, scaleY: sy) {
                    Double(values[$1 * width + $0])
                }
                out[y * toWidth + x] = T(sample)
            }
        }
        return out
    }

    /// The bilinear value at destination pixel (`x`, `y`), reading source pixels through `pixel(px, py)`.
    private static func bilinearSample(width: Int, height: Int, x: Int, y: Int, scaleX: Double, scaleY: Double,
                                       pixel: (Int, Int) -> Double) -> Double {
        let fx = max(0, min(Double(width - 1), (Double(x) + 0.5) * scaleX - 0.5))
        let fy = max(0, min(Double(height - 1), (Double(y) + 0.5) * scaleY - 0.5))
        let ix = Int(fx), iy = Int(fy), jx = min(width - 1, ix + 1), jy = min(height - 1, iy + 1)
        let (ax, ay) = (fx - Double(ix), fy - Double(iy))
        let top = pixel(ix, iy) * (1 - ax) + pixel(jx, iy) * ax
        let bottom = pixel(ix, jy) * (1 - ax) + pixel(jx, jy) * ax
        return top * (1 - ay) + bottom * ay
    }

    /// Mean of channel `c` over the source rectangle [x0, x1) × [y0, y1), weighting partial pixels.
    private static func area(_ rgb: [UInt8], _ width: Int, _ height: Int, _ c: Int,
                             x0: Double, x1: Double, y0: Double, y1: Double) -> Double {
        var sum = 0.0, weight = 0.0
        for py in Int(y0)..<min(height, Int(y1.rounded(.up))) {
            let wy = min(y1, Double(py + 1)) - max(y0, Double(py))
            guard wy > 0 else { continue }
            for px in Int(x0)..<min(width, Int(x1.rounded(.up))) {
                let wx = min(x1, Double(px + 1)) - max(x0, Double(px))
                guard wx > 0 else { continue }
                sum += wx * wy * Double(rgb[(py * width + px) * 3 + c])
                weight += wx * wy
            }
        }
        return weight > 0 ? sum / weight : 0
    }
}

extension ImageResize {
    /// The centred `side × side` square of `rgb` (`side` = the shorter edge); the image itself when square.
    public static func centreSquare(_ rgb: [UInt8], width: Int, height: Int) -> (rgb: [UInt8], side: Int) {
        let side = min(width, height)
        if width == height { return (rgb, side) }
        let x0 = (width - side) / 2, y0 = (height - side) / 2
        var out = [UInt8](repeating: 0, count: side * side * 3)
        for y in 0..<side {
            let src = ((y0 + y) * width + x0) * 3
            out.replaceSubrange(y * side * 3..<(y + 1) * side * 3, with: rgb[src..<src + side * 3])
        }
        return (out, side)
    }
}
