import Foundation

/// A built-in dataset of procedurally drawn 32×32 colour images in 10 classes: shapes, stripes and
/// colour blobs on random backgrounds, with position and size jitter and pixel noise.
///
/// Every image is a pure function of (seed, split, index), so sets of any size are reproducible and
/// are drawn on all cores. Labels cycle `0, 1, …, 9`. A small CNN learns it well above chance in one
/// short epoch; it is the workbench's data when no CIFAR-10 is found, and the tests' data.
public enum Synthetic {
    /// The class names, in label order.
    public static let classNames = ["disk", "square", "triangle", "ring", "cross",
                                    "stripes-h", "stripes-v", "stripes-d", "checker", "blobs"]
    /// Image side in pixels.
    public static let size = 32

    /// `count` training and `count / 5` test images drawn from `seed`.
    public static func make(count: Int, seed: UInt64) -> DataSplits {
        let train = makeSet(count: max(0, count), seed: mix(seed, 0x5452_4149_4E, 0))
        let test = makeSet(count: max(0, count) / 5, seed: mix(seed, 0x5445_5354, 0))
        return DataSplits(train: train, test: test,
                          source: "synthetic shapes (\(train.count) train, \(test.count) test, seed \(seed))")
    }

    /// `count` images with labels `i % 10`, image `i` drawn from `mix(seed, i)`.
    public static func makeSet(count: Int, seed: UInt64) -> ImageSet {
        let bytesPerImage = 3 * size * size
        var images = [UInt8](repeating: 0, count: count * bytesPerImage)
        images.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer.baseAddress!
            Parallel.forChunks(count, minimumChunk: 64) { range in
                for i in range {
                    var generator = SeededGenerator(seed: mix(seed, UInt64(i), 0x494D47))
                    draw(label: i % classNames.count, using: &generator, into: out + i * bytesPerImage)
                }
            }
        }
        return ImageSet(images: images, labels: (0..<count).map { $0 % classNames.count },
                        height: size, width: size, classNames: classNames)
    }

    /// Draws one image of class `label` as CHW bytes.
    static func draw(label: Int, using g: inout SeededGenerator, into out: UnsafeMutablePointer<UInt8>) {
        let n = size, plane = n * n
        let background = randomColour(&g)
        var foreground = randomColour(&g)
        for _ in 0..<8 where distance(background, foreground) < 0.5 { foreground = randomColour(&g) }
        if distance(background, foreground) < 0.5 { foreground = background.map { 1 - $0 } }
        let mask = shapeMask(label: label, using: &g)
        var canvas = [Float](repeating: 0, count: 3 * plane)
        for p in 0..<plane {
            for c in 0..<3 { canvas[c * plane + p] = background[c] + mask[p] * (foreground[c] - background[c]) }
        }
        if label == 9 { addBlobs(&canvas, using: &g) }
        let noise = g.nextUniform(0.02, 0.08)
        for i in 0..<3 * plane {
            let v = canvas[i] + noise * g.nextNormal()
            out[i] = UInt8(max(0, min(255, (v * 255).rounded())))
        }
    }

    /// Coverage in `[0, 1]` of the class's shape at each pixel (`size × size`, row-major).
    static func shapeMask(label: Int, using g: inout SeededGenerator) -> [Float] {
        let n = size
        let cx = g.nextUniform(11, 21), cy = g.nextUniform(11, 21), r = g.nextUniform(6, 10.5)
        let period = g.nextUniform(4, 8), phase = g.nextUniform(0, 8), cell = Float(3 + g.nextInt(4))
        var mask = [Float](repeating: 0, count: n * n)
        for y in 0..<n {
            for x in 0..<n {
                let fx = Float(x) + 0.5 - cx, fy = Float(y) + 0.5 - cy
                let d = (fx * fx + fy * fy).squareRoot()
                let inside: Bool
                switch label {
                case 0: inside = d <= r
                case 1: inside = abs(fx) <= r * 0.8 && abs(fy) <= r * 0.8
                case 2: inside = fy >= -r && fy <= r && abs(fx) <= (fy + r) * 0.55
                case 3: inside = d <= r && d >= r - 2.5
                case 4: inside = (abs(fx) <= 1.6 && abs(fy) <= r) || (abs(fy) <= 1.6 && abs(fx) <= r)
                case 5: inside = stripe(Float(y) + phase, period)
                case 6: inside = stripe(Float(x) + phase, period)
                case 7: inside = stripe((Float(x) + Float(y)) * 0.7071 + phase, period)
                case 8: inside = (Int((Float(x) + phase) / cell) + Int((Float(y) + phase) / cell)) % 2 == 0
                default: inside = false
                }
                mask[y * n + x] = inside ? 1 : 0
            }
        }
        return mask
    }

    /// Adds 3–5 soft Gaussian blobs of random colours.
    static func addBlobs(_ canvas: inout [Float], using g: inout SeededGenerator) {
        let n = size, plane = n * n
        for _ in 0..<(3 + g.nextInt(3)) {
            let colour = randomColour(&g)
            let bx = g.nextUniform(4, 28), by = g.nextUniform(4, 28), sigma = g.nextUniform(2, 4)
            for y in 0..<n {
                for x in 0..<n {
                    let dx = Float(x) - bx, dy = Float(y) - by
                    let a = expf(-(dx * dx + dy * dy) / (2 * sigma * sigma))
                    for c in 0..<3 {
                        let i = c * plane + y * n + x
                        canvas[i] += a * (colour[c] - canvas[i])
                    }
                }
            }
        }
    }

    private static func stripe(_ t: Float, _ period: Float) -> Bool {
        let u = t / period
        return u - u.rounded(.down) < 0.5
    }

    private static func randomColour(_ g: inout SeededGenerator) -> [Float] {
        [g.nextUnit(), g.nextUnit(), g.nextUnit()]
    }

    private static func distance(_ a: [Float], _ b: [Float]) -> Float {
        ((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2])).squareRoot()
    }
}
