import Foundation
@testable import Datasets

/// A fresh folder under the system temp directory, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "ultimus-datasets-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    func file(_ relative: String) -> String { (path as NSString).appendingPathComponent(relative) }

    /// Creates the parent folders of `relative` and writes `bytes` there.
    @discardableResult
    func write(_ bytes: [UInt8], to relative: String) throws -> String {
        let full = file(relative)
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        return full
    }
}

/// A deterministic test image: interleaved RGB with a gradient and a seed-dependent offset.
func testPattern(width: Int = 32, height: Int = 32, seed: Int) -> [UInt8] {
    var rgb = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
        for x in 0..<width {
            rgb[(y * width + x) * 3] = UInt8((x * 8 + seed * 13) & 255)
            rgb[(y * width + x) * 3 + 1] = UInt8((y * 8 + seed * 29) & 255)
            rgb[(y * width + x) * 3 + 2] = UInt8(((x + y) * 4 + seed * 7) & 255)
        }
    }
    return rgb
}

/// Writes `root/<split>/<class>/NNNN.png` for a small set: `perClass` images of each class.
func makePNGFolder(_ folder: TemporaryFolder, root: String = "set", classes: [String] = ["cat", "dog", "emu"],
                   perClass: [String: Int] = ["train": 3, "test": 2]) throws {
    for (split, n) in perClass {
        for (c, name) in classes.enumerated() {
            for i in 0..<n {
                let path = folder.file("\(root)/\(split)/\(name)/\(String(format: "%04d", i)).png")
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try PNGCodec.write(rgb: testPattern(seed: c * 10 + i + (split == "test" ? 100 : 0)),
                                   width: 32, height: 32, to: path)
            }
        }
    }
}
