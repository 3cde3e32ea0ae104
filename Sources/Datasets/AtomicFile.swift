import Autograd
import Foundation

/// Whole-file reads, and writes through ``AtomicWriter``.
enum AtomicFile {
    /// Writes `bytes` to `path` atomically; the folder must exist.
    static func write(_ bytes: [UInt8], to path: String) throws {
        do { try AtomicWriter.write(bytes, to: path) } catch let error as FileWriteError {
            throw DatasetError(file: path, "cannot write: \(error.reason) (is the folder writable?)")
        }
    }

    /// The bytes of `path`, refusing files larger than `limit` bytes (checked before reading).
    static func contents(of path: String, limit: Int = 1 << 31) throws -> [UInt8] {
        let file = try FileReader(path: path, limit: limit)
        return try file.bytes(file.size)
    }
}

/// A regular file read front to back, so large parts can go straight into their final arrays
/// (no intermediate copy of the whole file); its errors are ``DatasetError``s.
final class FileReader {
    private let file: RegularFile
    var path: String { file.path }
    /// The file's size in bytes, and how many have been read.
    var size: Int { file.size }
    private(set) var offset = 0

    /// Opens `path`, refusing anything but a regular file of at most `limit` bytes.
    init(path: String, limit: Int) throws {
        do { file = try RegularFile(path: path, limit: limit) } catch {
            throw DatasetError(file: path, error.reason)
        }
    }

    /// Bytes not yet read.
    var remaining: Int { size - offset }

    /// The next `count` bytes; throws when the file ends first.
    func bytes(_ count: Int) throws -> [UInt8] {
        guard count <= remaining else { throw DatasetError(file: path, "truncated file") }
        let out: [UInt8]
        do { out = try file.bytes(at: offset, count: count) } catch { throw DatasetError(file: path, error.reason) }
        offset += count
        return out
    }

    /// Fills `destination` with the next `count` bytes.
    func read(into destination: UnsafeMutablePointer<UInt8>, count: Int) throws {
        do { try file.read(into: destination, at: offset, count: count) } catch {
            throw DatasetError(file: path, error.reason)
        }
        offset += count
    }
}
