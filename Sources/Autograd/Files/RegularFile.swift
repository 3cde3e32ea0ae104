#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be read, in words fit for a one-line error.
public struct FileReadError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String

    public var description: String { "\(path): \(reason)" }
}

/// A regular file opened for reading, sized by the file itself (never by what it contains).
/// FIFOs, devices and folders are refused without blocking; a file larger than the caller's limit
/// is refused before anything is allocated for it; reads go in bounded pieces, so no file is
/// ever held in memory as one piece unless the caller asks for all of it.
public final class RegularFile {
    public let path: String
    public let size: Int
    private let fd: Int32

    /// Half the machine's memory, at most 64 GB: the default limit for files read whole.
    public static var memoryLimit: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return 1 << 32 }
        let (memory, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        return overflow ? 1 << 36 : min(memory / 2, 1 << 36)
    }

    public init(path: String, limit: Int = RegularFile.memoryLimit) throws(FileReadError) {
        self.path = path
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)  // a FIFO must not block the open
        guard fd >= 0 else {
            throw FileReadError(path: path, reason: "cannot open (\(String(cString: strerror(errno))))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw FileReadError(path: path, reason: "not a regular file (a folder, device or pipe)")
        }
        size = Int(info.st_size)
        guard size <= limit else {
            close(fd)
            throw FileReadError(path: path, reason: "file is \(size) bytes, more than the \(limit) allowed")
        }
    }

    deinit { close(fd) }

    /// The `count` bytes at `offset`; throws when the file ends first.
    public func bytes(at offset: Int, count: Int) throws(FileReadError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        try out.withUnsafeMutableBufferPointer { (buffer) throws(FileReadError) in
            if count > 0 { try read(into: buffer.baseAddress!, at: offset, count: count) }
        }
        return out
    }

    /// Fills `destination` with the `count` bytes at `offset`, in pieces of at most 64 MB.
    public func read(into destination: UnsafeMutablePointer<UInt8>, at offset: Int, count: Int) throws(FileReadError) {
        var done = 0
        while done < count {
            let n = pread(fd, destination + done, min(count - done, 1 << 26), off_t(offset + done))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                let reason = "read \(done) of \(count) bytes at offset \(offset) (is the file truncated?)"
                throw FileReadError(path: path, reason: reason)
            }
            done += n
        }
    }
}
