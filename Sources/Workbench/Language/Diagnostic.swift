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
    public var summary: String {
        guard let suggestion, !suggestion.isEmpty else { return message }
        return "\(message); \(suggestion)"
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
        guard let caret = caretLine() else { return header }
        let caretText = pad + green + caret + reset
        // Echoed: the message, then the line and the caret (as compilers print it). Aligned under
        // the user's input still on screen: the caret first, then the message.
        let lines = echoLine ? [header, pad + String(sourceLine.map { $0 == "\t" ? " " : $0 }), caretText] : [caretText, header]
        return lines.joined(separator: "\n")
    }
}
