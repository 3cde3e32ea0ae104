import Foundation
import Testing
@testable import Datasets

@Suite struct ImageFolderTests {
    @Test func readsPNGAndJPEGFoldersWithSortedClasses() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        try makePNGFolder(folder)
        // Add a JPEG and an ignored non-image file to one class.
        let jpeg = try JPEGCodec.encode(rgb: testPattern(seed: 77), width: 32, height: 32)
        try folder.write(jpeg, to: "set/train/dog/0100.jpg")
        try folder.write(Array("notes".utf8), to: "set/train/dog/README.txt")
        var last = (0, 0)
        let train = try ImageFolder.load(root: folder.file("set"), split: "train") { last = ($0, $1) }
        #expect(train.classNames == ["cat", "dog", "emu"])
        #expect(train.count == 10 && last == (10, 10))
        #expect(train.labels == [0, 0, 0, 1, 1, 1, 1, 2, 2, 2])
        // PNG pixels are exact; the JPEG equals libjpeg's decode of the same bytes.
        #expect(train.rgbInterleaved(at: 4) == testPattern(seed: 11))
        #expect(train.rgbInterleaved(at: 6) == (try JPEGCodec.decode(jpeg, name: "j").rgb))
        #expect(train.image(at: 0) == ImageSet.planar(fromInterleaved: testPattern(seed: 0), height: 32, width: 32))
    }

    @Test func imageExtensionsAreMatchedAsPathExtensions() {
        for name in ["a.jpg", "b.JPEG", "c.Png", "d.tar.jpg"] {
            #expect(ImageFolder.hasImageExtension(name), "\(name)")
        }
        for name in ["jpg", "e.jpg.txt", "f.", "g.pngx", "h"] {
            #expect(!ImageFolder.hasImageExtension(name), "\(name)")
        }
    }

    @Test func listingHasEveryFileWithItsSizeInClassOrder() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        try makePNGFolder(folder)
        let listing = try ImageFolder.listing(folder: folder.file("set/train"))
        #expect(listing.classNames == ["cat", "dog", "emu"])
        #expect(listing.files.count == 9 && listing.labels == listing.files.map {
            listing.classNames.firstIndex(of: String($0.split(separator: "/")[0]))!
        })
        #expect(listing.files == listing.files.sorted())
        for (file, size) in zip(listing.files, listing.sizes) {
            let attributes = try FileManager.default.attributesOfItem(atPath: folder.file("set/train/" + file))
            #expect((attributes[.size] as? Int) == size, "\(file)")
        }
    }

    @Test func badImagesAreErrorsNamingTheFile() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        try makePNGFolder(folder)
        let cases: [(String, [UInt8], String)] = [
            ("set/train/cat/0001.png", [], "empty file"),
            ("set/train/cat/0001.png", Array(repeating: 0x55, count: 64), "PNG"),
            ("set/train/cat/0001.jpg",
             Array(try JPEGCodec.encode(rgb: testPattern(seed: 1), width: 32, height: 32).prefix(300)), "JPEG"),
            ("set/train/cat/0001.jpg",
             try JPEGCodec.encode(rgb: testPattern(width: 8, height: 4, seed: 1), width: 8, height: 4),
             "8x4, expected 32x32"),
        ]
        for (relative, bytes, text) in cases {
            try? FileManager.default.removeItem(atPath: folder.file("set/train/cat/0001.png"))
            try? FileManager.default.removeItem(atPath: folder.file("set/train/cat/0001.jpg"))
            let path = try folder.write(bytes, to: relative)
            #expect { try ImageFolder.load(root: folder.file("set"), split: "train") } throws: { error in
                let message = (error as? DatasetError)?.message ?? "\(error)"
                return message.hasPrefix(path) && message.contains(text) && !message.contains("\n")
            }
        }
        try PNGCodec.write(rgb: testPattern(width: 16, height: 16, seed: 0), width: 16, height: 16,
                           to: folder.file("set/train/cat/0001.png"))
        try? FileManager.default.removeItem(atPath: folder.file("set/train/cat/0001.jpg"))
        #expect { try ImageFolder.load(root: folder.file("set"), split: "train") } throws: {
            ($0 as? DatasetError)?.message.contains("0001.png: image is 16×16, expected 32×32") == true
        }
    }

    @Test func aFIFOInPlaceOfAnImageIsAnErrorNotAHang() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        try makePNGFolder(folder)
        #expect(mkfifo(folder.file("set/test/dog/0005.png"), 0o644) == 0)
        #expect { try ImageFolder.load(root: folder.file("set"), split: "test") } throws: {
            ($0 as? DatasetError)?.message.contains("0005.png: not a regular file") == true
        }
    }

    @Test func grayscalePNGConverts() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        try makePNGFolder(folder)
        // A minimal 32×32 8-bit grayscale PNG written through Python-free means: libpng's simplified API
        // writes RGB only, so write gray as RGB with equal channels and check the equal channels survive.
        var gray = [UInt8](repeating: 0, count: 3072)
        for p in 0..<1024 {
            gray[3 * p] = UInt8(p & 255)
            gray[3 * p + 1] = UInt8(p & 255)
            gray[3 * p + 2] = UInt8(p & 255)
        }
        try PNGCodec.write(rgb: gray, width: 32, height: 32, to: folder.file("set/test/cat/0000.png"))
        let test = try ImageFolder.load(root: folder.file("set"), split: "test")
        let image = test.image(at: 0)
        #expect(Array(image[0..<1024]) == Array(image[1024..<2048]))
    }

    @Test func emptyClassesAndMismatchedSplitsAreErrors() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        try makePNGFolder(folder)
        try FileManager.default.createDirectory(atPath: folder.file("set/test/fox"), withIntermediateDirectories: true)
        #expect { try ImageFolder.load(root: folder.file("set"), split: "test") } throws: {
            ($0 as? DatasetError)?.message.contains("fox: holds no .jpg or .png images") == true
        }
        try PNGCodec.write(rgb: testPattern(seed: 0), width: 32, height: 32, to: folder.file("set/test/fox/a.png"))
        #expect { try ImageFolder.loadSplits(root: folder.file("set"), cache: nil) } throws: {
            ($0 as? DatasetError)?.message.contains("different class folders") == true
        }
    }
}
