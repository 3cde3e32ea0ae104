import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `download cifar10`: fetches the official binary archive, verifies its MD5, and extracts
/// `cifar-10-batches-bin` into the data folder.
///
/// Nothing half-written is ever left behind: the archive downloads into a temporary folder inside the
/// destination folder, is verified there, extracted there, and only the finished `cifar-10-batches-bin`
/// folder is renamed into place. Any failure or cancellation removes the temporary folder.
public struct Downloader: Sendable {
    /// The published archive (163 MiB).
    public static let cifar10URL = URL(string: "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz")!
    /// Its published MD5.
    public static let cifar10MD5 = "c32a1d4ab5d03f1284b67883e8d87530"
    /// The folder the archive holds.
    public static let folderName = "cifar-10-batches-bin"

    public var url: URL
    /// Expected lowercase hex MD5 of the archive; `nil` skips the check.
    public var md5: String?
    /// Seconds without any data before the download fails.
    public var idleTimeout: TimeInterval = 60

    public init(url: URL = Downloader.cifar10URL, md5: String? = Downloader.cifar10MD5) {
        self.url = url
        self.md5 = md5
    }

    /// Downloads, verifies and extracts into `folder` (created if needed); returns the path of
    /// `folder/cifar-10-batches-bin`. When that already holds the data and `force` is false, returns at once.
    /// `progress` reports bytes (`total` is 0 when the server does not say); `isCancelled` is polled and
    /// stops the download (Ctrl-C).
    public func downloadCIFAR10(into folder: String, force: Bool = false, progress: ProgressCallback? = nil,
                                isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> String {
        let destination = (folder as NSString).appendingPathComponent(Self.folderName)
        if !force, (try? CIFAR10Binary.validate(folder: destination)) != nil { return destination }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw DatasetError(file: folder, "cannot create the data folder: \(error.localizedDescription)")
        }
        let work = (folder as NSString)
            .appendingPathComponent(".download-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard mkdir(work, 0o755) == 0 else {
            throw DatasetError(file: folder,
                               "cannot write here: \(String(cString: strerror(errno))) (choose another folder)")
        }
        defer { try? FileManager.default.removeItem(atPath: work) }

        let archive = (work as NSString).appendingPathComponent("cifar-10-binary.tar.gz")
        let digest = try fetch(to: archive, progress: progress, isCancelled: isCancelled)
        if let md5, digest != md5.lowercased() {
            throw DatasetError("\(url.absoluteString): checksum mismatch (MD5 \(digest), expected \(md5)); "
                + "the download is damaged or not the CIFAR-10 archive, nothing was written")
        }
        if isCancelled() { throw DatasetError("download cancelled; nothing was written") }
        let extracted = (work as NSString).appendingPathComponent("extract")
        try FileManager.default.createDirectory(atPath: extracted, withIntermediateDirectories: true)
        try Self.untar(archive, into: extracted)
        let inner = (extracted as NSString).appendingPathComponent(Self.folderName)
        var info = stat()
        guard lstat(inner, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw DatasetError("\(url.absoluteString): the archive holds no \(Self.folderName) folder")
        }
        try CIFAR10Binary.validate(folder: inner)
        if isCancelled() { throw DatasetError("download cancelled; nothing was written") }
        try Self.install(inner, at: destination, work: work)
        return destination
    }

    /// Streams the body to `path`, hashing as it goes; returns the MD5 hex digest.
    func fetch(to path: String, progress: ProgressCallback?,
               isCancelled: @escaping @Sendable () -> Bool) throws -> String {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw DatasetError(file: path, "cannot create the download file")
        }
        defer { try? handle.close() }
        let delegate = StreamingDelegate(handle: handle, progress: progress)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = idleTimeout
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
        defer { session.invalidateAndCancel() }
        let task = session.dataTask(with: url)
        task.resume()
        while delegate.done.wait(timeout: .now() + 0.1) == .timedOut {
            if isCancelled() { task.cancel() }
        }
        if isCancelled() { throw DatasetError("download cancelled; nothing was written") }
        if let status = delegate.status, status != 200 {
            throw DatasetError("\(url.absoluteString): the server answered HTTP \(status); check the URL")
        }
        if let problem = delegate.problem {
            throw DatasetError("\(url.absoluteString): download failed: \(problem)")
        }
        if let failure = delegate.failure {
            throw DatasetError("\(url.absoluteString): download failed: \(failure.localizedDescription)")
        }
        return delegate.digest()
    }

    /// Extracts a `.tar.gz` with the system `tar` (which refuses `..` and absolute member names).
    static func untar(_ archive: String, into folder: String) throws {
        let process = Process()
        let tar = FileManager.default.fileExists(atPath: "/bin/tar") ? "/bin/tar" : "/usr/bin/tar"
        process.executableURL = URL(fileURLWithPath: tar)
        process.arguments = ["-xzf", archive, "-C", folder, "--no-same-owner"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw DatasetError("cannot run tar to extract the archive: \(error.localizedDescription)")
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let line = String(decoding: message, as: UTF8.self).split(whereSeparator: \.isNewline)
                .first.map(String.init) ?? ""
            throw DatasetError(file: archive, "cannot extract (tar exit \(process.terminationStatus)): \(line)")
        }
    }

    /// Renames the finished folder into place; an existing one (when forced) is moved aside first.
    static func install(_ source: String, at destination: String, work: String) throws {
        if FileManager.default.fileExists(atPath: destination) {
            let aside = (work as NSString).appendingPathComponent("previous")
            guard rename(destination, aside) == 0 else {
                throw DatasetError(file: destination, "cannot replace: \(String(cString: strerror(errno)))")
            }
        }
        guard rename(source, destination) == 0 else {
            throw DatasetError(file: destination,
                               "cannot move the extracted data into place: \(String(cString: strerror(errno)))")
        }
    }
}

/// Writes the response body to a file and hashes it, reporting progress; signals `done` at the end.
private final class StreamingDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let handle: FileHandle
    let progress: ProgressCallback?
    let done = DispatchSemaphore(value: 0)
    private var md5 = MD5()
    private var received = 0
    private var expected = 0
    private var lastReport = 0
    var status: Int?
    var failure: Error?
    var problem: String?

    init(handle: FileHandle, progress: ProgressCallback?) {
        self.handle = handle
        self.progress = progress
    }

    func digest() -> String { md5.finalize().map { String(format2: $0) }.joined() }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        status = (response as? HTTPURLResponse)?.statusCode
        expected = max(0, Int(response.expectedContentLength))
        completionHandler(status == nil || status == 200 ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard problem == nil else { return }
        do {
            try handle.write(contentsOf: data)
        } catch {
            problem = "cannot write the archive: \(error.localizedDescription) (is the disk full?)"
            dataTask.cancel()
            return
        }
        data.withUnsafeBytes { md5.update($0.bindMemory(to: UInt8.self)) }
        received += data.count
        if received - lastReport >= 1 << 20 || received == expected {
            lastReport = received
            progress?(received, expected)
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if let error, (error as NSError).code != NSURLErrorCancelled || status == 200 { failure = error }
        if received != lastReport { progress?(received, expected) }
        done.signal()
    }
}
