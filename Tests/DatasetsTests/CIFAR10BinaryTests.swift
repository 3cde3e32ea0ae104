import Foundation
import Testing
@testable import Datasets

/// Writes a small CIFAR-10 binary folder byte by byte: `perFile` records per file, label r % 10,
/// pixel bytes (file·31 + r·7 + p) & 255.
func makeBinaryFolder(_ folder: TemporaryFolder, name: String = "cifar-10-batches-bin", perFile: Int = 4,
                      meta: String? = "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n")
    throws -> String
{
    let files = CIFAR10Binary.trainFiles + [CIFAR10Binary.testFile]
    for (f, file) in files.enumerated() {
        var bytes = [UInt8]()
        for r in 0..<perFile {
            bytes.append(UInt8(r % 10))
            for p in 0..<3072 { bytes.append(UInt8((f * 31 + r * 7 + p) & 255)) }
        }
        try folder.write(bytes, to: "\(name)/\(file)")
    }
    if let meta { try folder.write(Array(meta.utf8), to: "\(name)/\(CIFAR10Binary.metaFile)") }
    return folder.file(name)
}

@Suite struct CIFAR10BinaryTests {
    @Test func readsRecordsLabelsAndClassNames() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        let path = try makeBinaryFolder(folder)
        var reports = [(Int, Int)]()
        let splits = try CIFAR10Binary.load(folder: path) { reports.append(($0, $1)) }
        #expect(splits.train.count == 20 && splits.test.count == 4)
        #expect(splits.classNames[1] == "automobile" && splits.classNames.count == 10)
        #expect(splits.train.labels.prefix(5) == [0, 1, 2, 3, 0])
        // Train image 5 is file 1 (data_batch_2), record 1: pixel p = (31 + 7 + p) & 255, R plane first.
        let image = splits.train.image(at: 5)
        #expect(image[0] == 38 && image[1024] == UInt8((38 + 1024) & 255) && image[3071] == UInt8((38 + 3071) & 255))
        #expect(splits.train.rgbInterleaved(at: 5)[1] == image[1024])
        #expect(splits.test.image(at: 2)[0] == UInt8((5 * 31 + 14) & 255))
        #expect(reports.last! == (6, 6))
        #expect(splits.source.contains(path))
    }

    @Test func missingMetaFallsBackToCIFARNames() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        let path = try makeBinaryFolder(folder, meta: nil)
        #expect(try CIFAR10Binary.load(folder: path).classNames == CIFAR10Binary.defaultClassNames)
    }

    @Test func wrongLengthsMissingFilesAndBadLabelsAreOneLineErrorsNamingTheFile() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        let path = try makeBinaryFolder(folder)
        let target = (path as NSString).appendingPathComponent("data_batch_3.bin")
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: target)))
        func expectError(_ bytes: [UInt8]?, containing text: String) throws {
            if let bytes {
                try Data(bytes).write(to: URL(fileURLWithPath: target))
            } else {
                try FileManager.default.removeItem(atPath: target)
            }
            #expect { try CIFAR10Binary.load(folder: path) } throws: { error in
                let message = (error as? DatasetError)?.message ?? ""
                return message.hasPrefix(target) && message.contains(text) && !message.contains("\n")
            }
        }
        try expectError(Array(original.dropLast(100)), containing: "wrong length")
        try expectError(original + [1], containing: "wrong length")
        try expectError([], containing: "empty file")
        var badLabel = original
        badLabel[3073] = 12
        try expectError(badLabel, containing: "record 1 has label 12")
        try expectError(nil, containing: "missing")
    }

    @Test func oversizedFileIsRefusedWithoutReadingIt() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        let path = try makeBinaryFolder(folder)
        let target = (path as NSString).appendingPathComponent("test_batch.bin")
        // A sparse file claiming 10,001 records.
        #expect(truncate(target, off_t(10_001 * 3073)) == 0)
        #expect { try CIFAR10Binary.load(folder: path) } throws: {
            ($0 as? DatasetError)?.message.contains("at most 10,000") == true
        }
    }

    @Test func writeThenReadRoundTrips() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        let set = Synthetic.makeSet(count: 12, seed: 2)
        let path = folder.file("x.bin")
        try CIFAR10Binary.write(set, to: path)
        let back = try CIFAR10Binary.readBatch(path: path, classCount: 10)
        #expect(back.images == set.images && back.labels == set.labels)
    }
}
