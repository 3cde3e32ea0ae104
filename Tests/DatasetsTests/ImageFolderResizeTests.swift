import Foundation
import Testing
@testable import Datasets

@Suite struct ImageFolderResizeTests {
    /// A gray image: every channel of pixel (x, y) is `value(x, y)`.
    static func gray(width: Int, height: Int, _ value: (Int, Int) -> UInt8) -> [UInt8] {
        (0..<height).flatMap { y in (0..<width).flatMap { x in [UInt8](repeating: value(x, y), count: 3) } }
    }

    @Test func shrinkingACheckerboardAveragesItsArea() {
        let board = Self.gray(width: 64, height: 64) { x, y in (x + y) % 2 == 0 ? 255 : 0 }
        let out = ImageResize.resize(board, width: 64, height: 64, to: 32, 32)
        #expect(out.count == 32 * 32 * 3 && out.allSatisfy { $0 == 128 })  // 127.5 rounds up
    }

    @Test func growingA2x2IsBilinearWithHalfPixelCentres() {
        let corners: [UInt8] = [0, 100, 200, 60]
        let out = ImageResize.resize(Self.gray(width: 2, height: 2) { x, y in corners[y * 2 + x] }, width: 2, height: 2,
                                     to: 4, 4)
        let red = stride(from: 0, to: out.count, by: 3).map { out[$0] }
        // Source x for destination 0...3 is -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
        #expect(Array(red[0..<4]) == [0, 25, 75, 100])
        #expect(Array(red[12..<16]) == [200, 165, 95, 60])
        #expect(red[5] == 60)  // (0·.75 + 100·.25)·.75 + (200·.75 + 60·.25)·.25
    }

    @Test func cropTakesTheCentreSquareAndSquashDoesNot() {
        // 64×32: red for x < 16, green for 16 ≤ x < 48, blue for x ≥ 48.
        let wide = (0..<32).flatMap { _ in (0..<64).flatMap { x -> [UInt8] in
            x < 16 ? [255, 0, 0] : x < 48 ? [0, 255, 0] : [0, 0, 255]
        } }
        let crop = ImageFolder.fitted(wide, width: 64, height: 32, to: 16, 16, fit: .crop)
        #expect(crop == (0..<256).flatMap { _ in [UInt8]([0, 255, 0]) })
        let squash = ImageFolder.fitted(wide, width: 64, height: 32, to: 16, 16, fit: .squash)
        let row = (0..<16).flatMap { x -> [UInt8] in x < 4 ? [255, 0, 0] : x < 12 ? [0, 255, 0] : [0, 0, 255] }
        #expect(squash == (0..<16).flatMap { _ in row })
    }

    /// 6×4 grayscale PNG of value 90 and 4×6 RGBA PNG of (200, 100, 50, 255), as Pillow writes them.
    static let grayPNG: [UInt8] = [
        137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 6, 0, 0, 0, 4, 8, 0, 0, 0, 0, 136, 111,
        17, 159, 0, 0, 0, 19, 73, 68, 65, 84, 120, 156, 99, 140, 98, 96, 96, 96, 96, 96, 98, 192, 66, 1, 0, 10, 10, 0,
        98, 172, 195, 36, 177, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
    ]
    static let rgbaPNG: [UInt8] = [
        137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 4, 0, 0, 0, 6, 8, 6, 0, 0, 0,
        228, 57, 63, 117, 0, 0, 0, 22, 73, 68, 65, 84, 120, 156, 99, 60, 145, 98, 244, 159, 1, 9, 48, 49, 160,
        1, 106, 8, 0, 0, 237, 182, 2, 105, 122, 190, 237, 103, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
    ]

    /// `set/{train,test}/{a,b}/`: a 48×40 PNG, a 20×20 JPEG and a 32×32 PNG per training class.
    static func mixedFolder(_ folder: TemporaryFolder) throws {
        for (split, label) in [("train", "a"), ("train", "b"), ("test", "a"), ("test", "b")] {
            let seed = label == "a" ? 1 : 2
            try FileManager.default.createDirectory(atPath: folder.file("set/\(split)/\(label)"),
                                                    withIntermediateDirectories: true)
            try PNGCodec.write(rgb: testPattern(width: 48, height: 40, seed: seed), width: 48, height: 40,
                               to: folder.file("set/\(split)/\(label)/0.png"))
            try folder.write(try JPEGCodec.encode(rgb: testPattern(width: 20, height: 20, seed: seed), width: 20,
                                                  height: 20),
                             to: "set/\(split)/\(label)/1.jpg")
            try PNGCodec.write(rgb: testPattern(seed: seed), width: 32, height: 32,
                               to: folder.file("set/\(split)/\(label)/2.png"))
        }
    }

