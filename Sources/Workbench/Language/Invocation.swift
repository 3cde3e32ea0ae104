import Foundation

/// A checked, converted argument value.
public indirect enum ArgumentValue: Equatable, Sendable, CustomStringConvertible {
    case int(Int)
    case float(Double)
    case bool(Bool)
    /// Strings, paths and choice words.
    case string(String)
    case list([ArgumentValue])

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .float(let v): return Self.format(v)
        case .bool(let v): return v ? "true" : "false"
        case .string(let v): return v
        case .list(let items): return items.map(\.description).joined(separator: ",")
        }
    }

    /// Shortest spelling that reads back as the same number (`0.001` → `0.001`, `1e-07`).
    static func format(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        // Swift writes 1e-07; people write 1e-7.
        return "\(v)".replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e+", with: "e")
    }

    var asDouble: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .float(let v): return v
        default: return nil
        }
    }
}

/// A command line checked against the command table: what handlers receive.
///
/// Positionals are stored under their spec's lower-case name (`path`, `name`, `block`), next to
/// the `name=value` arguments; defaults are filled in. Accessors return `nil` for an absent value
/// with no default, and convert where it is lossless (an `int` reads as a `double`; a single value
/// reads as a list of one).
public struct Invocation: Sendable {
    /// The command's canonical name (`quit` for `exit`).
    public var command: String
    /// The subcommand word, if the command has one (`adam` in `optim adam lr=1e-3`).
    public var subcommand: String?
    /// Values by argument or positional name, including defaults.
    public var values: [String: ArgumentValue]
    /// Names the user gave explicitly (not filled from defaults).
    public var explicit: Set<String>
    /// Where each explicit value was typed.
    public var ranges: [String: SourceRange]
    /// The syntax tree it came from.
    public var statement: Statement

    public init(
        command: String, subcommand: String?, values: [String: ArgumentValue], explicit: Set<String>,
        ranges: [String: SourceRange], statement: Statement
    ) {
        self.command = command
        self.subcommand = subcommand
        self.values = values
        self.explicit = explicit
        self.ranges = ranges
        self.statement = statement
    }

    /// `command` or `command subcommand`: the key handlers are registered under.
    public var key: String { subcommand.map { "\(command) \($0)" } ?? command }

    /// The replayable spelling of the line as typed (comments and extra blanks dropped).
    public var text: String { statement.normalizedText }

    public func value(_ name: String) -> ArgumentValue? { values[name] }

    /// Whether the user typed this argument (as opposed to it coming from a default).
    public func isExplicit(_ name: String) -> Bool { explicit.contains(name) }

    public func int(_ name: String) -> Int? {
        switch values[name] {
        case .int(let v)?: return v
        case .float(let v)? where v == v.rounded() && abs(v) < 9e15: return Int(v)
        case .list(let items)? where items.count == 1:
            if case .int(let v) = items[0] { return v }
            return nil
        default: return nil
        }
    }

    public func double(_ name: String) -> Double? {
        switch values[name] {
        case .list(let items)? where items.count == 1: return items[0].asDouble
        case let v?: return v.asDouble
        case nil: return nil
        }
    }

    public func bool(_ name: String) -> Bool? {
        if case .bool(let v)? = values[name] { return v }
        return nil
    }

    /// Strings, paths and choice words; numbers are given in their canonical spelling.
    public func string(_ name: String) -> String? {
        switch values[name] {
        case .list(let items)?: return items.count == 1 ? items[0].description : nil
        case let v?: return v.description
        case nil: return nil
        }
    }

    public func strings(_ name: String) -> [String]? { list(name)?.map(\.description) }

    public func doubles(_ name: String) -> [Double]? {
        guard let items = list(name) else { return nil }
        let ds = items.compactMap(\.asDouble)
        return ds.count == items.count ? ds : nil
    }

    public func ints(_ name: String) -> [Int]? {
        guard let items = list(name) else { return nil }
        let vs = items.compactMap { item -> Int? in if case .int(let v) = item { v } else { nil } }
        return vs.count == items.count ? vs : nil
    }

    /// The value as a list (a scalar is a list of one).
    public func list(_ name: String) -> [ArgumentValue]? {
        switch values[name] {
        case .list(let items)?: return items
        case let v?: return [v]
        case nil: return nil
        }
    }

    /// A subcommand or choice word as the type that names it (`OptimizerKind` for `adam`). The
    /// command table already checked the word, so a failure means the table and the type disagree.
    public func word<Word: RawRepresentable>(_ type: Word.Type, _ text: String) throws -> Word
    where Word.RawValue == String {
        guard let word = Word(rawValue: text) else { throw error("'\(text)' is not a choice of '\(command)'") }
        return word
    }

    /// A diagnostic pointing at argument `name` (or at the whole line when it was not typed), for
    /// errors only the handler can detect: `throw invocation.error("no model yet", at: nil, suggestion: "...")`.
    public func error(_ message: String, at name: String? = nil, suggestion: String? = nil) -> Diagnostic {
        let range = name.flatMap { ranges[$0] } ?? statement.range
        return Diagnostic(message, at: range, in: statement.source, suggestion: suggestion)
    }
}
