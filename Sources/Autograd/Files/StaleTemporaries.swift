#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AtomicWriter {
    /// Removes temporary files that a writer killed mid-write left in `folder`: regular files
    /// owned by this user whose name carries ``temporaryMarker`` and the id of a process that no
    /// longer exists. Returns how many were removed.
    @discardableResult
    public static func removeStaleTemporaries(in folder: String) -> Int {
        guard let dir = opendir(folder) else { return 0 }
        defer { closedir(dir) }
        var removed = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let pid = writerProcess(of: name), kill(pid, 0) != 0, errno == ESRCH else { continue }
            let path = PathName.joined(folder, name)
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_uid == geteuid() else {
                continue
            }
            if unlink(path) == 0 { removed += 1 }
        }
        return removed
    }

    /// The process id in a temporary file's name, or `nil` for any other name.
    static func writerProcess(of name: String) -> pid_t? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard name.hasPrefix("."), parts.count >= 5, parts[parts.count - 3] == "ultimus-tmp",
              let pid = pid_t(parts[parts.count - 2]), pid > 0, UInt64(parts[parts.count - 1], radix: 16) != nil
        else { return nil }
        return pid
    }
}
