import Foundation

/// A name as typed, with where it was typed: a command, an argument label, or a subcommand.
public struct NameSyntax: Equatable, Sendable {
    public var text: String
    public var range: SourceRange

    public init(_ text: String, _ range: SourceRange) {
        self.text = text
        self.range = range
    }
}

/// A value as typed: `3`, `-0.5`, `adam`, `"my file.ult"`, or a comma list `0.9,0.999`.
public struct ValueSyntax: Equatable, Sendable {
    public indirect enum Kind: Equatable, Sendable {
        case word(String)
        /// The number and its spelling (kept so `1e-3` can be echoed as typed).
        case number(Double, String)
        case string(String)
        case list([ValueSyntax])
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// The value spelled as source text (lists joined with `,`, strings quoted when needed).
    public var sourceText: String {
        switch kind {
        case .word(let w): return w
        case .number(_, let s): return s
        case .string(let s):
            let plain = !s.isEmpty && !s.contains(where: { " \t\"'=,#".contains($0) })
            return plain ? s : "\"" + s.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .list(let items): return items.map(\.sourceText).joined(separator: ",")
        }
    }

    /// Text of a scalar value (word, number spelling or string contents); `nil` for lists.
    public var scalarText: String? {
        switch kind {
        case .word(let w): return w
        case .number(_, let s): return s
        case .string(let s): return s
        case .list: return nil
        }
    }
}

/// One argument: positional (`label == nil`) or `label=value`.
public struct ArgumentSyntax: Equatable, Sendable {
    public var label: NameSyntax?
    public var value: ValueSyntax

    public init(label: NameSyntax?, value: ValueSyntax) {
        self.label = label
        self.value = value
    }

    /// From the label (if any) to the end of the value.
    public var range: SourceRange { label.map { $0.range.union(value.range) } ?? value.range }
}

/// One command line: a command name followed by arguments.
public struct Statement: Equatable, Sendable {
    public var command: NameSyntax
    public var arguments: [ArgumentSyntax]
    /// The full text of the line the statement came from (for diagnostics).
    public var source: String

    public init(command: NameSyntax, arguments: [ArgumentSyntax], source: String) {
        self.command = command
        self.arguments = arguments
        self.source = source
    }

    public var line: Int { command.range.line }

    /// From the command name to the end of the last argument.
    public var range: SourceRange { arguments.reduce(command.range) { $0.union($1.range) } }

    /// Positional arguments in order.
    public var positionals: [ValueSyntax] { arguments.filter { $0.label == nil }.map(\.value) }

    /// The canonical spelling: `command pos key=value ...` (comments and extra blanks dropped).
    public var normalizedText: String {
        ([command.text] + arguments.map { arg in
            arg.label.map { "\($0.text)=\(arg.value.sourceText)" } ?? arg.value.sourceText
        }).joined(separator: " ")
    }
}
