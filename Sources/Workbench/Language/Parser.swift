/// Turns command lines into syntax trees. Pure: it knows nothing of the command table or the session.
///
/// Grammar (one statement per line):
/// ```
/// statement := WORD argument*
/// argument  := WORD '=' value | value
/// value     := atom (',' atom)*
/// atom      := WORD | NUMBER | STRING
/// ```
public enum Parser {
    /// The statement on `line`, or `nil` for a blank or comment-only line.
    /// - Throws: a ``Diagnostic`` pointing at the offending column.
    public static func parse(line: String, lineNumber: Int = 1) throws -> Statement? {
        let tokens = try Lexer.tokenize(line, lineNumber: lineNumber)
        guard let first = tokens.first else { return nil }
        guard first.kind == .word else {
            throw Diagnostic(
                "expected a command name, found \(describe(first))", at: first.range, in: line,
                suggestion: "type 'help' for the list of commands")
        }
        var arguments: [ArgumentSyntax] = []
        var i = 1
        while i < tokens.count {
            let token = tokens[i]
            if i + 1 < tokens.count, tokens[i + 1].kind == .equals {
                guard token.kind == .word, isIdentifier(token.text) else {
                    throw Diagnostic(
                        "\(describe(token)) cannot be an argument name", at: token.range, in: line,
                        suggestion: "argument names are words like lr or max_lr")
                }
                let label = NameSyntax(token.text, token.range)
                guard i + 2 < tokens.count, tokens[i + 2].kind != .equals, tokens[i + 2].kind != .comma else {
                    let at = i + 2 < tokens.count ? tokens[i + 2].range : tokens[i + 1].range
                    throw Diagnostic(
                        "missing value after '\(token.text)='", at: at, in: line,
                        suggestion: "write \(token.text)=VALUE with no blank after '='")
                }
                let (value, next) = try parseValue(tokens, from: i + 2, line: line)
                arguments.append(ArgumentSyntax(label: label, value: value))
                i = next
            } else {
                let (value, next) = try parseValue(tokens, from: i, line: line)
                arguments.append(ArgumentSyntax(label: nil, value: value))
                i = next
            }
        }
        return Statement(command: NameSyntax(first.text, first.range), arguments: arguments, source: line)
    }

    /// Every statement of a script, with its 1-based line number; stops at the first error.
    public static func parse(script: String) -> Result<[Statement], Diagnostic> {
        var statements: [Statement] = []
        for (index, line) in script.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            do {
                if let s = try parse(line: String(line), lineNumber: index + 1) { statements.append(s) }
            } catch let d as Diagnostic {
                return .failure(d)
            } catch {
                return .failure(Diagnostic("\(error)", at: nil, in: String(line)))
            }
        }
        return .success(statements)
    }

    private static func parseValue(_ tokens: [Token], from start: Int, line: String) throws -> (ValueSyntax, Int) {
        var items: [ValueSyntax] = []
        var i = start
        while true {
            let token = tokens[i]
            guard let element = atom(token) else {
                throw Diagnostic(
                    "unexpected \(describe(token))", at: token.range, in: line,
                    suggestion: token.kind == .equals ? "write name=value with no blanks around '='" : nil)
            }
            items.append(element)
            i += 1
            guard i < tokens.count, tokens[i].kind == .comma else { break }
            guard i + 1 < tokens.count, atom(tokens[i + 1]) != nil else {
                throw Diagnostic(
                    "missing list element after ','", at: tokens[i].range, in: line,
                    suggestion: "lists are written without blanks: betas=0.9,0.999")
            }
            i += 1
        }
        if items.count == 1 { return (items[0], i) }
        return (ValueSyntax(.list(items), items[0].range.union(items[items.count - 1].range)), i)
    }

    private static func atom(_ token: Token) -> ValueSyntax? {
        switch token.kind {
        case .word: return ValueSyntax(.word(token.text), token.range)
        case .number: return ValueSyntax(.number(token.number ?? 0, token.text), token.range)
        case .string: return ValueSyntax(.string(token.text), token.range)
        case .equals, .comma: return nil
        }
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    private static func describe(_ token: Token) -> String {
        let text = PrintableText.escaped(token.text)
        switch token.kind {
        case .word: return "'\(text)'"
        case .number: return "number '\(text)'"
        case .string: return "string \"\(text)\""
        case .equals: return "'='"
        case .comma: return "','"
        }
    }
}
