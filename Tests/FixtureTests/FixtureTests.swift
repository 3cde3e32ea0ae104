import Autograd
import Foundation
import Testing

/// Every `*.safetensors` file in the fixtures folder (`Tests/Fixtures` and its subfolders, or `ULTIMUS_FIXTURES`) is
/// checked against the engine by the checker registered for its `op`. An unknown op, an
/// unsupported setting or an unread tensor is a failure, never a skip.
@Suite struct FixtureTests {
    /// All checkers by op name: the op-level ones and the layer-level ones.
    static var checkers: [String: FixtureChecker] {
        opFixtureCheckers.merging(layerFixtureCheckers) { op, _ in op }
            .merging(attentionFixtureCheckers) { op, _ in op }
    }

    static var folder: String {
        if let override = ProcessInfo.processInfo.environment["ULTIMUS_FIXTURES"], !override.isEmpty { return override }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").path
    }

    @Test func everyFixtureFileMatchesPyTorch() throws {
        let folder = Self.folder
        // Subfolders (`attention/`) are searched too; names are relative to the folder.
        let names = (FileManager.default.subpaths(atPath: folder) ?? [])
            .filter { $0.hasSuffix(".safetensors") }.sorted()
        #expect(!names.isEmpty, "no *.safetensors files in \(folder)")
        let checkers = Self.checkers
        var checked = 0, failed: [String] = []
        for name in names {
            let path = folder + "/" + name
            do {
                let file = try FixtureFile(path: path)
                guard let op = file.op else { throw FixtureError(description: "\(name): no 'op' in __metadata__") }
                guard let check = checkers[op] else {
                    let known = checkers.keys.sorted().joined(separator: ", ")
                    throw FixtureError(description: "\(name): no checker for op '\(op)' (known: \(known))")
                }
                try check(file)
                let unused = file.unusedTensors
                if !unused.isEmpty {
                    throw FixtureError(description: "\(name): tensors not checked: \(unused.joined(separator: ", "))")
                }
                if file.mismatches > 0 { failed.append(name) }
            } catch {
                Issue.record("\(error)")
                failed.append(name)
            }
            checked += 1
        }
        let failures = failed.isEmpty ? "" : " (\(failed.count) failed: \(failed.joined(separator: ", ")))"
        print("checked \(checked) fixture files" + failures)
    }
}
