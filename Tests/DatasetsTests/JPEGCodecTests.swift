import Foundation
import Testing
@testable import Datasets

@Suite struct JPEGCodecTests {
    @Test func encodeThenDecodeIsClose() throws {
        var rgb = [UInt8](repeating: 0, count: 32 * 32 * 3)
        for y in 0..<32 {
            for x in 0..<32 {
                for c in 0..<3 { rgb[(y * 32 + x) * 3 + c] = UInt8(40 + 3 * x + 2 * y + 20 * c) }
            }
        }
        let jpeg = try JPEGCodec.encode(rgb: rgb, width: 32, height: 32, quality: 95)
        #expect(try JPEGCodec.size(of: jpeg, name: "a.jpg") == (32, 32))
        let decoded = try JPEGCodec.decode(jpeg, name: "a.jpg")
        #expect(decoded.width == 32 && decoded.height == 32)
        let worst = zip(decoded.rgb, rgb).map { abs(Int($0) - Int($1)) }.max()!
        #expect(worst < 40, "JPEG at quality 95 should stay near the original, worst |diff| \(worst)")
        let mean = Double(zip(decoded.rgb, rgb).map { abs(Int($0) - Int($1)) }.reduce(0, +)) / Double(rgb.count)
        #expect(mean < 4)
        // Decoding is deterministic.
        #expect(try JPEGCodec.decode(jpeg, name: "a.jpg").rgb == decoded.rgb)
    }

    @Test func corruptTruncatedEmptyAndWrongSizedJPEGsAreErrors() throws {
        let jpeg = try JPEGCodec.encode(rgb: testPattern(seed: 2), width: 32, height: 32)
        let cases: [(String, [UInt8])] = [
            ("empty.jpg", []),
            ("garbage.jpg", Array(repeating: 0x12, count: 200)),
            ("header-only.jpg", Array(jpeg.prefix(20))),
            ("truncated.jpg", Array(jpeg.prefix(jpeg.count - 200))),
        ]
        for (name, bytes) in cases {
            #expect(throws: DatasetError.self, "\(name)") {
                try JPEGCodec.decode(bytes, name: name, expectedWidth: 32, expectedHeight: 32)
            }
            do {
                _ = try JPEGCodec.decode(bytes, name: name, expectedWidth: 32, expectedHeight: 32)
            } catch let error as DatasetError {
                #expect(error.message.hasPrefix(name + ": "))
                #expect(!error.message.contains("\n"))
            }
        }
        #expect { try JPEGCodec.decode(jpeg, name: "b.jpg", expectedWidth: 16, expectedHeight: 16) } throws: {
            ($0 as? DatasetError)?.message == "b.jpg: cannot decode JPEG: image is 32x32, expected 16x16"
        }
    }

    @Test func hugeDeclaredSizeIsRefusedBeforeDecoding() throws {
        var jpeg = try JPEGCodec.encode(rgb: testPattern(seed: 4), width: 32, height: 32)
        // Patch the SOF0 frame header (FF C0, length, precision, height, width) to claim 65000×65000.
        let sof = try #require((0..<jpeg.count - 1).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg.replaceSubrange(sof + 5..<sof + 9, with: [0xFD, 0xE8, 0xFD, 0xE8])
        #expect(try JPEGCodec.size(of: jpeg, name: "h.jpg") == (65000, 65000))
        #expect { try JPEGCodec.decode(jpeg, name: "h.jpg") } throws: {
            ($0 as? DatasetError)?.message.contains("65000×65000 pixels, more than") == true
        }
        #expect { try JPEGCodec.decode(jpeg, name: "h.jpg", expectedWidth: 32, expectedHeight: 32) } throws: {
            ($0 as? DatasetError)?.message.contains("image is 65000x65000, expected 32x32") == true
        }
    }

    @Test func grayscaleJPEGsConvertToRGB() throws {
        // Encode an image whose three channels are equal, then check decoding yields equal channels.
        var gray = [UInt8](repeating: 0, count: 32 * 32 * 3)
        for p in 0..<1024 { let v = UInt8((p * 7) & 255); gray[3 * p] = v; gray[3 * p + 1] = v; gray[3 * p + 2] = v }
        let jpeg = try JPEGCodec.encode(rgb: gray, width: 32, height: 32)
        let decoded = try JPEGCodec.decode(jpeg, name: "g.jpg").rgb
        #expect(decoded.count == 32 * 32 * 3)
    }
}
