/// A span of one command line: `line` is 1-based, `start..<end` are 0-based character columns.
public struct SourceRange: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var start: Int
    public var end: Int

    public init(line: Int, start: Int, end: Int) {
        self.line = line
        self.start = start
        self.end = max(end, start)
    }

    /// The smallest range covering both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(line: line, start: min(start, other.start), end: max(end, other.end))
    }

    /// `line:column`, with a 1-based column as editors show it.
    public var description: String { "\(line):\(start + 1)" }
}

/// One lexical unit of a command line.
public struct Token: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// A bare run of characters that is not a number: `train`, `conv1.weight[0]`, `runs/a.ult`.
        case word
        /// A bare run that parses as a decimal number: `3`, `-0.5`, `1e-3`.
        case number
        /// A quoted string, `"my file.ult"` or `'x'`; `text` holds the contents without quotes.
        case string
        /// `=` between an argument name and its value.
        case equals
        /// `,` between list elements.
        case comma
    }

    public var kind: Kind
    /// The token's value: the word, the number's spelling, or a string's unescaped contents.
    public var text: String
    public var range: SourceRange

    public init(_ kind: Kind, _ text: String, _ range: SourceRange) {
        self.kind = kind
        self.text = text
        self.range = range
    }

    /// The numeric value of a `.number` token.
    public var number: Double? { kind == .number ? Double(text) : nil }
}
