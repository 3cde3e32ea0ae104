import Foundation

/// Finds the charts and images a command wrote: PNG and SVG files in the output folder modified
/// since the command started, and any such file the command's output names (`wrote PATH`).
public struct WrittenImages {
    static let extensions: Set<String> = ["png", "svg"]

    let outputFolder: String
    let start: Date

    public init(outputFolder: String, start: Date) {
        self.outputFolder = outputFolder
        self.start = start
    }

    /// The image files written since `start`, in the order the output names them, then by time.
    public func find(mentionedIn output: String) -> [String] {
        var found: [String] = []
        for token in WrittenImages.pathTokens(output).map(WrittenImages.absolute)
        where isFresh(token) && !found.contains(token) {
            found.append(token)
        }
        for path in freshFilesInOutput() where !found.contains(path) { found.append(path) }
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

    private func isFresh(_ path: String) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let modified = attributes[.modificationDate] as? Date else { return false }
        return modified >= start
    }

    private func freshFilesInOutput() -> [String] {
        let root = WrittenImages.absolute(outputFolder)
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var fresh: [(String, Date)] = []
        while let relative = walker.nextObject() as? String {
            guard WrittenImages.extensions.contains((relative as NSString).pathExtension.lowercased()) else { continue }
            let path = (root as NSString).appendingPathComponent(relative)
            if let date = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
               date >= start {
                fresh.append((path, date))
            }
        }
        return fresh.sorted { $0.1 < $1.1 }.map(\.0)
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
