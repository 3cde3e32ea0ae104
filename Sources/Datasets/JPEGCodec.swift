import JPEGSafe

/// JPEG decoding and encoding through libjpeg-turbo (via the `JPEGSafe` C target, whose error handler
/// returns instead of calling `exit()`). Decoding uses libjpeg's defaults, so pixels equal Pillow's.
public enum JPEGCodec {
    /// The image size from a JPEG header, without decoding.
    public static func size(of bytes: [UInt8], name: String) throws -> (width: Int, height: Int) {
        var width: Int32 = 0, height: Int32 = 0
        var error = [CChar](repeating: 0, count: 256)
        let rc = bytes.withUnsafeBufferPointer {
            jpegsafe_info($0.baseAddress, $0.count, &width, &height, &error, error.count)
        }
        guard rc == 0 else { throw DatasetError(file: name, "corrupt JPEG: \(string(error))") }
        return (Int(width), Int(height))
    }

    /// Decodes JPEG bytes to interleaved RGB8 (`height × width × 3`); grayscale converts.
    /// With `expectedWidth`/`expectedHeight`, other sizes are an error; without, images of more than
    /// `maxPixels` pixels are refused. Either check happens before any allocation sized by the file.
    public static func decode(_ bytes: [UInt8], name: String, expectedWidth: Int? = nil, expectedHeight: Int? = nil,
                              maxPixels: Int = 1 << 24) throws -> (rgb: [UInt8], width: Int, height: Int) {
        guard !bytes.isEmpty else { throw DatasetError(file: name, "empty file") }
        var width = expectedWidth ?? 0, height = expectedHeight ?? 0
        if expectedWidth == nil || expectedHeight == nil {
            (width, height) = try size(of: bytes, name: name)
            guard width * height <= maxPixels else {
                throw DatasetError(file: name,
                                   "JPEG claims \(width)×\(height) pixels, more than the \(maxPixels) allowed")
            }
        }
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        try decode(bytes, name: name, into: &rgb, width: width, height: height)
        return (rgb, width, height)
    }

    /// Decodes into a caller's buffer of exactly `width × height × 3` bytes; a different size is an error.
    public static func decode(_ bytes: [UInt8], name: String, into rgb: inout [UInt8], width: Int, height: Int) throws {
        precondition(rgb.count == width * height * 3)
        guard !bytes.isEmpty else { throw DatasetError(file: name, "empty file") }
        var error = [CChar](repeating: 0, count: 256)
        let rc = bytes.withUnsafeBufferPointer { src in
            rgb.withUnsafeMutableBufferPointer { dst in
                jpegsafe_decode_rgb(src.baseAddress, src.count, dst.baseAddress, Int32(width), Int32(height),
                                    &error, error.count)
            }
        }
        guard rc == 0 else { throw DatasetError(file: name, "cannot decode JPEG: \(string(error))") }
    }

    /// Encodes interleaved RGB8 as a baseline JPEG (libjpeg defaults, 4:2:0) of `quality` 1...100.
    public static func encode(rgb: [UInt8], width: Int, height: Int, quality: Int = 95) throws -> [UInt8] {
        guard width > 0, height > 0, rgb.count == width * height * 3 else {
            throw DatasetError("cannot encode a \(width)×\(height) JPEG from \(rgb.count) bytes")
        }
        var out: UnsafeMutablePointer<UInt8>? = nil
        var size = 0
        var error = [CChar](repeating: 0, count: 256)
        let rc = rgb.withUnsafeBufferPointer {
            jpegsafe_encode_rgb($0.baseAddress, Int32(width), Int32(height), Int32(quality), &out, &size,
                                &error, error.count)
        }
        guard rc == 0, let buffer = out else { throw DatasetError("cannot encode JPEG: \(string(error))") }
        defer { jpegsafe_free(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: size))
    }

    private static func string(_ chars: [CChar]) -> String {
        String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
