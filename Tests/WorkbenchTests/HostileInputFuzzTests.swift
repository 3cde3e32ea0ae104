import Autograd
import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

/// Fuzzing what the line fuzzer never reached: huge numbers in every numeric argument, one-character
/// relative paths in every path argument, and session files mutated field by field, all through
/// the `ultimus-repl` binary, which must never die of a signal.
///
/// The work is bounded by what each process is given, never by the clock: every command meets a tiny
/// network on 64 synthetic images (the inspection commands also UltimusNet and a tiny ViT), and each
/// command's lines run in a process of their own, so a line that builds a bigger model or loads more
/// data cannot make the later lines slow.
/// `make test` runs `sessionCount` mutated files (20); `make check-release` (ULTIMUS_HOSTILE_FUZZ=1)
/// runs every argument line and 200 files against the release binary; `make fuzz` many more files.
@Suite(.serialized, .enabled(if: ReplBinary.path != nil, "ultimus-repl is not built"))
struct HostileInputFuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    /// Set by `make check-release` and `make fuzz`.
    static let thorough = environment["ULTIMUS_HOSTILE_FUZZ"] != nil
    static let sessionCount = environment["ULTIMUS_SESSION_FUZZ_COUNT"].flatMap { Int($0) } ?? (thorough ? 200 : 20)
    /// A tiny network with the layers the commands' examples name (conv3, ultimus1 to ultimus3).
    static let network = ["model new", "layer conv out=4", "layer bn", "layer relu", "layer conv out=4",
                          "layer conv out=4", "layer gap"]
        + Array(repeating: "layer ultimus dim=8", count: 3) + ["layer linear out=10"]
    /// The models the inspection commands also meet: UltimusNet (its size is fixed) and a tiny ViT.
    static let models = [("UltimusNet", ["model ultimus variant=bnrelu"]),
                         ("ViT", ["model vit patch=8 dim=16 depth=2 heads=2"])]
    static let inspection: Set<String> = ["attention", "explain", "rollout", "timeline", "intervene", "gradcam"]
    /// What every process runs first: 64 synthetic images, `model`, a short schedule and two steps.
    static func setup(_ model: [String] = network) -> [String] {
        ["data synthetic n=64 batch=16"] + model + ["sched onecycle max_lr=0.01 epochs=2", "train steps=2"]
    }
    static let extremes = ["9223372036854775807", "-9223372036854775808", "8e15", "1e12", "1e300", "-1e300", "0", "-1"]
    /// Commands left out: they end the process or fetch from the network.
    static let skipped: Set<String> = ["quit", "download"]

    /// Runs `lines` piped into the binary in `folder`; returns the exit status and output.
    static func run(_ lines: [String], in folder: String) throws
        -> (status: Int32, reason: Process.TerminationReason, output: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(ReplBinary.path))
        process.arguments = ["--threads", "1", "--out", "out"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = ["HOME": folder, "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let script = Data((lines.joined(separator: "\n") + "\n").utf8)
        // Written beside the reading, so that neither pipe can fill up while the other waits.
        let writer = input.fileHandleForWriting
        DispatchQueue.global().async {
            try? writer.write(contentsOf: script)
            try? writer.close()
        }
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason, String(decoding: printed, as: UTF8.self))
    }

    /// The lines fuzzing one command (or subcommand), run after `setup` in a process of their own.
    struct ArgumentGroup: Sendable, CustomTestStringConvertible {
        var head: String
        var lines: [String]
        var model = "network"
        var setup = HostileInputFuzzTests.setup()
        var testDescription: String { "\(head) on \(model)" }
    }

    /// Every argument of every command: one line per numeric argument (named or positional) with each
    /// extreme value, and one per path argument with a one-character and a blank relative name. Each
    /// line starts from the command's first example, so required arguments are there.
    static func argumentGroups() -> [ArgumentGroup] {
        var groups: [ArgumentGroup] = []
        for spec in CommandTable.standard.commands where !skipped.contains(spec.name) {
            var heads: [(String, SubcommandSpec?)] = spec.subcommandRequired ? [] : [(spec.name, nil)]
            heads += spec.subcommands.map { ("\(spec.name) \($0.name)", $0) }
            for (head, subcommand) in heads {
                let base = spec.examples.first { commandHead(of: $0, spec) == head } ?? head
                var lines = argumentLines(base, spec.arguments(for: subcommand))
                    + positionalLines(head, spec.positionals + (subcommand?.positionals ?? []))
                // A layer is appended to a fresh empty network, so the lines before it cannot grow it.
                if spec.name == "layer", subcommand?.name != "remove" { lines = lines.flatMap { ["model new", $0] } }
                guard !lines.isEmpty else { continue }
                groups.append(ArgumentGroup(head: head, lines: lines))
                if inspection.contains(spec.name) {
                    groups += models.map { name, model in
                        // The examples name UltimusNet's blocks; a ViT's are blocks.0 and blocks.1.
                        let named = name == "ViT" ? lines.map { $0.replacing(#/ultimus\d/#, with: "blocks.1") } : lines
                        return ArgumentGroup(head: head, lines: named, model: name, setup: setup(model))
                    }
                }
            }
        }
        return groups
    }

    /// The command, or command and subcommand, an example line starts with.
    static func commandHead(of line: String, _ spec: CommandSpec) -> String {
        let words = line.split(separator: " ").map(String.init)
        guard words.count > 1, spec.subcommand(named: words[1]) != nil else { return words.first ?? "" }
        return words[0] + " " + words[1]
    }

    /// `base` with each argument replaced by each hostile value.
    static func argumentLines(_ base: String, _ arguments: [ArgumentSpec]) -> [String] {
        arguments.flatMap { argument -> [String] in
            let kept = base.split(separator: " ").filter { !$0.hasPrefix(argument.name + "=") }.joined(separator: " ")
            return hostileValues(argument.type).map { "\(kept) \(argument.name)=\($0)" }
        }
    }

    /// The command with each hostile value as its first numeric or path positional.
    static func positionalLines(_ head: String, _ positionals: [PositionalSpec]) -> [String] {
        guard let first = positionals.first(where: { !hostileValues($0.type).isEmpty }) else { return [] }
        return hostileValues(first.type).map { "\(head) \($0)" }
    }

    static func hostileValues(_ type: ArgumentType) -> [String] {
        switch type {
        case .int, .float, .list(.int), .list(.float): return extremes
        case .path: return ["q", "\" \""]
        default: return []
        }
    }

    @Test func everyNumericAndPathArgumentIsFuzzed() {
        let lines = Self.argumentGroups().flatMap(\.lines)
        #expect(lines.count > 300)
        let expected = [("train ", " eval_every=9223372036854775807"), ("layer remove", " -9223372036854775808"),
                        ("save", " q"), ("plot loss", " to=\" \""), ("fork", " 8e15"), ("lrfind", " iters=1e12"),
                        ("optim adam", " betas=1e300"), ("layer conv out=", " kernel=-1")]
        for (start, end) in expected {
            #expect(lines.contains { $0.hasPrefix(start) && $0.hasSuffix(end) }, "\(start)...\(end)")
        }
    }

    @Test(.enabled(if: HostileInputFuzzTests.thorough, "make check-release and make fuzz run it"),
          arguments: HostileInputFuzzTests.argumentGroups())
    func extremeNumbersAndOneCharacterPaths(_ group: ArgumentGroup) throws {
        let folder = TemporaryFolder()
        let started = Date()
        let result = try Self.run(group.setup + group.lines + ["save final.session"], in: folder.path)
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        print("hostile input: \(group.testDescription): \(group.lines.count) lines in \(seconds) s")
        #expect(result.reason == .exit, "killed by signal \(result.status): \(result.output.suffix(1500))")
        #expect(FileManager.default.fileExists(atPath: folder.path + "/final.session"), "\(result.output.suffix(1500))")
        #expect(!result.output.contains("\u{1b}"),
                "an escape sequence reached a pipe: \(result.output.debugDescription)")
    }

    /// One mutation of one JSON field: wrong types, signs, extremes, control characters.
    static func mutate(_ value: Any, _ g: inout SeededGenerator) -> Any {
        let choices: [Any] = [Int.max, Int.min, -1, 0, 1 << 62, 1e300, -1e300, "nan", "inf", "-inf", "",
                              "\u{1b}[2J\n\0", "../../x", "/etc/passwd", [Any](), [String: Any](), NSNull(), true,
                              String(repeating: "a", count: 5000)]
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
        let made = try Self.run(Self.setup() + ["eval", "save \(good)"], in: folder.path)
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
        let started = Date()
        let result = try Self.run(lines + ["save final.session"], in: folder.path)
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        print("hostile sessions: \(Self.sessionCount) mutated files in \(seconds) s")
        #expect(result.reason == .exit, "killed by signal \(result.status): \(result.output.suffix(2000))")
        #expect(FileManager.default.fileExists(atPath: folder.path + "/final.session"))
        #expect(!result.output.contains("\u{1b}[2J"), "an escape sequence from a file reached the terminal")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/x"))
    }
}
