import Autograd
import Foundation

extension Shell {
    /// Candidates for Tab at `cursor` (a character offset into `line`).
    ///
    /// The fragment being completed starts after the last blank, `=` or `,` before the cursor; each
    /// candidate replaces that fragment. Argument names come with their `=`; folders end in `/`.
    public func completions(line: String, cursor: Int) -> [String] {
        let before = String(line.prefix(max(0, min(cursor, line.count))))
        let words = Shell.splitWords(before)
        let fragment = Shell.fragment(before)
        guard words.count > 1 else {
            return (table.names + table.commands.flatMap(\.aliases)).filter { $0.hasPrefix(fragment) }.sorted()
        }
        guard let spec = table.command(named: words[0]) else { return [] }
        let current = words[words.count - 1]
        let earlier = Array(words.dropFirst().dropLast())
        let sub = earlier.first.flatMap { spec.subcommand(named: $0) }
        if let eq = current.firstIndex(of: "=") {
            let name = String(current[..<eq])
            guard let arg = spec.arguments(for: sub).first(where: { $0.name == name }) else { return [] }
            return values(of: arg.type, completion: arg.completion, fragment: fragment)
        }
        var candidates: [String] = []
        let positionals = earlier.filter { !$0.contains("=") }
        if spec.name == "help" {
            if positionals.isEmpty { return table.names.filter { $0.hasPrefix(fragment) }.sorted() }
            if positionals.count == 1, let target = table.command(named: positionals[0]) {
                return target.subcommands.map(\.name).filter { $0.hasPrefix(fragment) }
            }
            return []
        }
        if positionals.isEmpty, !spec.subcommands.isEmpty { candidates += spec.subcommands.map(\.name) }
        let positionalSpecs = spec.positionals(for: sub)
        let index = positionals.count - (sub == nil ? 0 : 1)
        if sub != nil || spec.subcommands.isEmpty || !spec.subcommandRequired, index >= 0,
           index < positionalSpecs.count {
            let p = positionalSpecs[index]
            candidates += values(of: p.type, completion: p.completion, fragment: fragment)
        }
        if sub != nil || spec.subcommands.isEmpty || !spec.subcommandRequired || !positionals.isEmpty {
            let given = Set(earlier.compactMap { $0.split(separator: "=").first.map(String.init) })
            candidates += spec.arguments(for: sub).map(\.name).filter { !given.contains($0) }.map { $0 + "=" }
        }
        return candidates.filter { $0.hasPrefix(fragment) }
    }

    private func values(of type: ArgumentType, completion: NameKind, fragment: String) -> [String] {
        var words = type.completionWords
        switch completion {
        case .path: return Shell.pathCompletions(fragment)
        case .command: words += table.names
        case .none: break
        case .layer, .tensor, .block: words += nameProvider(completion, session)
        }
        return words.filter { $0.hasPrefix(fragment) }
    }

    /// Blank-separated words before the cursor; the last is the one being typed (possibly empty).
    static func splitWords(_ text: String) -> [String] {
        var words: [String] = [""]
        var quote: Character?
        for c in text {
            if let q = quote {
                if c == q { quote = nil } else { words[words.count - 1].append(c) }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == " " || c == "\t" {
                if !words[words.count - 1].isEmpty { words.append("") }
            } else {
                words[words.count - 1].append(c)
            }
        }
        return words
    }

    /// The text after the last blank, `=` or `,` (and after an opening quote).
    public static func fragment(_ text: String) -> String {
        var start = text.endIndex
        while start > text.startIndex {
            let previous = text.index(before: start)
            if " \t=,\"'".contains(text[previous]) { break }
            start = previous
        }
        return String(text[start...])
    }

    /// Files and folders whose path starts with `fragment` (`~` expanded for the lookup only).
    static func pathCompletions(_ fragment: String) -> [String] {
        let slash = fragment.lastIndex(of: "/")
        let folderPart = slash.map { String(fragment[...$0]) } ?? ""
        let namePart = slash.map { String(fragment[fragment.index(after: $0)...]) } ?? fragment
        let folder = folderPart.isEmpty ? "." : PathName.expandingTilde(folderPart)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        let matching = entries.filter { $0.hasPrefix(namePart) && (namePart.hasPrefix(".") || !$0.hasPrefix(".")) }
        return matching.sorted().map {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent($0),
                                               isDirectory: &isDirectory)
            return folderPart + $0 + (isDirectory.boolValue ? "/" : "")
        }
    }
}
