import Foundation
import Testing
@testable import Datasets

@Suite struct DataLocatorTests {
    @Test func detectsBothShapesAndTheirParents() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        let binary = try makeBinaryFolder(folder, name: "dl/cifar-10-batches-bin", perFile: 1)
        try makePNGFolder(folder, root: "imgs")
        #expect(DataLocator.detect(at: binary) == .binary(folder: binary))
        #expect(DataLocator.detect(at: folder.file("dl")) == .binary(folder: binary))
        #expect(DataLocator.detect(at: folder.file("imgs")) == .imageFolder(root: folder.file("imgs")))
        #expect(DataLocator.detect(at: folder.path) == nil)
    }

    @Test func searchOrderIsExplicitThenEnvironmentThenDataThenCache() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        let cached = try makeBinaryFolder(folder, name: "cache/cifar-10-batches-bin", perFile: 1)
        let local = try makeBinaryFolder(folder, name: "work/data/cifar-10-batches-bin", perFile: 1)
        try makePNGFolder(folder, root: "env")
        var locator = DataLocator(environment: ["ULTIMUS_CACHE": folder.file("cache")],
                                  currentDirectory: folder.file("elsewhere"))
        #expect(try locator.locate() == .binary(folder: cached))
        locator.currentDirectory = folder.file("work")
        #expect(try locator.locate() == .binary(folder: local))
        locator.environment["ULTIMUS_DATA"] = folder.file("env")
        #expect(try locator.locate() == .imageFolder(root: folder.file("env")))
        #expect(try locator.locate(explicit: "data") == .binary(folder: local))
        #expect { try locator.locate(explicit: "nowhere") } throws: {
            ($0 as? DatasetError)?.message.contains("nowhere: does not exist") == true
        }
        let splits = try locator.load()
        #expect(splits.train.count == 9 && splits.source.contains("image folder"))
    }

    @Test func nothingFoundSaysWhereItLookedAndHowToGetData() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        let locator = DataLocator(environment: ["ULTIMUS_CACHE": folder.file("c")], currentDirectory: folder.path)
        #expect { try locator.locate() } throws: { error in
            let m = (error as? DatasetError)?.message ?? ""
            return m.contains("ULTIMUS_DATA (not set)") && m.contains(folder.file("data"))
                && m.contains(folder.file("c"))
                && m.contains("download cifar10") && !m.contains("\n")
        }
    }
}
