import CPNG
import Foundation

/// 8-bit RGB PNG files through libpng's simplified API (no `setjmp` needed on our side).
public enum PNGCodec {
    /// Writes `rgb` (`height × width × 3` bytes, interleaved) to `path` as an 8-bit RGB PNG, atomically.
    public static func write(rgb: [UInt8], width: Int, height: Int, to path: String) throws {
        guard width > 0, height > 0, rgb.count == width * height * 3 else {
            throw DatasetError(file: path, "cannot write a \(width)×\(height) PNG from \(rgb.count) bytes")
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(PNG_FORMAT_RGB)
        var size: png_alloc_size_t = 0
        let stride = Int32(width * 3)
        let measured = rgb.withUnsafeBytes {
            png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, stride, nil)
        }
        guard measured != 0 else {
            throw DatasetError(file: path, "cannot write PNG: \(message(of: &image))")
        }
        var encoded = [UInt8](repeating: 0, count: Int(size))
        let ok = rgb.withUnsafeBytes { pixels in
            encoded.withUnsafeMutableBytes {
                png_image_write_to_memory(&image, $0.baseAddress, &size, 0, pixels.baseAddress, stride, nil)
            }
        }
        guard ok != 0 else { throw DatasetError(file: path, "cannot write PNG: \(message(of: &image))") }
        try AtomicFile.write(Array(encoded.prefix(Int(size))), to: path)
    }

    /// `rgb` (`height × width × 3` bytes, interleaved) as the bytes of an 8-bit RGB PNG file, in memory
    /// (for terminal image protocols that take PNG data).
    public static func encode(rgb: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        guard width > 0, height > 0, rgb.count == width * height * 3 else {
            throw DatasetError(file: "PNG", "cannot encode a \(width)×\(height) PNG from \(rgb.count) bytes")
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(PNG_FORMAT_RGB)
        var size = 0
        // First pass measures, second writes.
        let measured = rgb.withUnsafeBytes {
            png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, Int32(width * 3), nil)
        }
        guard measured != 0, size > 0 else {
            throw DatasetError(file: "PNG", "cannot encode PNG: \(message(of: &image))")
        }
        var out = [UInt8](repeating: 0, count: size)
        let ok = rgb.withUnsafeBytes { source in
            out.withUnsafeMutableBytes {
                png_image_write_to_memory(&image, $0.baseAddress, &size, 0, source.baseAddress, Int32(width * 3), nil)
            }
        }
        guard ok != 0 else { throw DatasetError(file: "PNG", "cannot encode PNG: \(message(of: &image))") }
        return Array(out.prefix(size))
    }

    /// Reads a PNG as 8-bit RGB (grayscale expands, alpha is composited on black, 16-bit narrows).
    /// Refuses images of more than `maxPixels` pixels before allocating for them.
    public static func read(path: String, maxPixels: Int = 1 << 24) throws -> (rgb: [UInt8], width: Int, height: Int) {
        try decode(AtomicFile.contents(of: path), name: path, maxPixels: maxPixels)
    }

    /// Decodes PNG bytes; `name` labels errors. When `expectedWidth`/`expectedHeight` are given, other
    /// sizes are an error (checked from the header, before decoding).
    public static func decode(_ bytes: [UInt8], name: String, expectedWidth: Int? = nil, expectedHeight: Int? = nil,
                              maxPixels: Int = 1 << 24) throws -> (rgb: [UInt8], width: Int, height: Int) {
        guard !bytes.isEmpty else { throw DatasetError(file: name, "empty file") }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let begun = bytes.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw DatasetError(file: name, "not a readable PNG: \(message(of: &image))") }
        defer { png_image_free(&image) }
        let width = Int(image.width), height = Int(image.height)
        if let w = expectedWidth, let h = expectedHeight, w != width || h != height {
            throw DatasetError(file: name, "image is \(width)×\(height), expected \(w)×\(h)")
        }
        guard width > 0, height > 0, width * height <= maxPixels else {
            throw DatasetError(file: name, "PNG claims \(width)×\(height) pixels, more than the \(maxPixels) allowed")
        }
        image.format = UInt32(PNG_FORMAT_RGB)
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        let done = bytes.withUnsafeBytes { _ in
            rgb.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, Int32(width * 3), nil) }
        }
        guard done != 0 else { throw DatasetError(file: name, "corrupt PNG: \(message(of: &image))") }
        return (rgb, width, height)
    }

    private static func message(of image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
