#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that could not be written: the file and the reason, in one line.
public struct FileWriteError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write \(path): \(reason)" }
}

/// The one way the workbench writes a file. The bytes go to a temporary file created beside the
/// target with `O_CREAT|O_EXCL|O_NOFOLLOW` under a random name (so nobody can plant a symlink or a
/// file there first), are flushed to disk with `fsync`, and the temporary file is renamed over the
/// target: readers see the old file or the new one, never a mix, and a symlink at the target is
/// replaced, not followed.
public enum AtomicWriter {
    /// What every temporary name holds: `.NAME.ultimus-tmp.PID.RANDOM`.
    public static let temporaryMarker = ".ultimus-tmp."

    /// Writes `bytes` to `path`; with `createFolders`, missing parent folders are made first.
    public static func write(_ bytes: [UInt8], to path: String, createFolders: Bool = false) throws {
        try bytes.withUnsafeBytes { try write(raw: $0, to: path, createFolders: createFolders) }
    }

    /// Writes `text` as UTF-8 to `path`.
    public static func write(_ text: String, to path: String, createFolders: Bool = false) throws {
        try write(Array(text.utf8), to: path, createFolders: createFolders)
    }

    /// Writes the bytes of `raw` to `path`.
    public static func write(raw: UnsafeRawBufferPointer, to path: String, createFolders: Bool = false) throws {
        try write(to: path, createFolders: createFolders) { fd in try writeAll(raw, to: fd, path: path) }
    }

    /// Creates the temporary file, lets `fill` write into its descriptor, then syncs and renames.
    public static func write(to path: String, createFolders: Bool = false, _ fill: (Int32) throws -> Void) throws {
        let name = PathName.name(of: path)
        guard !name.isEmpty, name != ".", name != ".." else {
            throw FileWriteError(path: path, reason: "not a file name")
        }
        let folder = PathName.folder(of: path)
        if createFolders { try makeFolders(folder, for: path) }
        let (fd, temporary) = try createTemporary(folder: folder, name: name, for: path)
        do {
            try fill(fd)
            guard fsync(fd) == 0 else { throw FileWriteError(path: path, reason: reason(errno)) }
            guard close(fd) == 0 else {
                unlink(temporary)
                throw FileWriteError(path: path, reason: reason(errno))
            }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let why = reason(errno)
            unlink(temporary)
            throw FileWriteError(path: path, reason: why)
        }
        syncFolder(folder)
    }

    /// Writes every byte of `raw` to `fd`, retrying short writes and interruptions.
    public static func writeAll(_ raw: UnsafeRawBufferPointer, to fd: Int32, path: String) throws {
        var done = 0
        while done < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw FileWriteError(path: path, reason: n < 0 ? reason(errno) : "nothing written") }
            done += n
        }
    }

    /// Opens a fresh temporary file beside the target; only this process can have created it.
    private static func createTemporary(folder: String, name: String, for path: String) throws -> (Int32, String) {
        // Keep the temporary name under NAME_MAX however long the target's name is.
        let stem = String(decoding: Array(name.utf8.prefix(96)), as: UTF8.self)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<8 {
            let random = String(generator.next() as UInt64, radix: 16)
            let temporary = PathName.joined(folder, ".\(stem)\(temporaryMarker)\(getpid()).\(random)")
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd >= 0 { return (fd, temporary) }
            if errno != EEXIST { throw FileWriteError(path: path, reason: reason(errno)) }
        }
        throw FileWriteError(path: path, reason: "cannot create a temporary file beside it")
    }

    /// `mkdir -p folder`: refuses when a component exists and is not a folder.
    public static func makeFolders(_ folder: String, for path: String) throws {
        var info = stat()
        if stat(folder, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw FileWriteError(path: path, reason: "'\(folder)' is not a folder")
            }
            return
        }
        let parent = PathName.folder(of: folder)
        if parent != folder { try makeFolders(parent, for: path) }
        guard mkdir(folder, 0o755) == 0 || errno == EEXIST else {
            throw FileWriteError(path: path, reason: "cannot create the folder '\(folder)': \(reason(errno))")
        }
    }

    /// Makes the rename itself durable (best effort: some file systems refuse `fsync` on folders).
    private static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
