import Autograd
import Foundation

/// Decoded image folders saved as one binary file per split, so that later loads skip JPEG decoding.
///
/// The folder is `ULTIMUS_CACHE`, else `~/.cache/ultimus`. A split's file is `images-<md5>.bin`, where the
/// MD5 covers the folder's real path, the split name, the image size and every file's relative path, byte
/// size and modification time: changing, adding or removing an image makes a new key. The file is a header
/// followed by CIFAR-10 binary records:
///
/// ```
/// "ULTIMG03"  then little-endian UInt32 height, width, count, classCount, resized (files resized when decoded),
/// classCount × (UInt16 length, UTF-8 name), count label bytes, then count × 3·height·width CHW bytes
/// ```
/// The pixels are one block, so a load reads them straight into the set's array (no per-image copies).
/// Writes are atomic; a damaged cache file is ignored (and rewritten), never trusted.
public struct DecodedCache: Sendable {
    public let folder: String

    public init(folder: String) { self.folder = folder }

    /// `ULTIMUS_CACHE` if set, else `$HOME/.cache/ultimus`.
    public static func defaultFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["ULTIMUS_CACHE"], !path.isEmpty { return path }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".cache/ultimus")
    }

    /// The cache file for one split's listing, read from `folder`: the key covers the folder's real
    /// path (symlinks resolved), so another folder with the same names, sizes and times never
    /// shares its pixels.
    /// With `resizing`, the key also covers the fit and strictness (a lenient load leaves files out).
    public func path(for listing: ImageFolder.Listing, folder source: String, split: String, height: Int, width: Int,
                     resizing: ImageFolder.Resizing? = nil) -> String {
        var md5 = MD5()
        let real = URL(fileURLWithPath: source).resolvingSymlinksInPath().standardizedFileURL.path
        let mode = resizing.map { "|\($0.fit.rawValue)|\($0.strict ? "strict" : "lenient")" } ?? ""
        let classes = listing.classNames.joined(separator: "/")
        md5.update(Array("ultimus-images-v4|\(real)|\(split)|\(height)x\(width)\(mode)|\(classes)\n".utf8))
        for i in 0..<listing.files.count {
            md5.update(Array("\(listing.files[i])|\(listing.sizes[i])|\(listing.modified[i])\n".utf8))
        }
        let key = md5.finalize().map { String(format2: $0) }.joined()
        return (folder as NSString).appendingPathComponent("images-\(key).bin")
    }

    /// The cached set at `path`, or `nil` when it is missing or fails any check.
    public func load(path: String, expectedCount: Int, height: Int, width: Int) -> ImageSet? {
        loadEntry(path: path, expectedCount: expectedCount, height: height, width: width)?.set
    }

    /// The cached set at `path` and how many of its files were resized when it was decoded.
    public func loadEntry(path: String, expectedCount: Int, height: Int, width: Int) -> (set: ImageSet, resized: Int)? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try? Self.read(path: path, expectedCount: expectedCount, height: height, width: width)
    }

    /// Saves `set` at `path` atomically, creating the cache folder if needed.
    /// - Parameter resized: how many of its files were resized when decoded (reported again on a cache hit).
    public func store(_ set: ImageSet, resized: Int = 0, path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw DatasetError(file: folder, "cannot create the cache folder (set ULTIMUS_CACHE to a writable folder)")
        }
        try AtomicFile.write(Self.encode(set, resized: resized), to: path)
    }

    static let magic = Array("ULTIMG03".utf8)

    static func encode(_ set: ImageSet, resized: Int = 0) -> [UInt8] {
        var out = magic
        func u32(_ v: Int) { for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * k))) } }
        u32(set.height); u32(set.width); u32(set.count); u32(set.classNames.count); u32(resized)
        for name in set.classNames {
            let utf8 = Array(name.utf8.prefix(65535))
            out.append(UInt8(utf8.count & 255)); out.append(UInt8(utf8.count >> 8))
            out += utf8
        }
        out.reserveCapacity(out.count + set.count * (set.imageSize + 1))
        out += set.labels.map { UInt8(truncatingIfNeeded: $0) }
        out += set.images
        return out
    }

    /// Reads and checks a cache file; every size comes from the request, the header must agree with it.
    static func read(path: String, expectedCount: Int, height: Int, width: Int) throws
        -> (set: ImageSet, resized: Int)
    {
        let size = 3 * height * width
        let file = try FileReader(path: path, limit: 64 + 256 * 65_540 + expectedCount * (size + 1))
        func u32() throws -> Int { try file.bytes(4).reversed().reduce(0) { $0 << 8 | Int($1) } }
        guard try file.bytes(8) == magic else { throw DatasetError(file: path, "not a cache file") }
        guard try u32() == height, try u32() == width, try u32() == expectedCount else {
            throw DatasetError(file: path, "cache header does not match the folder")
        }
        let classCount = try u32()
        guard (1...256).contains(classCount) else { throw DatasetError(file: path, "bad class count") }
        let resized = try u32()
        guard resized <= expectedCount else { throw DatasetError(file: path, "bad resized count") }
        var names = [String]()
        for _ in 0..<classCount {
            let length = try file.bytes(2).reversed().reduce(0) { $0 << 8 | Int($1) }
            names.append(String(decoding: try file.bytes(length), as: UTF8.self))
        }
        guard file.remaining == expectedCount * (size + 1) else { throw DatasetError(file: path, "wrong cache length") }
        let labels = try file.bytes(expectedCount).map { Int($0) }
        guard labels.allSatisfy({ $0 < classCount }) else { throw DatasetError(file: path, "bad label") }
        let images = try file.bytes(expectedCount * size)
        return (ImageSet(images: images, labels: labels, height: height, width: width, classNames: names), resized)
    }
}

