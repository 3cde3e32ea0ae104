import Autograd
import Foundation
import SafeTensorsIO

/// Checksums of a session file's parts: every tensor, the session JSON and the branch list, stored in the file's
/// metadata under `ultimus.checksums` so a flipped byte anywhere is refused at `load`. They detect
/// damage, not tampering (anyone can recompute them); files saved before them load unverified.
enum SessionChecksums {
    static let metadataKey = "ultimus.checksums"
    /// The JSON's entry in the checksum table (no tensor may be called this).
    static let jsonEntry = "__json__"
    /// The branch list's entry (the other branches, parked as session-file bytes).
    static let branchesEntry = "__branches__"

    /// FNV-1a 64 of `bytes`, 16 hex digits (any single changed byte changes it).
    static func digest<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return String(format: "%016llx", h)
    }

    /// The checksum table for `entries`, `json` and the branch list (when there is one), as the metadata value.
    static func table(_ entries: [SafeTensorsEntry], json: [UInt8], branches: String? = nil) -> String {
        var table = [jsonEntry: digest(json)]
        if let branches { table[branchesEntry] = digest(Array(branches.utf8)) }
        for e in entries { table[e.name] = digest(e.bytes) }
        let data = (try? JSONSerialization.data(withJSONObject: table, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Checks `file` against its table. Returns `false` for a file saved without one, or whose
    /// branch list was saved before it had a checksum.
    /// - Throws: ``ExperimentError`` naming the first part that does not match.
    static func verify(_ file: SafeTensorsFile, json: String) throws -> Bool {
        guard let text = file.metadata[metadataKey] else { return false }
        guard let table = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: String] else {
            throw ExperimentError("the checksum table is damaged")
        }
        guard table[jsonEntry] == digest(Array(json.utf8)) else {
            throw ExperimentError("the session metadata does not match its checksum: the file is damaged")
        }
        for e in file.entries where table[e.name] != digest(e.bytes) {
            throw ExperimentError("tensor \(e.name) does not match its checksum: the file is damaged")
        }
        let branches = file.metadata[BranchSet.metadataKey]
        if let expected = table[branchesEntry], expected != branches.map({ digest(Array($0.utf8)) }) {
            throw ExperimentError("the branch list does not match its checksum: the file is damaged")
        }
        guard table.count == file.entries.count + 1 + (table[branchesEntry] == nil ? 0 : 1) else {
            throw ExperimentError("the file lacks tensors its checksum table lists: the file is damaged")
        }
        return branches == nil || table[branchesEntry] != nil
    }
}
