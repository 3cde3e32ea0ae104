import Foundation
import Testing
@testable import Datasets

/// Tests against the real CIFAR-10 image folder; they run only when `ULTIMUS_DATA` points at it (CI does).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["ULTIMUS_DATA"] != nil), .timeLimit(.minutes(5)))
struct RealCIFAR10Tests {
    let root = ProcessInfo.processInfo.environment["ULTIMUS_DATA"] ?? ""

    @Test func listingHasTheTenClassesAndAllImages() throws {
        let shape = try #require(DataLocator.detect(at: root))
        guard case .imageFolder(let folder) = shape else { return }
        let train = try ImageFolder.listing(folder: (folder as NSString).appendingPathComponent("train"))
        let test = try ImageFolder.listing(folder: (folder as NSString).appendingPathComponent("test"))
        #expect(train.classNames == CIFAR10Binary.defaultClassNames)
        #expect(train.files.count == 50_000 && test.files.count == 10_000)
        #expect(Set(train.labels.map { $0 }).count == 10)
    }

    /// Pixels equal Pillow 13.0.0's decode (libjpeg-turbo defaults) of the same files.
    @Test(arguments: [
        ("train/airplane/0000.jpg", [200, 202, 197], [236, 236, 238], [85, 85, 87], 456_420),
        ("train/truck/0000.jpg", [169, 169, 179], [132, 127, 121], [200, 197, 188], 400_325),
        ("test/cat/0000.jpg", [167, 107, 47], [27, 79, 129], [166, 167, 149], 332_902),
    ])
    func pixelsMatchPillow(file: String, topLeft: [Int], bottomRight: [Int], at10_20: [Int], sum: Int) throws {
        guard case .imageFolder(let folder)? = DataLocator.detect(at: root) else { return }
        var rgb = [UInt8](repeating: 0, count: 3072)
        try ImageFolder.decodeFile(path: (folder as NSString).appendingPathComponent(file), height: 32, width: 32,
                                   into: &rgb)
        let pixel = { (y: Int, x: Int) in (0..<3).map { Int(rgb[(y * 32 + x) * 3 + $0]) } }
        #expect(pixel(0, 0) == topLeft && pixel(31, 31) == bottomRight && pixel(10, 20) == at10_20)
        #expect(rgb.reduce(0) { $0 + Int($1) } == sum)
    }

    /// The whole folder through the cache: a cold load writes one cache file per split holding exactly
    /// the decoded images, and the reload returns the same sets (times are printed, not asserted).
    @Test func fullLoadThroughTheCacheAndAFastReload() throws {
        let cacheFolder = NSTemporaryDirectory() + "ultimus-cache-test-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: cacheFolder) }
        let locator = DataLocator(environment: ["ULTIMUS_DATA": root, "ULTIMUS_CACHE": cacheFolder],
                                  currentDirectory: "/")
        var start = Date()
        let cold = try locator.load()
        let coldSeconds = Date().timeIntervalSince(start)
        #expect(cold.train.count == 50_000 && cold.test.count == 10_000)
        #expect(cold.train.classCounts == [Int](repeating: 5000, count: 10))
        let files = try FileManager.default.contentsOfDirectory(atPath: cacheFolder).filter { $0.hasSuffix(".bin") }
        let cache = DecodedCache(folder: cacheFolder)
        let cached = files.compactMap { file in
            [50_000, 10_000].lazy.compactMap {
                cache.load(path: (cacheFolder as NSString).appendingPathComponent(file), expectedCount: $0,
                           height: 32, width: 32)
            }.first
        }
        #expect(files.count == 2 && cached.count == 2)
        #expect(cached.contains(cold.train) && cached.contains(cold.test))
        start = Date()
        let warm = try locator.load()
        let warmSeconds = Date().timeIntervalSince(start)
        #expect(warm == cold)
        print("CIFAR-10 image folder: cold load \(coldSeconds) s, cached load \(warmSeconds) s")
    }
}
