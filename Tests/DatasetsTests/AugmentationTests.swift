import Testing
@testable import Datasets

@Suite struct AugmentationTests {
    /// A 3×6×5 image whose byte at (c, y, x) is c·64 + y·8 + x, so every pixel names its source.
    let height = 6, width = 5
    var image: [UInt8] {
        var bytes = [UInt8]()
        for c in 0..<3 { for y in 0..<height { for x in 0..<width { bytes.append(UInt8(c * 64 + y * 8 + x)) } } }
        return bytes
    }

    func value(_ out: [Float], c: Int, y: Int, x: Int) -> Int {
        Int((out[(c * height + y) * width + x] * 255).rounded())
    }

    @Test func specParsingAndDidYouMean() throws {
        #expect(try Augmentation(spec: "crop,flip,cutout") == .standard)
        #expect(try Augmentation(spec: "none") == .none)
        #expect(try Augmentation(spec: "flip").spec == "flip")
        #expect(try Augmentation(spec: "cutout+crop").spec == "crop,cutout")
        #expect { try Augmentation(spec: "crop,flp") } throws: {
            ($0 as? DatasetError)?.message.contains("did you mean 'flip'") == true
        }
        #expect(throws: DatasetError.self) { try Augmentation(spec: "rotate90") }
    }

    @Test func identityDrawReproducesTheImage() {
        let aug = Augmentation.standard
        let draw = AugmentationDraw(cropY: aug.padding, cropX: aug.padding, flip: false, hole: nil)
        let out = aug.apply(draw, image: image, height: height, width: width, normalization: .unit)
        #expect(out.map { Int(($0 * 255).rounded()) } == image.map(Int.init))
    }

    @Test func cropOffsetMovesPixelsWithReflect101Borders() {
        let aug = Augmentation(crop: true)
        // cropY = padding + 2: output row y reads source row y + 2; rows past the end reflect (5 → 4+... 101).
        let draw = AugmentationDraw(cropY: 6, cropX: 1, flip: false, hole: nil)
        let out = aug.apply(draw, image: image, height: height, width: width, normalization: .unit)
        // Shift (dy, dx) = (+2, −3). (y=0, x=3) reads (2, 0).
        #expect(value(out, c: 1, y: 0, x: 3) == 64 + 2 * 8 + 0)
        // (y=0, x=0) reads (2, −3) → reflect101(−3) = 3.
        #expect(value(out, c: 0, y: 0, x: 0) == 2 * 8 + 3)
        // (y=4, x=4) reads (6, 1) → reflect101(6, n=6) = 4.
        #expect(value(out, c: 2, y: 4, x: 4) == 128 + 4 * 8 + 1)
        // (y=5, x=2) reads (7, −1) → (3, 1).
        #expect(value(out, c: 0, y: 5, x: 2) == 3 * 8 + 1)
    }

    @Test func flipTwiceIsTheIdentityAndFlipMirrors() {
        let aug = Augmentation(flip: true)
        let flip = AugmentationDraw(cropY: 4, cropX: 4, flip: true, hole: nil)
        let once = aug.apply(flip, image: image, height: height, width: width, normalization: .unit)
        #expect(value(once, c: 0, y: 2, x: 0) == 2 * 8 + 4)
        let onceBytes = once.map { UInt8(($0 * 255).rounded()) }
        #expect(onceBytes != image)
        let twice = aug.apply(flip, image: onceBytes, height: height, width: width, normalization: .unit)
        #expect(twice.map { UInt8(($0 * 255).rounded()) } == image)
    }

    @Test func cutoutZeroesOneHoleAfterNormalisation() {
        var aug = Augmentation(cutout: true)
        aug.cutoutSize = 2
        let draw = AugmentationDraw(cropY: 4, cropX: 4, flip: false, hole: (y: 1, x: 3))
        let norm = Normalization.cifar10
        let out = aug.apply(draw, image: image, height: height, width: width, normalization: norm)
        let plain = Augmentation.none.apply(draw, image: image, height: height, width: width, normalization: norm)
        for c in 0..<3 {
            for y in 0..<height {
                for x in 0..<width {
                    let i = (c * height + y) * width + x
                    let inHole = (1...2).contains(y) && (3...4).contains(x)
                    #expect(out[i] == (inHole ? 0 : plain[i]))
                }
            }
        }
    }

    @Test func drawsStayInRangeAndFollowTheProbabilities() {
        var generator = SeededGenerator(seed: 42)
        var flips = 0, holes = 0
        let n = 4000
        for _ in 0..<n {
            let d = Augmentation.standard.draw(using: &generator, height: 32, width: 32)
            #expect((0...8).contains(d.cropY) && (0...8).contains(d.cropX))
            if d.flip { flips += 1 }
            if let hole = d.hole { holes += 1; #expect((0...24).contains(hole.y) && (0...24).contains(hole.x)) }
        }
        #expect(abs(Double(flips) / Double(n) - 0.5) < 0.05)
        #expect(abs(Double(holes) / Double(n) - 0.5) < 0.05)
    }

    @Test func normalisationUsesCIFARStatisticsOrTheSetsOwn() {
        let table = Normalization.cifar10.lookupTable
        #expect(abs(table[0] - (0 - 0.4914) / 0.2470) < 1e-6)
        #expect(abs(table[2 * 256 + 255] - (1 - 0.4465) / 0.2616) < 1e-6)
        let set = ImageSet(images: [0, 0, 0, 0, 255, 255, 255, 255, 10, 10, 10, 10], labels: [0], height: 2, width: 2,
                           classNames: ["a"])
        let stats = Normalization.computed(from: set)
        #expect(stats.mean == [0, 1, Float(10.0 / 255)])
        #expect(stats.std.allSatisfy { $0 <= 1e-5 })
        let mixed = ImageSet(images: [0, 255, 0, 255] + [UInt8](repeating: 7, count: 8),
                             labels: [0], height: 2, width: 2, classNames: ["a"])
        let s2 = Normalization.computed(from: mixed)
        #expect(abs(s2.mean[0] - 0.5) < 1e-6 && abs(s2.std[0] - 0.5) < 1e-6)
    }
}
