/// Per-channel normalisation of 8-bit images: `x = (byte / 255 − mean[c]) / std[c]`, as torchvision's
/// `ToTensor` + `Normalize` (and albumentations' `Normalize`) compute it.
public struct Normalization: Codable, Equatable, Sendable {
    /// Channel means in `[0, 1]` units, R, G, B.
    public var mean: [Float]
    /// Channel standard deviations in `[0, 1]` units, R, G, B.
    public var std: [Float]

    public init(mean: [Float], std: [Float]) {
        self.mean = mean
        self.std = std
    }

    /// CIFAR-10's training-set statistics: mean (0.4914, 0.4822, 0.4465), std (0.2470, 0.2435, 0.2616).
    public static let cifar10 = Normalization(mean: [0.4914, 0.4822, 0.4465], std: [0.2470, 0.2435, 0.2616])
    /// Only scales to `[0, 1]`: mean 0, std 1.
    public static let unit = Normalization(mean: [0, 0, 0], std: [1, 1, 1])

    /// Statistics of `set` itself: per-channel mean and population standard deviation over all pixels.
    public static func computed(from set: ImageSet) -> Normalization {
        let plane = set.height * set.width
        var sums = [Double](repeating: 0, count: 3), squares = [Double](repeating: 0, count: 3)
        set.images.withUnsafeBufferPointer { bytes in
            for image in 0..<set.count {
                for c in 0..<3 {
                    var s = 0, q = 0
                    let base = image * 3 * plane + c * plane
                    for p in 0..<plane { let v = Int(bytes[base + p]); s += v; q += v * v }
                    sums[c] += Double(s)
                    squares[c] += Double(q)
                }
            }
        }
        let n = Double(max(1, set.count * plane))
        let mean = sums.map { $0 / n / 255 }
        let std = (0..<3).map { c in max(1e-6, (squares[c] / n / 65025 - mean[c] * mean[c]).squareRoot()) }
        return Normalization(mean: mean.map { Float($0) }, std: std.map { Float($0) })
    }

    /// The normalised value of every byte value, per channel: `table[c * 256 + byte]`.
    public var lookupTable: [Float] {
        var table = [Float](repeating: 0, count: 3 * 256)
        for c in 0..<3 {
            for v in 0..<256 { table[c * 256 + v] = (Float(v) / 255 - mean[c]) / std[c] }
        }
        return table
    }
}
