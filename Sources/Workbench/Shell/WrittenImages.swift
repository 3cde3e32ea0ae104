import Foundation

/// Finds the charts and images a command wrote: PNG and SVG files of the output folder that are new
/// or changed since the command started, and any such file the command's output names (`wrote PATH`).
///
/// The folder is compared by each file's identity (inode, size, modification time) taken before
/// and after, not by comparing modification times with the clock: the file system stamps files
/// from a coarse clock, so a file written within a few milliseconds of the start can carry a time
/// before it.
public struct WrittenImages {
    static let extensions: Set<String> = ["png", "svg"]
    /// How far behind the clock a file's modification time may lag (the kernel's coarse clock).
    static let timestampLag: TimeInterval = 0.05

    struct Stamp: Equatable {
        var inode: Int, size: Int, modified: Date
    }

    let start: Date
    private let before: [String: Stamp]

    /// Takes the identity of every image file in `outputFolder` now, when a command starts.
    public init(outputFolder: String) {
        start = Date()
        before = WrittenImages.stamps(in: outputFolder)
    }

    /// The image files written since the start, in the order `output` names them, then by time.
    public func find(outputFolder: String, mentionedIn output: String) -> [String] {
        let now = WrittenImages.stamps(in: outputFolder)
        let changed = now.filter { before[$0.key] != $0.value }
        var found: [String] = []
        for token in WrittenImages.pathTokens(output).map(WrittenImages.absolute) where !found.contains(token) {
            if changed[token] != nil || (now[token] == nil && isRecent(token)) { found.append(token) }
        }
        for (path, _) in changed.sorted(by: { $0.value.modified < $1.value.modified }) where !found.contains(path) {
            found.append(path)
        }
        return found
    }

    /// Display data for an image file: `image/png` (base64) or `image/svg+xml`, plus its path as text.
    public static func displayData(path: String) -> [String: Any]? {
        guard let bytes = FileManager.default.contents(atPath: path) else { return nil }
        let name = (path as NSString).pathExtension.lowercased()
        if name == "png" { return ["image/png": bytes.base64EncodedString(), "text/plain": path] }
        guard let svg = String(data: bytes, encoding: .utf8) else { return nil }
        return ["image/svg+xml": svg, "text/plain": path]
    }

    /// A file outside the output folder, named by the output: written since the start, allowing for
    /// the coarse clock of file times.
    private func isRecent(_ path: String) -> Bool {
        guard let stamp = WrittenImages.stamp(path) else { return false }
        return stamp.modified >= start.addingTimeInterval(-WrittenImages.timestampLag)
    }

    static func stamp(_ path: String) -> Stamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let modified = attributes[.modificationDate] as? Date else { return nil }
        let inode = (attributes[.systemFileNumber] as? NSNumber)?.intValue ?? 0
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        return Stamp(inode: inode, size: size, modified: modified)
    }

    /// Every PNG and SVG file below `folder`, by absolute path.
    static func stamps(in folder: String) -> [String: Stamp] {
        let root = WrittenImages.absolute(folder)
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [:] }
        var stamps: [String: Stamp] = [:]
        while let relative = walker.nextObject() as? String {
            guard WrittenImages.extensions.contains((relative as NSString).pathExtension.lowercased()) else { continue }
            let path = (root as NSString).appendingPathComponent(relative)
            stamps[path] = stamp(path)
        }
        return stamps
    }

    /// `path` with `~` expanded, made absolute against the working folder and standardized.
    public static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let full = expanded.hasPrefix("/") ? expanded
            : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(expanded)
        return (full as NSString).standardizingPath
    }

    /// Blank-separated words of `text` that end in `.png` or `.svg` (trailing punctuation removed).
    static func pathTokens(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map {
            String($0).trimmingCharacters(in: CharacterSet(charactersIn: "'\"(),;:"))
        }.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }
    }
}