    @Test func grayscaleAndRGBAFilesOfAnySizeBecomeRGB() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        try folder.write(Self.grayPNG, to: "set/train/g/0.png")
        try folder.write(Self.rgbaPNG, to: "set/train/r/0.png")
        let listing = try ImageFolder.listing(folder: folder.file("set/train"))
        let (set, report) = try ImageFolder.decode(listing, folder: folder.file("set/train"), height: 8, width: 8,
                                                   resizing: .init())
        #expect(report.resized == 2 && report.skipped.isEmpty)
        #expect(set.rgbInterleaved(at: 0) == [UInt8](repeating: 90, count: 8 * 8 * 3))
        #expect(set.rgbInterleaved(at: 1) == (0..<64).flatMap { _ in [UInt8]([200, 100, 50]) })
    }

    @Test func mixedSizesAreResizedAndCounted() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        try Self.mixedFolder(folder)
        let splits = try ImageFolder.loadSplits(root: folder.file("set"), cache: nil, resizing: .init(fit: .crop))
        #expect(splits.train.count == 6 && splits.train.height == 32 && splits.test.count == 6)
        #expect(splits.source.contains("image folder") && !splits.source.contains("CIFAR-10"))
        #expect(splits.source.contains("8 files resized to 32×32 (crop)"), "\(splits.source)")
        #expect(splits.train.rgbInterleaved(at: 2) == testPattern(seed: 1))  // 32×32 untouched
    }

    @Test func anUnreadableFileIsAnErrorNamingItUnlessNotStrict() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        try Self.mixedFolder(folder)
        let bad = try folder.write(Array(repeating: 0x55, count: 40), to: "set/train/b/3.png")
        #expect { try ImageFolder.loadSplits(root: folder.file("set"), cache: nil, resizing: .init()) } throws: {
            (($0 as? DatasetError)?.message ?? "").hasPrefix(bad)
        }
        let splits = try ImageFolder.loadSplits(root: folder.file("set"), cache: nil, resizing: .init(strict: false))
        #expect(splits.train.count == 6 && splits.train.labels == [0, 0, 0, 1, 1, 1])
        #expect(splits.source.contains("1 unreadable file skipped: \(bad)"), "\(splits.source)")
    }

    @Test func theCacheKeyCoversSizeAndFit() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        try Self.mixedFolder(folder)
        let cache = DecodedCache(folder: folder.file("cache"))
        let listing = try ImageFolder.listing(folder: folder.file("set/train"))
        func key(_ size: Int, _ fit: ImageFolder.Fit?) -> String {
            cache.path(for: listing, folder: folder.file("set/train"), split: "train", height: size, width: size,
                       resizing: fit.map { ImageFolder.Resizing(fit: $0) })
        }
        let keys = [key(32, .squash), key(32, .crop), key(48, .squash), key(32, nil)]
        #expect(Set(keys).count == 4)
        let first = try ImageFolder.loadSplits(root: folder.file("set"), cache: cache, height: 24, width: 24,
                                               resizing: .init(fit: .crop))
        let again = try ImageFolder.loadSplits(root: folder.file("set"), cache: cache, height: 24, width: 24,
                                               resizing: .init(fit: .crop))
        #expect(again.source.contains("both splits from the cache") && again.train.images == first.train.images)
        // The cached load reports the files resized as the cold load did.
        let count = { (source: String) in source.components(separatedBy: ", ").first { $0.contains("resized to") } }
        #expect(count(first.source) == "12 files resized to 24×24 (crop)", "\(first.source)")
        #expect(count(again.source) == count(first.source), "\(again.source)")
        let squashed = try ImageFolder.loadSplits(root: folder.file("set"), cache: cache, height: 24, width: 24,
                                                  resizing: .init(fit: .squash))
        #expect(!squashed.source.contains("from the cache") && squashed.train.images != first.train.images)
    }
}
