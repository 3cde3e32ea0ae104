import Foundation

/// The official CIFAR-10 binary version (`cifar-10-batches-bin`): `data_batch_1.bin` … `data_batch_5.bin`,
/// `test_batch.bin` and `batches.meta.txt`. Each record is one label byte and 3,072 pixel bytes
/// (R, G, B planes of 32×32); each file holds 10,000 records.
public enum CIFAR10Binary {
    /// Bytes per record: 1 label + 3 × 32 × 32 pixels.
    public static let recordSize = 3073
    /// Records per official batch file; a file may hold fewer (small test sets), never more.
    public static let recordsPerFile = 10_000
    public static let trainFiles = (1...5).map { "data_batch_\($0).bin" }
    public static let testFile = "test_batch.bin"
    public static let metaFile = "batches.meta.txt"
    /// The class names used when `batches.meta.txt` is missing.
    public static let defaultClassNames = ["airplane", "automobile", "bird", "cat", "deer",
                                           "dog", "frog", "horse", "ship", "truck"]

    /// Whether `folder` looks like the binary version (it holds `data_batch_1.bin`).
    public static func isBinaryFolder(_ folder: String) -> Bool {
        FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(trainFiles[0]))
    }

    /// Loads all six batch files of `folder`. `progress` counts files (`done` of 6).
    public static func load(folder: String, progress: ProgressCallback? = nil) throws -> DataSplits {
        let names = try classNames(folder: folder)
        var trainImages = [UInt8](), trainLabels = [Int]()
        for (i, file) in trainFiles.enumerated() {
            let (images, labels) = try readBatch(path: (folder as NSString).appendingPathComponent(file),
                                                 classCount: names.count)
            trainImages += images
            trainLabels += labels
            progress?(i + 1, trainFiles.count + 1)
        }
        let (testImages, testLabels) = try readBatch(path: (folder as NSString).appendingPathComponent(testFile),
                                                     classCount: names.count)
        progress?(trainFiles.count + 1, trainFiles.count + 1)
        return DataSplits(train: ImageSet(images: trainImages, labels: trainLabels, classNames: names),
                          test: ImageSet(images: testImages, labels: testLabels, classNames: names),
                          source: "CIFAR-10 binary \(folder)")
    }

    /// Class names from `batches.meta.txt` (one per line, blank lines ignored), or the defaults when it is missing.
    public static func classNames(folder: String) throws -> [String] {
        let path = (folder as NSString).appendingPathComponent(metaFile)
        guard FileManager.default.fileExists(atPath: path) else { return defaultClassNames }
        let bytes = try AtomicFile.contents(of: path, limit: 1 << 20)
        let names = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard (1...256).contains(names.count) else {
            throw DatasetError(file: path, "expected one class name per line (1 to 256 lines), found \(names.count)")
        }
        return names
    }

    /// Reads one batch file: images in CHW layout and labels. Checks the length (a positive whole number of
    /// records, at most 10,000) before reading, and that every label is below `classCount`.
    public static func readBatch(path: String, classCount: Int) throws -> (images: [UInt8], labels: [Int]) {
        guard FileManager.default.fileExists(atPath: path) else {
            let needed = (trainFiles + [testFile]).joined(separator: ", ")
            throw DatasetError(file: path, "missing; a CIFAR-10 binary folder needs \(needed)")
        }
        let size = try fileSize(path)
        let maximum = recordsPerFile * recordSize
        guard size > 0 else { throw DatasetError(file: path, "empty file") }
        guard size % recordSize == 0, size <= maximum else {
            throw DatasetError(file: path, "wrong length \(size) bytes: a CIFAR-10 batch is a whole number of "
                + "3,073-byte records, at most 10,000 (\(maximum) bytes); "
                + "the file is truncated or not a CIFAR-10 batch")
        }
        let bytes = try AtomicFile.contents(of: path, limit: maximum)
        guard bytes.count == size else { throw DatasetError(file: path, "changed size while being read") }
        let count = size / recordSize
        var images = [UInt8](repeating: 0, count: count * (recordSize - 1))
        var labels = [Int](repeating: 0, count: count)
        try bytes.withUnsafeBufferPointer { src in
            try images.withUnsafeMutableBufferPointer { dst in
                for r in 0..<count {
                    let label = Int(src[r * recordSize])
                    guard label < classCount else {
                        throw DatasetError(file: path,
                                           "record \(r) has label \(label), but there are only \(classCount) classes")
                    }
                    labels[r] = label
                    (dst.baseAddress! + r * (recordSize - 1))
                        .update(from: src.baseAddress! + r * recordSize + 1, count: recordSize - 1)
                }
            }
        }
        return (images, labels)
    }

    /// Writes `set` (32×32 only) as one batch file of records, atomically.
    public static func write(_ set: ImageSet, to path: String) throws {
        guard set.height == 32, set.width == 32, set.classNames.count <= 256 else {
            throw DatasetError(file: path, "only 32×32 sets with at most 256 classes fit the CIFAR-10 binary format")
        }
        var bytes = [UInt8](repeating: 0, count: set.count * recordSize)
        for i in 0..<set.count {
            bytes[i * recordSize] = UInt8(set.labels[i])
            bytes.replaceSubrange(i * recordSize + 1..<(i + 1) * recordSize,
                                  with: set.images[i * 3072..<(i + 1) * 3072])
        }
        try AtomicFile.write(bytes, to: path)
    }

    static func fileSize(_ path: String) throws -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw DatasetError(file: path, "cannot read: \(String(cString: strerror(errno)))")
        }
        return Int(info.st_size)
    }
}

extension CIFAR10Binary {
    /// Checks that `folder` holds all six batch files with valid lengths, without reading them.
    public static func validate(folder: String) throws {
        for file in trainFiles + [testFile] {
            let path = (folder as NSString).appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: path) else { throw DatasetError(file: path, "missing") }
            let size = try fileSize(path)
            guard size > 0, size % recordSize == 0, size <= recordsPerFile * recordSize else {
                throw DatasetError(file: path, "wrong length \(size) bytes for a CIFAR-10 batch")
            }
        }
    }
}
