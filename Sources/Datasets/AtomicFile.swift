import Foundation

/// Whole-file reads and atomic writes (temporary file in the same folder, then `rename`).
enum AtomicFile {
    /// A fresh temporary path next to `path`, so that renaming it onto `path` is atomic.
    static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Writes `bytes` to `path` atomically; the folder must exist.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let temp = temporaryPath(for: path)
        let ok = bytes.withUnsafeBytes { buffer in
            FileManager.default.createFile(atPath: temp, contents: Data(buffer))
        }
        guard ok else { throw DatasetError(file: path, "cannot write (is the folder writable?)") }
        try commit(temp, to: path)
    }

    /// Renames a finished temporary file onto `path`, removing it on failure.
    static func commit(_ temp: String, to path: String) throws {
        if rename(temp, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw DatasetError(file: path, "cannot replace: \(reason)")
        }
    }

    /// The bytes of `path`, refusing files larger than `limit` bytes (checked before reading).
    static func contents(of path: String, limit: Int = 1 << 31) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)   // a FIFO must not block the open
        guard fd >= 0 else { throw DatasetError(file: path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw DatasetError(file: path, "not a regular file")
        }
        let size = Int(info.st_size)
        guard size <= limit else { throw DatasetError(file: path, "file is \(size) bytes, more than the \(limit) allowed") }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw DatasetError(file: path, "read failed after \(done) of \(size) bytes") }
            done += n
        }
        return bytes
    }
}
