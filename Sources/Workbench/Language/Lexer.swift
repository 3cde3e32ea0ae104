/// Splits one command line into tokens.
///
/// Rules: blanks separate tokens; `#` at the start of a token begins a comment that runs to the end
/// of the line; `=` and `,` are tokens of their own (except inside `[...]`, so `w[0,1]` stays one
/// word); `"..."` and `'...'` are strings with `\"`, `\'` and `\\` escapes; any other run of
/// characters is a number when it reads as one (`3`, `-0.5`, `1e-3`, `.5`) and a word otherwise.
public enum Lexer {
    /// Tokens of `line`, which is line `lineNumber` of its source.
    /// - Throws: a ``Diagnostic`` for an unterminated string or unbalanced brackets.
    public static func tokenize(_ line: String, lineNumber: Int = 1) throws -> [Token] {
        let chars = Array(line)
        var tokens: [Token] = []
        var i = 0
        func range(_ a: Int, _ b: Int) -> SourceRange { SourceRange(line: lineNumber, start: a, end: b) }
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\r" || c == "\n" { i += 1; continue }
            if c == "#" { break }
            if c == "=" { tokens.append(Token(.equals, "=", range(i, i + 1))); i += 1; continue }
            if c == "," { tokens.append(Token(.comma, ",", range(i, i + 1))); i += 1; continue }
            if c == "\"" || c == "'" {
                let (text, next) = try quoted(chars, from: i, line: line, lineNumber: lineNumber)
                tokens.append(Token(.string, text, range(i, next)))
                i = next
                continue
            }
            let next = try bareEnd(chars, from: i, line: line, lineNumber: lineNumber)
            let text = String(chars[i..<next])
            tokens.append(Token(looksNumeric(text) ? .number : .word, text, range(i, next)))
            i = next
        }
        return tokens
    }

    /// True for plain decimal numbers only (no hex, `inf` or `nan`).
    static func looksNumeric(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        // Bytes, not Characters: a pasted line of thousands of characters is scanned quickly.
        guard text.utf8.allSatisfy({
                  (0x30...0x39).contains($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E || $0 == 0x65 || $0 == 0x45
              }),
              text.utf8.contains(where: { (0x30...0x39).contains($0) }) else { return false }
        guard first == "-" || first == "+" || first == "." || ("0"..."9").contains(first) else { return false }
        return Double(text) != nil
    }

    private static func quoted(_ chars: [Character], from start: Int, line: String, lineNumber: Int)
        throws -> (String, Int)
    {
        let quote = chars[start]
        var text = ""
        var i = start + 1
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, chars[i + 1] == quote || chars[i + 1] == "\\" {
                text.append(chars[i + 1])
                i += 2
                continue
            }
            if c == quote { return (text, i + 1) }
            text.append(c)
            i += 1
        }
        throw Diagnostic(
            "unterminated string", at: SourceRange(line: lineNumber, start: start, end: start + 1),
            in: line, suggestion: "add a closing \(quote) at the end of the string")
    }

    private static func bareEnd(_ chars: [Character], from start: Int, line: String, lineNumber: Int) throws -> Int {
        var depth = 0
        var i = start
        var openedAt = start
        while i < chars.count {
            let c = chars[i]
            if c == "[" { if depth == 0 { openedAt = i }; depth += 1 }
            if c == "]" {
                if depth == 0 {
                    throw Diagnostic(
                        "unbalanced ']'", at: SourceRange(line: lineNumber, start: i, end: i + 1), in: line,
                        suggestion: "subscripts look like conv1.weight[0]")
                }
                depth -= 1
            }
            if depth == 0 {
                if c == " " || c == "\t" || c == "\r" || c == "\n" || c == "=" || c == "," || c == "\"" || c == "'" {
                    break
                }
            }
            i += 1
        }
        if depth > 0 {
            throw Diagnostic(
                "unclosed '['", at: SourceRange(line: lineNumber, start: openedAt, end: openedAt + 1), in: line,
                suggestion: "add a closing ']'")
        }
        return i
    }
}
