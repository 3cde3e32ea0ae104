import Autograd
import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

/// Fuzzing what the line fuzzer never reached: huge numbers in every numeric argument, one-character
/// relative paths in every path argument, and session files mutated field by field, all through
/// the `ultimus-repl` binary (release under `make check-release`), which must never die of a signal.
/// `ULTIMUS_SESSION_FUZZ_COUNT` sets how many mutated files (`make fuzz` runs many more).
@Suite(.serialized, .enabled(if: ReplBinary.path != nil, "ultimus-repl is not built"),
       .enabled(if: ProcessInfo.processInfo.environment["ULTIMUS_HOSTILE_FUZZ"] != nil, "make fuzz / make check-release run it"))
struct HostileInputFuzzTests {
    static let sessionCount = ProcessInfo.processInfo.environment["ULTIMUS_SESSION_FUZZ_COUNT"].flatMap { Int($0) } ?? 60
    static let setup = ["data synthetic n=64 batch=16", "model new", "layer conv out=4", "layer bn", "layer relu", "layer gap",
                        "layer linear out=10", "sched onecycle max_lr=0.01 epochs=2", "train steps=2"]

    /// Runs `lines` piped into the binary in `folder`; returns the exit status and output.
    static func run(_ lines: [String], in folder: String) throws -> (status: Int32, reason: Process.TerminationReason, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(ReplBinary.path))
        process.arguments = ["--threads", "1", "--out", "out"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = ["HOME": folder, "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        let text = LockedText()
        output.fileHandleForReading.readabilityHandler = { text.append(String(decoding: $0.availableData, as: UTF8.self)) }
        try process.run()
        input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        usleep(100_000)
        return (process.terminationStatus, process.terminationReason, text.text)
    }

    /// Every argument of every command: one line per numeric argument with each extreme value, and
    /// one per path argument with one-character and blank relative names.
    static func argumentLines() -> [String] {
        let extremes = ["9223372036854775807", "-9223372036854775808", "8e15", "1e300", "-1e300", "0", "-1"]
        var lines: [String] = []
        for spec in CommandTable.standard.commands where !["quit", "run", "replay", "download", "fork"].contains(spec.name) {
            let heads = spec.subcommands.isEmpty ? [(spec.name, spec.arguments + spec.subcommands.flatMap(\.arguments))]
                : spec.subcommands.map { ("\(spec.name) \($0.name)", spec.arguments + $0.arguments) }
            for (head, arguments) in heads {
                for argument in arguments {
                    switch argument.type {
                    case .int, .float: lines += extremes.map { "\(head) \(argument.name)=\($0)" }
                    case .path: lines += ["\(head) \(argument.name)=q", "\(head) \(argument.name)=\" \""]
                    default: break
                    }
                }
                let positionals = spec.positionals + (spec.subcommands.first { "\(spec.name) \($0.name)" == head }?.positionals ?? [])
                if positionals.contains(where: { $0.type == .path }) { lines += ["\(head) r", "\(head) \" \""] }
            }
        }
        return lines
    }

    @Test func extremeNumbersAndOneCharacterPathsInEveryArgument() throws {
        let folder = TemporaryFolder()
        let lines = Self.argumentLines()
        #expect(lines.count > 100)
        let result = try Self.run(Self.setup + lines + ["save final.session"], in: folder.path)
        #expect(result.reason == .exit, "killed by signal \(result.status): \(result.output.suffix(1500))")
        #expect(FileManager.default.fileExists(atPath: folder.path + "/final.session"), "\(result.output.suffix(1500))")
    }

    /// One mutation of one JSON field: wrong types, signs, extremes, control characters.
    static func mutate(_ value: Any, _ g: inout SeededGenerator) -> Any {
        let choices: [Any] = [Int.max, Int.min, -1, 0, 1 << 62, 1e300, -1e300, "nan", "inf", "-inf", "", "\u{1b}[2J\n\0",
                              "../../x", "/etc/passwd", [Any](), [String: Any](), NSNull(), true, String(repeating: "a", count: 5000)]
        if var list = value as? [Any], !list.isEmpty, g.nextInt(2) == 0 {
            let i = g.nextInt(list.count)
            list[i] = mutate(list[i], &g)
            return list
        }
        if var object = value as? [String: Any], !object.isEmpty, g.nextInt(4) != 0 {
            let key = object.keys.sorted()[g.nextInt(object.count)]
            object[key] = mutate(object[key]!, &g)
            return object
        }
        return choices[g.nextInt(choices.count)]
    }

    @Test func mutatedSessionFilesNeverKillTheProcess() throws {
        let folder = TemporaryFolder()
        let good = folder.path + "/good.session"
        let made = try Self.run(Self.setup + ["eval", "save \(good)"], in: folder.path)
        #expect(made.status == 0, "\(made.output.suffix(1500))")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: good)))
        var g = SeededGenerator(seed: 20_261_207)
        var lines: [String] = []
        for i in 0..<Self.sessionCount {
            let mutated = try TrainingTests.SessionTrustTests.editRecord(bytes) { record in
                record = (Self.mutate(record, &g) as? [String: Any]) ?? record
            }
            let name = "m\(i).session"
            try Data(mutated).write(to: URL(fileURLWithPath: folder.path + "/" + name))
            lines += ["load \(name)", "train steps=1", "history last=3"]
            if i % 10 == 0 { lines.append("replay \(name) verify=false") }
        }
        let result = try Self.run(lines + ["save final.session"], in: folder.path)
        #expect(result.reason == .exit, "killed by signal \(result.status): \(result.output.suffix(2000))")
        #expect(FileManager.default.fileExists(atPath: folder.path + "/final.session"))
        #expect(!result.output.contains("\u{1b}[2J"), "an escape sequence from a file reached the terminal")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/x"))
    }
}
