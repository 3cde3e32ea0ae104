/// An error in a command line: what is wrong, where, and what to type instead.
///
/// Rendered as
/// ```
/// quick.ult:3: error: 'train' has no argument 'epoch'; did you mean 'epochs'?
///   train epoch=3
///         ^~~~~
/// ```
public struct Diagnostic: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    /// Where the problem is; `nil` when it concerns the line as a whole.
    public var range: SourceRange?
    /// A hint such as `did you mean 'train'?`.
    public var suggestion: String?
    /// The text of the offending line.
    public var sourceLine: String

    public init(_ message: String, at range: SourceRange?, in sourceLine: String, suggestion: String? = nil) {
        self.message = message
        self.range = range
        self.sourceLine = sourceLine
        self.suggestion = suggestion
    }

    /// The message and suggestion on one line: `unknown command 'trian'; did you mean 'train'?`.
    /// Control characters (from a file's field, say) are shown as escapes, never sent to the terminal.
    public var summary: String {
        let text = suggestion.map { $0.isEmpty ? message : "\(message); \($0)" } ?? message
        return Self.clipped(PrintableText.escaped(text), to: 400)
    }

    /// Columns of the source line shown around the error (a 10 MB line prints one screen line).
    static let shownColumns = 160

    /// `text` cut to `limit` characters, saying how much was left out.
    static func clipped(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "… (\(text.count - limit) more characters)"
    }

    public var description: String { summary }

    /// The caret line: `^` under the first column and `~` under the rest of the range.
    public func caretLine() -> String? {
        guard let range else { return nil }
        let width = max(1, range.end - range.start)
        return String(repeating: " ", count: range.start) + "^" + String(repeating: "~", count: width - 1)
    }

    /// Full rendering.
    /// - Parameters:
    ///   - file: script name, giving the `FILE:LINE: error:` prefix; `nil` for interactive input.
    ///   - echoLine: show the source line above the caret (off when the user's input is still on
    ///     screen right above, in which case `indent` is the prompt's width).
    ///   - indent: columns before the source line (2 when echoed).
    ///   - color: ANSI colour for `error:` and the caret.
    public func rendered(file: String? = nil, echoLine: Bool = true, indent: Int = 2, color: Bool = false) -> String {
        let red = color ? "\u{1B}[1;31m" : "", green = color ? "\u{1B}[1;32m" : "", reset = color ? "\u{1B}[0m" : ""
        let pad = String(repeating: " ", count: indent)
        let prefix = file.map { "\($0):\(range?.line ?? 1): " } ?? ""
        let header = prefix + red + "error:" + reset + " " + summary
        guard let range, let caret = caretLine() else { return header }
        // Echoed: the message, then the line and the caret (as compilers print it). Aligned under
        // the user's input still on screen: the caret first, then the message. A long line is
        // shown as a window around the error.
        let characters = Array(sourceLine.map { $0 == "\t" ? " " : $0 })
        guard echoLine, characters.count > Self.shownColumns else {
            let caretText = pad + green + caret + reset
            let lines = echoLine ? [header, pad + String(characters), caretText] : [caretText, header]
            return lines.joined(separator: "\n")
        }
        let first = max(0, min(range.start - 40, characters.count - Self.shownColumns))
        let shown = String(characters[first..<min(characters.count, first + Self.shownColumns)])
        let width = max(1, min(range.end, first + Self.shownColumns) - range.start)
        let window = String(repeating: " ", count: max(0, range.start - first)) + "^"
            + String(repeating: "~", count: width - 1)
        let lines = [header, pad + (first > 0 ? "…" : "") + shown + "…",
                     pad + (first > 0 ? " " : "") + green + window + reset]
        return lines.joined(separator: "\n")
    }
}
