/// A labelled set of 8-bit RGB images in CIFAR-10's binary layout.
///
/// `images` holds `count` images of `3 × height × width` bytes each, one after another; within an image
/// the R plane comes first, then G, then B (CHW), each plane row-major. Labels index `classNames`.
public struct ImageSet: Sendable, Equatable {
    /// `count × 3 × height × width` bytes, CHW per image.
    public var images: [UInt8]
    /// One class index per image, in `0..<classNames.count`.
    public var labels: [Int]
    public var height: Int
    public var width: Int
    public var classNames: [String]

    /// Wraps decoded data. The sizes must agree (readers check files before building a set).
    public init(images: [UInt8], labels: [Int], height: Int = 32, width: Int = 32, classNames: [String]) {
        precondition(images.count == labels.count * 3 * height * width,
                     "image bytes \(images.count) do not match \(labels.count) images of 3×\(height)×\(width)")
        self.images = images
        self.labels = labels
        self.height = height
        self.width = width
        self.classNames = classNames
    }

    /// Number of images.
    public var count: Int { labels.count }
    /// Bytes per image: `3 × height × width`.
    public var imageSize: Int { 3 * height * width }

    /// Image `index` as `3 × height × width` bytes, CHW (R plane, G plane, B plane).
    public func image(at index: Int) -> [UInt8] {
        let start = index * imageSize
        return Array(images[start..<start + imageSize])
    }

    /// Image `index` as `height × width × 3` bytes, HWC (RGB interleaved), as image files store it.
    public func rgbInterleaved(at index: Int) -> [UInt8] {
        let plane = height * width, start = index * imageSize
        var out = [UInt8](repeating: 0, count: imageSize)
        images.withUnsafeBufferPointer { src in
            for p in 0..<plane {
                out[3 * p] = src[start + p]
                out[3 * p + 1] = src[start + plane + p]
                out[3 * p + 2] = src[start + 2 * plane + p]
            }
        }
        return out
    }

    /// Number of images per class, indexed like `classNames`.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classNames.count)
        for label in labels where label >= 0 && label < counts.count { counts[label] += 1 }
        return counts
    }
}

extension ImageSet {
    /// Converts interleaved HWC RGB to planar CHW (the layout of ``images``).
    public static func planar(fromInterleaved rgb: [UInt8], height: Int, width: Int) -> [UInt8] {
        let plane = height * width
        var out = [UInt8](repeating: 0, count: 3 * plane)
        for p in 0..<plane {
            out[p] = rgb[3 * p]
            out[plane + p] = rgb[3 * p + 1]
            out[2 * plane + p] = rgb[3 * p + 2]
        }
        return out
    }
}
