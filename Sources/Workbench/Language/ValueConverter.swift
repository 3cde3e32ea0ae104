/// Converts typed values to ``ArgumentValue``s of an ``ArgumentType``, with one-line errors.
enum ValueConverter {
    static let trueWords: Set<String> = ["true", "yes", "on", "1"]
    static let falseWords: Set<String> = ["false", "no", "off", "0"]

    static func convert(_ value: ValueSyntax, to type: ArgumentType, range: ClosedRange<Double>?, name: String,
                        line: String) throws -> ArgumentValue
    {
        if case .list(let element) = type {
            let items: [ValueSyntax]
            if case .list(let vs) = value.kind { items = vs } else { items = [value] }
            return .list(try items.map { try convert($0, to: element, range: range, name: name, line: line) })
        }
        if case .list = value.kind {
            throw Diagnostic(
                "\(name) takes one value, not a list", at: value.range, in: line,
                suggestion: "expected \(type)")
        }
        let text = value.scalarText ?? ""
        func fail(_ what: String, _ suggestion: String? = nil) -> Diagnostic {
            Diagnostic("\(name) expects \(what), got '\(text)'", at: value.range, in: line, suggestion: suggestion)
        }
        switch type {
        case .int:
            guard case .number(let v, _) = value.kind, v == v.rounded(), abs(v) < 9e15 else {
                // Only a near-integer of sensible size gets a suggestion (Int(1e300) would trap).
                let near = Double(text).flatMap { abs($0) < 9e15 ? Int($0.rounded()) : nil }
                throw fail("an integer", near.map { "did you mean '\(name)=\($0)'?" })
            }
            try check(v, range, name: name, value: value, line: line)
            return .int(Int(v))
        case .float:
            guard case .number(let v, _) = value.kind else { throw fail("a number") }
            try check(v, range, name: name, value: value, line: line)
            return .float(v)
        case .bool:
            let lower = text.lowercased()
            if trueWords.contains(lower) { return .bool(true) }
            if falseWords.contains(lower) { return .bool(false) }
            throw fail("true or false", EditDistance.suggestion(for: lower, in: ["true", "false"]))
        case .string, .path:
            guard !text.isEmpty else { throw fail("a non-empty \(type == .path ? "path" : "text")") }
            return .string(text)
        case .choice(let words):
            if words.contains(text) { return .string(text) }
            throw Diagnostic(
                "\(name) must be \(CommandTable.orList(words)), not '\(text)'", at: value.range, in: line,
                suggestion: EditDistance.suggestion(for: text, in: words))
        case .list:
            throw fail("a list")
        }
    }

    private static func check(_ v: Double, _ range: ClosedRange<Double>?, name: String, value: ValueSyntax,
                              line: String) throws {
        guard let range, !range.contains(v) else { return }
        let lo = ArgumentValue.format(range.lowerBound), hi = ArgumentValue.format(range.upperBound)
        let bounds: String
        if range.lowerBound == .leastNonzeroMagnitude {
            bounds = range.upperBound == .greatestFiniteMagnitude
                ? "greater than 0" : "greater than 0 and at most \(hi)"
        }
        else if range.upperBound == .greatestFiniteMagnitude { bounds = "at least \(lo)" }
        else if range.lowerBound == -.greatestFiniteMagnitude { bounds = "at most \(hi)" }
        else { bounds = "between \(lo) and \(hi)" }
        throw Diagnostic("\(name) must be \(bounds), got \(value.sourceText)", at: value.range, in: line)
    }
}
