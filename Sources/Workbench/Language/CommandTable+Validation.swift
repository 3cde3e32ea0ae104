extension CommandTable {
    /// Checks `statement` against the table and converts its values.
    /// - Throws: a ``Diagnostic`` with the column of the first problem and a suggestion.
    public func validate(_ statement: Statement) throws -> Invocation {
        let line = statement.source
        guard let spec = command(named: statement.command.text) else {
            let word = statement.command.text
            throw Diagnostic(
                "unknown command '\(word)'", at: statement.command.range, in: line,
                suggestion: EditDistance.suggestion(for: word, in: names + commands.flatMap(\.aliases))
                    ?? "type 'help' for the list of commands")
        }
        var positionals = statement.arguments.filter { $0.label == nil }.map(\.value)
        let sub = try subcommand(of: spec, from: &positionals, statement: statement)
        var builder = Builder(spec: spec, sub: sub, statement: statement)
        try builder.bindPositionals(positionals)
        for argument in statement.arguments {
            if let label = argument.label { try builder.bindNamed(label, argument.value) }
        }
        try builder.finish()
        return Invocation(
            command: spec.name, subcommand: sub?.name, values: builder.values, explicit: builder.explicit,
            ranges: builder.ranges, statement: statement)
    }

    /// Parses and validates one line; `nil` for a blank or comment line.
    public func invocation(for line: String, lineNumber: Int = 1) throws -> Invocation? {
        guard let statement = try Parser.parse(line: line, lineNumber: lineNumber) else { return nil }
        return try validate(statement)
    }

    private func subcommand(of spec: CommandSpec, from positionals: inout [ValueSyntax], statement: Statement) throws
        -> SubcommandSpec?
    {
        guard !spec.subcommands.isEmpty else { return nil }
        let choices = spec.subcommands.map(\.name)
        let listed = Self.orList(choices)
        guard let first = positionals.first else {
            if !spec.subcommandRequired { return nil }
            throw Diagnostic(
                "'\(spec.name)' needs one of \(listed)", at: Self.endOf(statement), in: statement.source,
                suggestion: "for example: \(spec.examples.first ?? spec.name)")
        }
        if case .word(let w) = first.kind, let sub = spec.subcommand(named: w) {
            positionals.removeFirst()
            return sub
        }
        if !spec.subcommandRequired, !spec.positionals.isEmpty { return nil }
        if !spec.subcommandRequired, first.scalarText.map(Parser.isIdentifier) != true { return nil }
        let typed = first.scalarText ?? first.sourceText
        throw Diagnostic(
            "'\(spec.name)' has no '\(typed)'; choose \(listed)", at: first.range, in: statement.source,
            suggestion: EditDistance.suggestion(for: typed, in: choices))
    }

    static func endOf(_ statement: Statement) -> SourceRange {
        let end = statement.range.end
        return SourceRange(line: statement.line, start: end, end: end + 1)
    }

    /// `a, b or c`.
    static func orList(_ words: [String]) -> String {
        if words.count <= 1 { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " or " + words[words.count - 1]
    }
}

/// Accumulates the values of one invocation while checking them.
private struct Builder {
    let spec: CommandSpec
    let sub: SubcommandSpec?
    let statement: Statement
    let arguments: [ArgumentSpec]
    var values: [String: ArgumentValue] = [:]
    var explicit: Set<String> = []
    var ranges: [String: SourceRange] = [:]

    init(spec: CommandSpec, sub: SubcommandSpec?, statement: Statement) {
        self.spec = spec
        self.sub = sub
        self.statement = statement
        self.arguments = spec.arguments(for: sub)
    }

    var title: String { sub.map { "\(spec.name) \($0.name)" } ?? spec.name }

    /// An example of this command containing `text`, preferring one of the same subcommand
    /// (`data folder path=...` for `data folder`, not `data cifar10 path=...`).
    func example(containing text: String = "") -> String? {
        let matching = spec.examples.filter { text.isEmpty || $0.contains(text) }
        return matching.first { $0.hasPrefix(title + " ") } ?? (sub == nil ? matching.first : nil)
    }
    var line: String { statement.source }

    mutating func bindPositionals(_ given: [ValueSyntax]) throws {
        let specs = spec.positionals(for: sub)
        for (index, value) in given.enumerated() {
            guard index < specs.count else { throw extraPositional(value, expected: specs.count) }
            let p = specs[index]
            values[p.name] = try ValueConverter.convert(value, to: p.type, range: nil, name: p.name.uppercased(),
                                                        line: line)
            explicit.insert(p.name)
            ranges[p.name] = value.range
        }
        for p in specs.dropFirst(given.count) where p.required {
            throw Diagnostic(
                "'\(title)' needs \(p.name.uppercased()) (\(p.help))", at: CommandTable.endOf(statement),
                in: line, suggestion: example().map { "for example: \($0)" })
        }
    }

    private func extraPositional(_ value: ValueSyntax, expected: Int) -> Diagnostic {
        let typed = value.scalarText ?? value.sourceText
        var suggestion: String?
        if let named = arguments.first(where: { $0.name == typed }) {
            suggestion = "did you mean '\(named.name)=...'?"
        } else if case .number = value.kind,
                  let numeric = arguments.first(where: { $0.type == .int || $0.type == .float }) {
            suggestion = "did you mean '\(numeric.name)=\(typed)'?"
        } else if let close = EditDistance.closest(to: typed, in: (spec.subcommands.map(\.name))) {
            suggestion = "did you mean '\(close)'?"
        } else if let close = EditDistance.closest(to: typed, in: arguments.map(\.name)) {
            suggestion = "did you mean '\(close)=...'?"
        }
        let what = expected == 0 ? "takes no positional value"
            : "takes \(expected) positional value\(expected == 1 ? "" : "s")"
        return Diagnostic("'\(title)' \(what), got '\(typed)'", at: value.range, in: line, suggestion: suggestion)
    }

    mutating func bindNamed(_ label: NameSyntax, _ value: ValueSyntax) throws {
        guard let arg = arguments.first(where: { $0.name == label.text }) else { throw unknownArgument(label) }
        if explicit.contains(arg.name) {
            throw Diagnostic(
                "'\(arg.name)' is given twice", at: label.range, in: line, suggestion: "keep one \(arg.name)=...")
        }
        values[arg.name] = try ValueConverter.convert(value, to: arg.type, range: arg.range, name: arg.name, line: line)
        explicit.insert(arg.name)
        ranges[arg.name] = label.range.union(value.range)
    }

    private func unknownArgument(_ label: NameSyntax) -> Diagnostic {
        let names = arguments.map(\.name)
        if let other = spec.subcommands.first(where: { s in s.arguments.contains { $0.name == label.text } }) {
            return Diagnostic(
                "'\(label.text)' belongs to '\(spec.name) \(other.name)', not '\(title)'", at: label.range, in: line,
                suggestion: EditDistance.suggestion(for: label.text, in: names))
        }
        let known = names.isEmpty ? "it takes no arguments" : "its arguments are \(names.joined(separator: ", "))"
        return Diagnostic(
            "'\(title)' has no argument '\(label.text)'", at: label.range, in: line,
            suggestion: EditDistance.suggestion(for: label.text, in: names) ?? known)
    }

    mutating func finish() throws {
        for group in spec.exclusive {
            let given = group.filter { explicit.contains($0) }
            if given.count > 1, let range = ranges[given[1]] {
                throw Diagnostic(
                    "give only one of \(group.joined(separator: ", "))", at: range, in: line,
                    suggestion: "drop \(given[1])=")
            }
        }
        for arg in arguments {
            if arg.required, !explicit.contains(arg.name) {
                throw Diagnostic(
                    "'\(title)' needs \(arg.name)=\(arg.type) (\(arg.help))", at: CommandTable.endOf(statement),
                    in: line, suggestion: example(containing: "\(arg.name)=").map { "for example: \($0)" })
            }
            if values[arg.name] == nil, let d = arg.defaultValue { values[arg.name] = d }
        }
    }
}
