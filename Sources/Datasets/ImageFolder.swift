import Foundation

/// A folder of images with one subfolder per class: `root/<split>/<class>/*.{jpg,jpeg,png}`.
///
/// Classes are the sorted subfolder names; files are taken in sorted name order. JPEGs decode through
/// libjpeg-turbo (pixels equal Pillow's), PNGs through libpng; grayscale converts to RGB. Every image must
/// be `height × width` (32×32); anything else, or a corrupt or empty file, is an error naming the file.
/// Decoding runs on all cores (``Parallel/threads``).
public enum ImageFolder {
    /// File name endings read as images (case-insensitive); other files are ignored.
    public static let extensions = ["jpg", "jpeg", "png"]
    /// Largest image file read, in bytes (checked before reading).
    public static let maximumFileSize = 16 << 20

    /// One split's files.
    public struct Listing: Sendable, Equatable {
        public var classNames: [String]
        /// Paths relative to the split folder, `class/file.jpg`.
        public var files: [String]
        public var labels: [Int]
        public var sizes: [Int]
        public var modified: [Int]
    }

    /// How images of another size become `size × size`: `crop` takes the centred square first, `squash` does not.
    public enum Fit: String, Sendable, Codable, CaseIterable { case squash, crop }

    /// Images of any size resized to the set's size (``ImageResize``), and whether a bad file stops the load.
    public struct Resizing: Sendable, Equatable {
        public var fit: Fit
        /// `false`: an unreadable file is skipped and counted instead of ending the load.
        public var strict: Bool

        public init(fit: Fit = .squash, strict: Bool = true) {
            self.fit = fit
            self.strict = strict
        }
    }

    /// What decoding did besides decoding: files resized and files skipped (with `strict` off).
    public struct DecodeReport: Sendable, Equatable {
        public var resized = 0
        public var skipped: [String] = []

        public init() {}
    }

    /// Whether `root` has `train/` and `test/` subfolders.
    public static func isImageFolder(_ root: String) -> Bool {
        ["train", "test"].allSatisfy { isDirectory((root as NSString).appendingPathComponent($0)) }
    }

    /// Decodes `root/split` without the cache. `progress` counts images.
    public static func load(root: String, split: String, height: Int = 32, width: Int = 32,
                            progress: ProgressCallback? = nil) throws -> ImageSet {
        let folder = (root as NSString).appendingPathComponent(split)
        return try decode(listing(folder: folder), folder: folder, height: height, width: width, progress: progress)
    }

    /// Lists `folder`'s class subfolders and their image files (sorted), with sizes and modification times.
    /// Class folders are listed concurrently; each file is looked up relative to its open folder.
    public static func listing(folder: String) throws -> Listing {
        guard isDirectory(folder) else { throw DatasetError(file: folder, "not a folder") }
        let classes = try entries(of: folder).filter {
            !$0.hasPrefix(".") && isDirectory((folder as NSString).appendingPathComponent($0))
        }.sorted()
        guard !classes.isEmpty else {
            throw DatasetError(file: folder, "has no class subfolders (expected \(folder)/<class>/<image>.jpg)")
        }
        let perClass = ClassListings(count: classes.count)
        Parallel.forChunks(classes.count) { range in
            for label in range {
                perClass.set(label, Result {
                    try classListing((folder as NSString).appendingPathComponent(classes[label]))
                })
            }
        }
        var result = Listing(classNames: classes, files: [], labels: [], sizes: [], modified: [])
        for (label, name) in classes.enumerated() {
            let files = try perClass.results[label]!.get()
            result.files += files.map { name + "/" + $0.name }
            result.labels += [Int](repeating: label, count: files.count)
            result.sizes += files.map(\.size)
            result.modified += files.map(\.modified)
        }
        return result
    }

