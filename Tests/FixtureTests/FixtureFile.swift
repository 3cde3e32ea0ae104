import Autograd
import SafeTensorsIO
import Foundation
import Testing
import TestSupport

/// Checks one fixture file; throws (or records issues through ``FixtureFile/expectClose(_:_:rtol:atol:)``)
/// when the engine disagrees with the file.
typealias FixtureChecker = (FixtureFile) throws -> Void

/// A fixture problem that stops its file's check: a missing tensor, a bad or unsupported setting.
struct FixtureError: Error, CustomStringConvertible {
    let description: String
}

/// One PyTorch reference file: its tensors and its `op` settings (JSON text in `__metadata__`).
///
/// Checkers read tensors with ``tensor(_:)`` and compare with ``expectClose(_:_:rtol:atol:)``; every
/// tensor must be read, so a gradient the checker forgot is reported, never silently skipped.
final class FixtureFile {
    let contents: SafeTensorsFile
    /// The file name, for messages.
    let name: String
    private(set) var used: Set<String> = []
    private(set) var mismatches = 0

    init(path: String) throws {
        contents = try SafeTensors.read(path: path)
        name = (path as NSString).lastPathComponent
    }

    /// The `op` metadata.
    var op: String? { contents.metadata["op"] }

    /// Metadata keys that describe the file rather than set the op.
    static let informational: Set<String> = ["op", "torch", "note"]

    // MARK: Tensors

    /// The tensor `key` as Float32 (marks it checked).
    func tensor(_ key: String) throws -> Tensor {
        guard let entry = contents[key] else {
            throw FixtureError(
                description: "\(name): missing tensor '\(key)' (has \(contents.names.joined(separator: ", ")))")
        }
        used.insert(key)
        return entry.tensor()
    }

    /// The tensor `key` when present.
    func optionalTensor(_ key: String) -> Tensor? {
        guard contents[key] != nil else { return nil }
        return try? tensor(key)
    }

    func has(_ key: String) -> Bool { contents[key] != nil }

    /// The raw entry `key` (marks it checked), for integer tensors.
    func entry(_ key: String) throws -> SafeTensorsEntry {
        guard let entry = contents[key] else { throw FixtureError(description: "\(name): missing tensor '\(key)'") }
        used.insert(key)
        return entry
    }

    /// Tensors no checker read.
    var unusedTensors: [String] { contents.names.filter { !used.contains($0) } }

    /// Records an issue unless `actual` matches the file's tensor `key` in element count (shapes may
    /// differ only by size-1 axes, e.g. a loss stored as `[1]`) and values within
    /// `|a − e| ≤ atol + rtol·|e|`.
    func expectClose(_ actual: Tensor?, _ key: String, rtol: Float = 1e-4, atol: Float = 1e-5,
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try tensor(key)
        guard let actual else {
            mismatches += 1
            Issue.record("\(name): '\(key)': the engine produced no value (no gradient?)",
                         sourceLocation: sourceLocation)
            return
        }
        guard actual.shape.filter({ $0 != 1 }) == expected.shape.filter({ $0 != 1 }) else {
            mismatches += 1
            Issue.record("\(name): '\(key)': shape \(actual.shape) vs expected \(expected.shape)",
                         sourceLocation: sourceLocation)
            return
        }
        if let problem = closeness(actual.storage, expected.storage, rtol: rtol, atol: atol) {
            mismatches += 1
            Issue.record("\(name): '\(key)': \(problem)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Settings

    /// Throws when the file sets anything outside `known` (besides informational keys): an
    /// unsupported setting must fail, not be ignored.
    func allowSettings(_ known: [String]) throws {
        let extra = contents.metadata.keys.filter { !known.contains($0) && !FixtureFile.informational.contains($0) }
            .sorted()
        guard extra.isEmpty else {
            let settings = extra.map { "\($0)=\(contents.metadata[$0]!)" }.joined(separator: ", ")
            throw FixtureError(description: "\(name): unsupported setting(s) \(settings)")
        }
    }

    /// The setting `key` parsed as JSON (a bare word such as `mean` reads as a string); `nil` when absent.
    func setting(_ key: String) throws -> JSONValue? {
        guard let text = contents.metadata[key] else { return nil }
        if let value = try? JSONValue.parse(text) { return value }
        return .string(text)
    }

    func bad(_ key: String, _ expectation: String) -> FixtureError {
        FixtureError(description: "\(name): setting \(key)=\(contents.metadata[key] ?? "") is not \(expectation)")
    }

    /// An integer setting; a list of equal integers (`[2, 2]`) counts as one.
    func int(_ key: String, default value: Int) throws -> Int {
        try optionalInt(key) ?? value
    }

    func optionalInt(_ key: String) throws -> Int? {
        guard let v = try setting(key), v != .null else { return nil }
        if let i = v.intValue { return i }
        if let d = v.doubleValue, d == d.rounded() { return Int(d) }
        if let items = v.arrayValue, let first = items.first?.intValue, items.allSatisfy({ $0.intValue == first }) {
            return first
        }
        throw bad(key, "an integer (or a list of equal integers)")
    }

    func float(_ key: String, default value: Float) throws -> Float {
        guard let v = try setting(key), v != .null else { return value }
        guard let d = v.doubleValue else { throw bad(key, "a number") }
        return Float(d)
    }

    func bool(_ key: String, default value: Bool) throws -> Bool {
        guard let v = try setting(key), v != .null else { return value }
        if let b = v.boolValue { return b }
        switch v.stringValue?.lowercased() {
        case "true"?: return true
        case "false"?: return false
        default: throw bad(key, "a boolean")
        }
    }

    func string(_ key: String, default value: String) throws -> String {
        guard let v = try setting(key), v != .null else { return value }
        if let s = v.stringValue { return s }
        return v.serialized
    }

    /// Whether the setting is present and JSON `null` (e.g. `momentum=None`).
    func isNull(_ key: String) throws -> Bool { try setting(key) == .null }
}
