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

/// A regular file opened for reading front to back, so large parts can go straight into their
/// final arrays (no intermediate copy of the whole file).
final class FileReader {
    let path: String
    /// The file's size in bytes, and how many have been read.
    let size: Int
    private(set) var offset = 0
    private let fd: Int32

    /// Opens `path`, refusing anything but a regular file of at most `limit` bytes.
    init(path: String, limit: Int) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)   // a FIFO must not block the open
        guard fd >= 0 else { throw DatasetError(file: path, "cannot open: \(String(cString: strerror(errno)))") }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw DatasetError(file: path, "not a regular file")
        }
        size = Int(info.st_size)
        guard size <= limit else {
            close(fd)
            throw DatasetError(file: path, "file is \(size) bytes, more than the \(limit) allowed")
        }
    }

    deinit { close(fd) }

    /// Bytes not yet read.
    var remaining: Int { size - offset }

    /// The next `count` bytes; throws when the file ends first.
    func bytes(_ count: Int) throws -> [UInt8] {
        guard count <= remaining else { throw DatasetError(file: path, "truncated file") }
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { try read(into: buffer.baseAddress!, count: count) }
            initialized = count
        }
    }

    /// Fills `destination` with the next `count` bytes.
    func read(into destination: UnsafeMutablePointer<UInt8>, count: Int) throws {
        var done = 0
        while done < count {
            let n = Glibc.read(fd, destination + done, count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw DatasetError(file: path, "read failed after \(offset + done) of \(size) bytes") }
            done += n
        }
        offset += count
    }
}