    /// One class folder's image files, sorted by name, with byte sizes and modification times (seconds).
    static func classListing(_ classFolder: String) throws -> [(name: String, size: Int, modified: Int)] {
        guard let dir = opendir(classFolder) else {
            throw DatasetError(file: classFolder, "cannot list: \(String(cString: strerror(errno)))")
        }
        defer { closedir(dir) }
        let files = readNames(dir).filter { !$0.hasPrefix(".") && hasImageExtension($0) }.sorted()
        guard !files.isEmpty else { throw DatasetError(file: classFolder, "holds no .jpg or .png images") }
        let fd = dirfd(dir)
        return try files.map { file in
            var info = stat()
            guard fstatat(fd, file, &info, 0) == 0 else {
                throw DatasetError(file: classFolder + "/" + file, "cannot read: \(String(cString: strerror(errno)))")
            }
            return (file, Int(info.st_size), Int(info.st_mtim.tv_sec))
        }
    }

    /// Whether `name` ends in one of ``extensions`` (case-insensitive), as `NSString.pathExtension` reads it.
    static func hasImageExtension(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: ".") else { return false }
        return extensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// Decodes every file of `listing` (relative to `folder`) into an ``ImageSet``, on all cores.
    /// Throws the error of the first bad file found (decoding stops there).
    /// `isCancelled` is polled between images (Ctrl-C); cancelling throws and returns nothing.
    public static func decode(_ listing: Listing, folder: String, height: Int = 32, width: Int = 32,
                              progress: ProgressCallback? = nil,
                              isCancelled: (@Sendable () -> Bool)? = nil) throws -> ImageSet {
        try decode(listing, folder: folder, height: height, width: width, resizing: nil, progress: progress,
                   isCancelled: isCancelled).set
    }

