import Foundation
import Testing
@testable import Datasets

@Suite struct DecodedCacheTests {
    @Test func firstLoadWritesTheCacheAndLaterLoadsReadIt() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        try makePNGFolder(folder)
        let cache = DecodedCache(folder: folder.file("cache"))
        let first = try ImageFolder.loadSplits(root: folder.file("set"), cache: cache)
        let files = try FileManager.default.contentsOfDirectory(atPath: cache.folder)
        #expect(files.count == 2 && files.allSatisfy { $0.hasPrefix("images-") && $0.hasSuffix(".bin") })
        // Prove the second load reads the cache: make every source image unreadable without changing
        // names or sizes... instead, overwrite a cache file's pixels and see them come back.
        let listing = try ImageFolder.listing(folder: folder.file("set/train"))
        let trainCache = cache.path(for: listing, folder: folder.file("set/train"), split: "train", height: 32,
                                    width: 32)
        var marked = first.train
        marked.images[0] = marked.images[0] &+ 1
        try cache.store(marked, path: trainCache)
        let second = try ImageFolder.loadSplits(root: folder.file("set"), cache: cache)
        #expect(second.train == marked && second.test == first.test)
    }

    @Test func changingAFileChangesTheKeyAndDamagedCachesAreIgnored() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        try makePNGFolder(folder)
        let cache = DecodedCache(folder: folder.file("cache"))
        let listing = try ImageFolder.listing(folder: folder.file("set/train"))
        let key = cache.path(for: listing, folder: folder.file("set/train"), split: "train", height: 32, width: 32)
        #expect(cache.path(for: listing, folder: folder.file("set/train"), split: "test", height: 32, width: 32) != key)
        let first = try ImageFolder.loadSplits(root: folder.file("set"), cache: cache)
        try PNGCodec.write(rgb: testPattern(width: 32, height: 32, seed: 55), width: 32, height: 32,
                           to: folder.file("set/train/cat/0009.png"))
        let changed = try ImageFolder.listing(folder: folder.file("set/train"))
        #expect(cache.path(for: changed, folder: folder.file("set/train"), split: "train", height: 32, width: 32)
                != key)
        try FileManager.default.removeItem(atPath: folder.file("set/train/cat/0009.png"))
        // Damage the cache file: truncation, then garbage; both are ignored and the folder decodes again.
        let damages = [{ (b: [UInt8]) in Array(b.prefix(b.count - 10)) },
                       { (b: [UInt8]) in [UInt8](repeating: 7, count: b.count) }]
        for damage in damages {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: key)))
            try Data(damage(bytes)).write(to: URL(fileURLWithPath: key))
            let again = try ImageFolder.loadSplits(root: folder.file("set"), cache: cache)
            #expect(again.train == first.train)
        }
    }

    @Test func theKeyCoversTheFoldersRealPath() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        try makePNGFolder(folder)
        let cache = DecodedCache(folder: folder.file("cache"))
        let listing = try ImageFolder.listing(folder: folder.file("set/train"))
        let here = cache.path(for: listing, folder: folder.file("set/train"), split: "train", height: 32, width: 32)
        #expect(cache.path(for: listing, folder: folder.file("other/train"), split: "train", height: 32, width: 32)
                != here)
        try FileManager.default.createSymbolicLink(atPath: folder.file("link"), withDestinationPath: folder.file("set"))
        #expect(cache.path(for: listing, folder: folder.file("link/train"), split: "train", height: 32, width: 32)
                == here)
    }

    @Test func aCancelledLoadThrowsAndCachesNothing() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        try makePNGFolder(folder)
        let cache = DecodedCache(folder: folder.file("cache"))
        #expect { try ImageFolder.loadSplits(root: folder.file("set"), cache: cache, isCancelled: { true }) } throws: {
            ($0 as? DatasetError)?.message.contains("cancelled") == true
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: cache.folder)) ?? []
        #expect(left.isEmpty)
    }

    @Test func defaultFolderHonoursTheEnvironment() {
        #expect(DecodedCache.defaultFolder(environment: ["ULTIMUS_CACHE": "/x/y", "HOME": "/h"]) == "/x/y")
        #expect(DecodedCache.defaultFolder(environment: ["HOME": "/h"]) == "/h/.cache/ultimus")
    }
}
