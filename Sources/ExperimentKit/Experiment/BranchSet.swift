import Foundation

/// The named branches of a session: the one in use lives in the ``Session``; the others are parked
/// as session-file bytes (``SessionFile/encode(_:startSeed:branches:)``), so each resumes exactly.
public final class BranchSet {
    /// Metadata key of the branches in a session file.
    public static let metadataKey = "ultimus.branches"
    /// The branch in use.
    public var current = "main"
    /// Every branch's name, in creation order (the current one included).
    public var names = ["main"]
    /// The parked branches' session-file bytes, by name.
    public var parked: [String: [UInt8]] = [:]

    public init() {}

    /// The names a branch may have: letters, digits, `-`, `_`, `.`, at most 40.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 40 && name.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
    }

    /// A copy (the parked bytes are values).
    public func copy() -> BranchSet {
        let c = BranchSet()
        (c.current, c.names, c.parked) = (current, names, parked)
        return c
    }

    struct Stored: Codable {
        var current: String
        var names: [String]
        var parked: [String: String]
    }

    /// The metadata value for a session file; `nil` with a single branch called `main`.
    func metadata() throws -> String? {
        guard names != ["main"] || current != "main" else { return nil }
        let stored = Stored(current: current, names: names, parked: parked.mapValues { Data($0).base64EncodedString() })
        return String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
    }

    /// The branches stored in a session file's metadata, each parked branch checked by decoding it.
    /// - Throws: ``ExperimentError`` naming the damaged part.
    static func read(_ metadata: String?) throws -> BranchSet? {
        guard let metadata else { return nil }
        let stored: Stored
        do { stored = try JSONDecoder().decode(Stored.self, from: Data(metadata.utf8)) } catch {
            throw ExperimentError("the branch list is damaged (\(SessionFile.describe(error)))")
        }
        let set = BranchSet()
        guard stored.names.allSatisfy(isValidName), Set(stored.names).count == stored.names.count,
              stored.names.contains(stored.current),
              Set(stored.parked.keys) == Set(stored.names).subtracting([stored.current]) else {
            throw ExperimentError("the branch list is damaged (names and parked branches disagree)")
        }
        for (name, text) in stored.parked {
            guard let data = Data(base64Encoded: text) else {
                throw ExperimentError("branch \(name) is damaged (not base64)")
            }
            let bytes = [UInt8](data)
            do { _ = try SessionFile.decodePart(bytes, name: "branch \(name)") } catch let error as ExperimentError {
                throw ExperimentError(error.message)
            }
            set.parked[name] = bytes
        }
        (set.current, set.names) = (stored.current, stored.names)
        return set
    }
}