    /// Decodes `listing` as above; with `resizing`, images of other sizes are resized (and counted) and,
    /// when it is not strict, unreadable files are left out and named in the report instead of throwing.
    public static func decode(_ listing: Listing, folder: String, height: Int, width: Int, resizing: Resizing?,
                              progress: ProgressCallback? = nil,
                              isCancelled: (@Sendable () -> Bool)? = nil) throws
        -> (set: ImageSet, report: DecodeReport)
    {
        let count = listing.files.count, size = 3 * height * width
        var images = [UInt8](repeating: 0, count: count * size)
        let tracker = DecodeTracker(total: count, progress: progress, strict: resizing?.strict ?? true)
        images.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer.baseAddress!
            Parallel.forChunks(count, minimumChunk: 256) { range in
                var rgb = [UInt8](repeating: 0, count: size)
                for i in range {
                    if tracker.failed { return }
                    if let isCancelled, isCancelled() {
                        tracker.fail(index: -1, error: DatasetError("loading \(folder) cancelled"))
                        return
                    }
                    let path = folder + "/" + listing.files[i]
                    do {
                        let resized = try decodeFile(path: path, height: height, width: width, fit: resizing?.fit,
                                                     into: &rgb)
                        interleavedToPlanar(rgb, plane: height * width, out: out + i * size)
                        tracker.finished(1, resized: resized)
                    } catch {
                        if tracker.skip(index: i, file: path, error: error) { continue }
                        return
                    }
                }
            }
        }
        if let error = tracker.firstError { throw error }
        let set = ImageSet(images: images, labels: listing.labels, height: height, width: width,
                           classNames: listing.classNames)
        let skipped = tracker.skipped.sorted { $0.index < $1.index }
        var report = DecodeReport()
        report.resized = tracker.resized
        report.skipped = skipped.map(\.file)
        guard !skipped.isEmpty else { return (set, report) }
        let left = Set(skipped.map(\.index))
        return (set.selecting(listing.files.indices.filter { !left.contains($0) }), report)
    }

    /// Decodes one JPEG or PNG file (chosen by its first bytes) into `rgb` (`height × width × 3`).
    /// Without `fit` the file must have that size; with it, any size is resized (centre square first
    /// for ``Fit/crop``). Returns whether the image was resized.
    @discardableResult
    public static func decodeFile(path: String, height: Int, width: Int, fit: Fit? = nil,
                                  into rgb: inout [UInt8]) throws -> Bool {
        let bytes = try AtomicFile.contents(of: path, limit: maximumFileSize)
        guard !bytes.isEmpty else { throw DatasetError(file: path, "empty file") }
        let isPNG = bytes.count >= 4 && bytes[0] == 0x89 && bytes[1] == 0x50 && bytes[2] == 0x4E && bytes[3] == 0x47
        let isJPEG = bytes.count >= 2 && bytes[0] == 0xFF && bytes[1] == 0xD8
        let png = isPNG || (!isJPEG && (path as NSString).pathExtension.lowercased() == "png")
        guard let fit else {
            if png {
                rgb = try PNGCodec.decode(bytes, name: path, expectedWidth: width, expectedHeight: height).rgb
            } else {
                try JPEGCodec.decode(bytes, name: path, into: &rgb, width: width, height: height)
            }
            return false
        }
        let image = png ? try PNGCodec.decode(bytes, name: path) : try JPEGCodec.decode(bytes, name: path)
        rgb = fitted(image.rgb, width: image.width, height: image.height, to: width, height, fit: fit)
        return image.width != width || image.height != height
    }

    /// `rgb` (`width × height`) as a `toWidth × toHeight` image: centre square first for ``Fit/crop``.
    public static func fitted(_ rgb: [UInt8], width: Int, height: Int, to toWidth: Int, _ toHeight: Int,
                              fit: Fit) -> [UInt8] {
        guard fit == .crop, width != height else {
            return ImageResize.resize(rgb, width: width, height: height, to: toWidth, toHeight)
        }
        let square = ImageResize.centreSquare(rgb, width: width, height: height)
        return ImageResize.resize(square.rgb, width: square.side, height: square.side, to: toWidth, toHeight)
    }

    static func interleavedToPlanar(_ rgb: [UInt8], plane: Int, out: UnsafeMutablePointer<UInt8>) {
        rgb.withUnsafeBufferPointer { src in
            for p in 0..<plane {
                out[p] = src[3 * p]
                out[plane + p] = src[3 * p + 1]
                out[2 * plane + p] = src[3 * p + 2]
            }
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func entries(of folder: String) throws -> [String] {
        guard let dir = opendir(folder) else {
            throw DatasetError(file: folder, "cannot list: \(String(cString: strerror(errno)))")
        }
        defer { closedir(dir) }
        return readNames(dir)
    }

    /// The names in an open directory, except `.` and `..`.
    static func readNames(_ dir: OpaquePointer) -> [String] {
        var names = [String]()
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

/// Per-class listing results filled in concurrently (each slot written by one thread).
final class ClassListings: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var results: [Result<[(name: String, size: Int, modified: Int)], Error>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<[(name: String, size: Int, modified: Int)], Error>) {
        lock.lock(); defer { lock.unlock() }
        results[index] = result
    }
}

/// Shared progress and first-error bookkeeping for parallel decoding.
final class DecodeTracker: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let progress: ProgressCallback?
    private var done = 0
    private var lastReported = 0
    private var errorIndex = Int.max
    private(set) var firstError: Error?
    private var _failed = false
    private let strict: Bool
    private(set) var resized = 0
    private(set) var skipped: [(index: Int, file: String)] = []

    init(total: Int, progress: ProgressCallback?, strict: Bool = true) {
        self.total = total
        self.progress = progress
        self.strict = strict
    }

    /// Records a bad file: skipped and counted when not strict (returns `true`: carry on), else a failure.
    func skip(index: Int, file: String, error: Error) -> Bool {
        guard !strict, error is DatasetError else {
            fail(index: index, error: error)
            return false
        }
        lock.lock()
        skipped.append((index, file))
        lock.unlock()
        finished(1)
        return true
    }

    var failed: Bool { lock.lock(); defer { lock.unlock() }; return _failed }

    func finished(_ n: Int, resized wasResized: Bool = false) {
        lock.lock(); defer { lock.unlock() }
        if wasResized { resized += 1 }
        done += n
        if let progress, done == total || done - lastReported >= max(1, total / 200) {
            lastReported = done
            progress(done, total)
        }
    }

    func fail(index: Int, error: Error) {
        lock.lock(); defer { lock.unlock() }
        _failed = true
        if index < errorIndex { errorIndex = index; firstError = error }
    }
}
