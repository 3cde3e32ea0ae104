import Autograd
import Foundation

/// One of the two shapes CIFAR-10 comes in.
public enum DataShape: Equatable, Sendable, CustomStringConvertible {
    /// A folder with `train/<class>/*.jpg` and `test/<class>/*.jpg`.
    case imageFolder(root: String)
    /// The official binary version's folder (`cifar-10-batches-bin`).
    case binary(folder: String)

    public var description: String {
        switch self {
        case .imageFolder(let root): return "image folder \(root)"
        case .binary(let folder): return "CIFAR-10 binary folder \(folder)"
        }
    }
}

/// Finds CIFAR-10: an explicit path, then `ULTIMUS_DATA`, then `./data`, then the cache folder.
///
/// At each place it accepts a folder with `train/` and `test/` image folders, a `cifar-10-batches-bin`
/// folder, or a folder holding either of those (`cifar-10-batches-bin/`, `cifar10/`, `cifar-10/`).
public struct DataLocator: Sendable {
    public var environment: [String: String]
    public var currentDirectory: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                currentDirectory: String = FileManager.default.currentDirectoryPath) {
        self.environment = environment
        self.currentDirectory = currentDirectory
    }

    /// The decoded-image cache folder (`ULTIMUS_CACHE` or `~/.cache/ultimus`).
    public var cacheFolder: String { DecodedCache.defaultFolder(environment: environment) }

    /// Where `download cifar10` puts the data by default: `ULTIMUS_DATA` if set, else `./data`.
    public var downloadFolder: String {
        if let data = environment["ULTIMUS_DATA"], !data.isEmpty { return absolute(data) }
        return absolute("data")
    }

    /// The data's shape at `path`, or `nil` when `path` holds neither shape.
    public static func detect(at path: String) -> DataShape? {
        if ImageFolder.isImageFolder(path) { return .imageFolder(root: path) }
        if CIFAR10Binary.isBinaryFolder(path) { return .binary(folder: path) }
        for child in ["cifar-10-batches-bin", "cifar10", "cifar-10"] {
            let inner = (path as NSString).appendingPathComponent(child)
            if ImageFolder.isImageFolder(inner) { return .imageFolder(root: inner) }
            if CIFAR10Binary.isBinaryFolder(inner) { return .binary(folder: inner) }
        }
        return nil
    }

    /// The places searched, in order, with what each one is.
    public func candidates(explicit: String?) -> [(label: String, path: String?)] {
        var list: [(String, String?)] = []
        if let explicit { list.append(("the given path", absolute(explicit))) }
        let env = environment["ULTIMUS_DATA"].flatMap { $0.isEmpty ? nil : $0 }
        list.append(("ULTIMUS_DATA", env.map(absolute)))
        list.append(("./data", absolute("data")))
        list.append(("the cache", cacheFolder))
        return list
    }

    /// Finds the data. An explicit path must hold it (no fallback); otherwise the first place that does wins.
    /// Throws a message listing every place looked at and how to get the data.
    public func locate(explicit: String? = nil) throws -> DataShape {
        if let explicit {
            let path = absolute(explicit)
            if let shape = Self.detect(at: path) { return shape }
            let exists = FileManager.default.fileExists(atPath: path)
            throw DatasetError(file: path, (exists ? "holds no CIFAR-10" : "does not exist")
                + ": expected train/ and test/ image folders or cifar-10-batches-bin (get it with `download cifar10`)")
        }
        var looked = [String]()
        for (label, path) in candidates(explicit: nil) {
            guard let path else { looked.append("\(label) (not set)"); continue }
            if let shape = Self.detect(at: path) { return shape }
            looked.append("\(label) (\(path))")
        }
        throw DatasetError("no CIFAR-10 found; looked in " + looked.joined(separator: ", ")
            + ". Run `download cifar10`, or set ULTIMUS_DATA to a folder with train/ and test/ image folders "
            + "or cifar-10-batches-bin")
    }

    /// Finds and loads the data (image folders through the decoded cache). `isCancelled` is polled while
    /// decoding images (Ctrl-C).
    public func load(explicit: String? = nil, progress: ProgressCallback? = nil,
                     isCancelled: (@Sendable () -> Bool)? = nil) throws -> DataSplits {
        switch try locate(explicit: explicit) {
        case .binary(let folder):
            return try CIFAR10Binary.load(folder: folder, progress: progress)
        case .imageFolder(let root):
            return try ImageFolder.loadSplits(root: root, cache: DecodedCache(folder: cacheFolder), progress: progress,
                                              isCancelled: isCancelled)
        }
    }

    func absolute(_ path: String) -> String {
        let expanded = PathName.expandingTilde(path)
        if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
        return ((currentDirectory as NSString).appendingPathComponent(expanded) as NSString).standardizingPath
    }
}
