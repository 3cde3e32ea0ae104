import Foundation
import Testing
@testable import Datasets

@Suite struct PNGCodecTests {
    @Test func writeThenReadIsLossless() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        let rgb = testPattern(width: 7, height: 5, seed: 3)
        let path = folder.file("a.png")
        try PNGCodec.write(rgb: rgb, width: 7, height: 5, to: path)
        let back = try PNGCodec.read(path: path)
        #expect(back.width == 7 && back.height == 5)
        #expect(back.rgb == rgb)
        // The write is atomic: no temporary file is left next to the result.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["a.png"])
    }

    @Test func corruptEmptyAndWrongSizedPNGsAreErrorsNamingTheFile() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        let good = folder.file("good.png")
        try PNGCodec.write(rgb: testPattern(seed: 1), width: 32, height: 32, to: good)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: good)))
        let truncated = try folder.write(Array(bytes.prefix(bytes.count / 2)), to: "truncated.png")
        let empty = try folder.write([], to: "empty.png")
        let garbage = try folder.write(Array(repeating: 0x41, count: 100), to: "garbage.png")
        for path in [truncated, empty, garbage] {
            #expect { try PNGCodec.read(path: path) } throws: { ($0 as? DatasetError)?.message.hasPrefix(path) == true }
        }
        #expect { try PNGCodec.decode(bytes, name: "x.png", expectedWidth: 16, expectedHeight: 16) } throws: {
            ($0 as? DatasetError)?.message == "x.png: image is 32×32, expected 16×16"
        }
        #expect(throws: DatasetError.self) { try PNGCodec.decode(bytes, name: "x.png", maxPixels: 100) }
    }

    @Test func hugeDeclaredSizeIsRefusedBeforeAllocating() throws {
        // A valid PNG header claiming 60000×60000 pixels, with no image data behind it.
        var header: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]
        let ihdr: [UInt8] = [0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60, 8, 2, 0, 0, 0]
        header += ihdr
        header += crc32(Array([0x49, 0x48, 0x44, 0x52] + ihdr)).bigEndianBytes
        header += [0, 0, 0, 0, 0x49, 0x44, 0x41, 0x54] + crc32([0x49, 0x44, 0x41, 0x54]).bigEndianBytes
        header += [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44] + crc32([0x49, 0x45, 0x4E, 0x44]).bigEndianBytes
        #expect { try PNGCodec.decode(header, name: "huge.png") } throws: {
            ($0 as? DatasetError)?.message.contains("60000×60000") == true
        }
    }
}

private func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for b in bytes {
        crc ^= UInt32(b)
        for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0xEDB8_8320 : 0) }
    }
    return ~crc
}

private extension UInt32 {
    var bigEndianBytes: [UInt8] {
        [UInt8(self >> 24), UInt8((self >> 16) & 255), UInt8((self >> 8) & 255), UInt8(self & 255)]
    }
}
