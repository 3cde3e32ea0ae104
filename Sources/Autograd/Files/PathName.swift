#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Path arithmetic on plain strings. Foundation's `NSString.deletingLastPathComponent` traps on
/// one-character paths (`save a`), so every folder/name split goes through here.
public enum PathName {
    /// The folder holding `path`: `.` for a bare name, `/` for a name at the root.
    public static func folder(of path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        let folder = trimmingTrailingSlashes(String(trimmed[..<slash]))
        return folder.isEmpty ? "/" : folder
    }

    /// The last component of `path` (empty for `/`).
    public static func name(of path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        guard trimmed != "/" else { return "" }
        return trimmed.lastIndex(of: "/").map { String(trimmed[trimmed.index(after: $0)...]) } ?? trimmed
    }

    /// `folder/name`, with one slash between them.
    public static func joined(_ folder: String, _ name: String) -> String {
        guard !folder.isEmpty else { return name }
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// `~` and `~/…` expanded from `$HOME` (what the user's shell does); other paths unchanged.
    /// `~user` is not expanded: it names a file called that.
    public static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = getenv("HOME").map({ String(cString: $0) }),
              !home.isEmpty else { return path }
        return path == "~" ? home : joined(home, String(path.dropFirst(2)))
    }

    /// Whether `path` is a plain relative name that stays inside its base folder: not absolute,
    /// not `~`, no `..` component, no empty name, no control characters.
    public static func isContainedName(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.hasPrefix("~"), !name(of: path).isEmpty else { return false }
        guard !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return false }
        return !path.split(separator: "/").contains("..")
    }

    private static func trimmingTrailingSlashes(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        return String(p)
    }
}
