import Autograd
import Datasets
import Foundation

extension RGBImage {
    /// Writes the image as an 8-bit RGB PNG (libpng), atomically, creating missing parent folders.
    /// - Throws: ``RenderError`` for an unusable folder; the codec's error when libpng fails.
    public func writePNG(to path: String) throws {
        do { try AtomicWriter.makeFolders(PathName.folder(of: path), for: path) } catch let error as FileWriteError {
            throw RenderError("\(error); choose a writable location")
        }
        try PNGCodec.write(rgb: pixels, width: width, height: height, to: path)
    }

    /// Reads a PNG file as an 8-bit RGB image.
    public static func readPNG(path: String) throws -> RGBImage {
        let (rgb, width, height) = try PNGCodec.read(path: path)
        return try RGBImage(width: width, height: height, pixels: rgb)
    }
}

extension ImageGrid {
    /// Composes `tiles` (see ``compose(_:columns:scale:padding:title:background:)``) and writes the
    /// canvas to `path` as PNG; returns the canvas.
    @discardableResult
    public static func writePNG(_ tiles: [ImageTile], to path: String, columns: Int = 5, scale: Int = 3,
                                padding: Int = 8, title: String? = nil) throws -> RGBImage {
        let canvas = compose(tiles, columns: columns, scale: scale, padding: padding, title: title)
        try canvas.writePNG(to: path)
        return canvas
    }
}

extension Heatmap {
    /// Writes ``image(_:cellSize:)`` of `maps` to `path` as PNG; returns the canvas.
    @discardableResult
    public static func writePNG(_ maps: [HeatmapMatrix], to path: String, cellSize: Int = 28) throws -> RGBImage {
        let canvas = image(maps, cellSize: cellSize)
        try canvas.writePNG(to: path)
        return canvas
    }
}