extension ImageFolder {
    /// Loads `root/train` and `root/test`, through `cache` when given: a split whose listing matches a
    /// cache file is read from it, any other is decoded and then cached. `progress` counts images over
    /// both splits; cached splits count as done at once.
    /// `isCancelled` is polled while decoding; a cancelled load throws and caches nothing.
    /// With `resizing`, images of any size are resized and the source line counts resized and skipped files.
    public static func loadSplits(root: String, cache: DecodedCache?, height: Int = 32, width: Int = 32,
                                  resizing: Resizing? = nil, progress: ProgressCallback? = nil,
                                  isCancelled: (@Sendable () -> Bool)? = nil) throws -> DataSplits {
        let splits = ["train", "test"]
        let listings = try splits.map { try listing(folder: (root as NSString).appendingPathComponent($0)) }
        guard listings[0].classNames == listings[1].classNames else {
            throw DatasetError(file: root, "train/ and test/ have different class folders: "
                + "\(listings[0].classNames.joined(separator: ",")) vs "
                + "\(listings[1].classNames.joined(separator: ","))")
        }
        let total = listings[0].files.count + listings[1].files.count
        var sets = [ImageSet]()
        var base = 0
        var cacheProblem: String?
        var report = DecodeReport(), cached = 0
        for (split, listing) in zip(splits, listings) {
            let splitFolder = PathName.joined(root, split)
            let cachePath = cache?.path(for: listing, folder: splitFolder, split: split, height: height, width: width,
                                        resizing: resizing)
            if let cache, let cachePath,
               let (set, resized) = cache.loadEntry(path: cachePath, expectedCount: listing.files.count,
                                                    height: height, width: width),
               set.labels == listing.labels, set.classNames == listing.classNames {
                sets.append(set)
                report.resized += resized
                cached += 1
            } else {
                let offset = base
                let (set, splitReport) = try decode(listing, folder: splitFolder, height: height, width: width,
                                                    resizing: resizing,
                                                    progress: progress.map { p in
                                                        { done, _ in p(offset + done, total) }
                                                    },
                                                    isCancelled: isCancelled)
                report.resized += splitReport.resized
                report.skipped += splitReport.skipped
                if let cache, let cachePath, splitReport.skipped.isEmpty {
                    do {
                        try cache.store(set, resized: splitReport.resized, path: cachePath)
                    } catch {
                        cacheProblem = "\(error)"
                    }
                }
                sets.append(set)
            }
            base += listing.files.count
            progress?(base, total)
        }
        var source = resizing == nil ? "CIFAR-10 image folder \(root)" : "image folder \(root)"
        if let resizing {
            source += describe(report, size: "\(width)×\(height)", fit: resizing.fit, cachedSplits: cached)
        }
        if let cacheProblem { source += " (not cached: \(cacheProblem))" }
        return DataSplits(train: sets[0], test: sets[1], source: source)
    }

    /// `, 12 files resized to 32×32 (squash), 1 unreadable file skipped: a/b.png` for the source line;
    /// the count is the same whether the splits were decoded or read from the cache (which says so).
    static func describe(_ report: DecodeReport, size: String, fit: Fit, cachedSplits: Int) -> String {
        var text = ", \(report.resized) file\(report.resized == 1 ? "" : "s") resized to \(size) (\(fit.rawValue))"
        if cachedSplits == 2 { text += ", both splits from the cache" }
        if cachedSplits == 1 { text += " (one split from the cache)" }
        if !report.skipped.isEmpty {
            let shown = report.skipped.prefix(3).joined(separator: ", ") + (report.skipped.count > 3 ? ", …" : "")
            text += ", \(report.skipped.count) unreadable file\(report.skipped.count == 1 ? "" : "s") skipped: \(shown)"
        }
        return text
    }
}
