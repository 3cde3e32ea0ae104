import Autograd
import Datasets
import Foundation

/// A PNG or JPEG file read for `predict`, `image=` and `set probes=`, resized to 32×32.
public struct ImageFile: Equatable {
    /// The name the user gave.
    public var name: String
    /// Size of the file's image before resizing.
    public var originalWidth: Int, originalHeight: Int
    /// Interleaved RGB, 32×32.
    public var rgb: [UInt8]

    /// Image files larger than this are refused before they are read (a 32×32 picture needs KBs).
    static let largestFile = 256 << 20

    /// Reads `path` (already expanded) shown as `name`.
    /// - Throws: ``InspectionError`` with one line naming the problem: missing, a folder, not a
    ///   PNG or JPEG (by its first bytes, whatever the extension), or undecodable.
    public init(path: String, name: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw InspectionError("no image at '\(name)'; check the path (Tab completes file names)")
        }
        if isFolder.boolValue { throw InspectionError("'\(name)' is a folder, not an image; give a PNG or JPEG file") }
        let bytes: [UInt8]
        do {
            let file = try RegularFile(path: path, limit: Self.largestFile)
            bytes = try file.bytes(at: 0, count: file.size)
        } catch {
            throw InspectionError("cannot read '\(name)': \(error.reason)")
        }
        let isPNG = bytes.starts(with: [0x89, 0x50, 0x4E, 0x47])
        let isJPEG = bytes.starts(with: [0xFF, 0xD8, 0xFF])
        guard isPNG || isJPEG else {
            throw InspectionError("cannot read '\(name)': it is neither a PNG nor a JPEG file (by its first bytes); "
                                  + "convert it to PNG or JPEG")
        }
        let decoded: (rgb: [UInt8], width: Int, height: Int)
        do {
            decoded = isPNG ? try PNGCodec.decode(bytes, name: name) : try JPEGCodec.decode(bytes, name: name)
        } catch {
            throw InspectionError("cannot read '\(name)' as a \(isPNG ? "PNG" : "JPEG") image: \(error)")
        }
        self.name = name
        (originalWidth, originalHeight) = (decoded.width, decoded.height)
        rgb = (decoded.width, decoded.height) == (32, 32)
            ? decoded.rgb : ImageResize.resize(decoded.rgb, width: decoded.width, height: decoded.height, to: 32, 32)
    }

    /// `name: 640×480 resized to 32×32`, or `name: 32×32` when no resizing was needed.
    public var sizeLine: String {
        let size = "\(originalWidth)×\(originalHeight)"
        return "\(name): " + ((originalWidth, originalHeight) == (32, 32) ? size : "\(size) resized to 32×32")
    }

    /// The image normalised with `normalization`, planar `[3 · 32 · 32]`.
    public func normalized(_ normalization: Normalization) -> [Float] {
        let planar = ImageSet.planar(fromInterleaved: rgb, height: 32, width: 32)
        let lut = normalization.lookupTable
        return (0..<3).flatMap { c in (0..<1024).map { lut[c * 256 + Int(planar[c * 1024 + $0])] } }
    }
}
