import Foundation
import Layers
import Testing
@testable import ExperimentKit
@testable import Workbench

/// Drives the lexer, parser and interpreter with random and mutated command lines against a tiny
/// synthetic session. A fixed count of lines from a fixed seed, so every run checks the same lines
/// however busy the machine is; `ULTIMUS_FUZZ_COUNT` changes it (`make fuzz` runs 100,000).
extension TrainingTests {
@Suite(.serialized) struct FuzzTests {
    static let count = ProcessInfo.processInfo.environment["ULTIMUS_FUZZ_COUNT"].flatMap { Int($0) } ?? 12_000

    @Test func randomAndMutatedLinesNeverCrashAndFailedCommandsChangeNothing() throws {
        let harness = FuzzHarness(seed: 20_261_129)
        let start = Date()
        let stats = harness.run(count: Self.count)
        let seconds = Date().timeIntervalSince(start)
        print("fuzz: \(stats.lines) lines in \(String(format: "%.1f", seconds)) s: "
              + "\(stats.parseErrors) parse errors, \(stats.handlerErrors) command errors, \(stats.succeeded) ran, "
              + "\(stats.capped) capped by the harness; "
              + "\(stats.digests) state digests (\(String(format: "%.1f", stats.digestSeconds)) s)")
        #expect(stats.lines == Self.count)
        for problem in harness.problems.prefix(20) { Issue.record(Comment(rawValue: problem)) }
        #expect(harness.problems.isEmpty, "\(harness.problems.count) problems")
        // The corpus must reach the interpreter, not only the parser.
        #expect(stats.succeeded > stats.lines / 100)
        #expect(stats.handlerErrors > stats.lines / 1000)
    }

    /// Sizes the harness caps, typed without the harness: each is refused quickly in one line and
    /// changes nothing (none may allocate what it asks for).
    @Test(arguments: [
        "data synthetic n=1000000000", "data synthetic n=9223372036854775807", "layer conv out=1000000000",
        "layer conv out=100000", "layer linear out=1000000000", "layer ultimus dim=100000000",
        "data synthetic n=64 batch=1000000000 subset=1000000000",
        "layer conv out=8 kernel=1000000", "layer maxpool kernel=1000000",
    ])
    func hugeSizesAreRefusedWithoutAllocating(line: String) {
        let bench = TrainingBench()
        #expect(bench.run(["data synthetic n=64 batch=16", "model new", "layer conv out=4", "layer gap"]))
        let before = (bench.experiment.weightDigest, bench.shell.session.commandLog.count,
                      bench.shell.session.generator)
        guard case .failed(let message) = bench.run(line) else {
            Issue.record("'\(line)' must fail")
            return
        }
        print("huge: \(line) → \(message)")
        #expect(!message.contains("\n"))
        #expect(bench.experiment.weightDigest == before.0)
        #expect(bench.shell.session.commandLog.count == before.1)
        #expect(bench.shell.session.generator == before.2)
    }
}

}

/// Generates lines, runs them and checks each outcome.
final class FuzzHarness {
    let console = CapturingConsole()
    let folder: String
    private(set) var shell: Shell
    var generator: SeededGenerator
    private(set) var problems: [String] = []
    let corpus: [String]
    let words: [String]

    struct Stats {
        var lines = 0, parseErrors = 0, handlerErrors = 0, succeeded = 0, capped = 0, digests = 0
        var digestSeconds = 0.0
    }
    private(set) var stats = Stats()
    /// Set by the handler wrapper: the line parsed and validated, and its command started.
    private var reachedHandler = false

    /// Thrown by the harness's handler wrapper instead of running a command that would be slow,
    /// touch the network or write outside the test folder.
    struct Capped: Error, CustomStringConvertible { var description: String { "capped by the fuzz harness" } }

    init(seed: UInt64) {
        folder = NSTemporaryDirectory() + "ultimus-fuzz-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        shell = FuzzHarness.newShell(folder: folder, console: console)
        generator = SeededGenerator(seed: seed)
        var lines = FuzzHarness.sessionLines()
        lines += shell.table.commands.flatMap(\.examples)
        lines += FuzzHarness.extraLines(folder: folder)
        corpus = lines
        var tokens = Set<String>()
        for line in lines {
            for t in line.split(whereSeparator: { $0 == " " || $0 == "=" }) { tokens.insert(String(t)) }
        }
        words = tokens.sorted() + FuzzHarness.hostileTokens
        startSession()
    }

    static func newShell(folder: String, console: CapturingConsole) -> Shell {
        let shell = Shell(options: ShellOptions(seed: 1, outputDirectory: folder + "/out", console: console))
        shell.session.experiment.autosavePath = nil
        return shell
    }

    /// A fresh tiny session: the harness starts over every `linesPerSession` lines so that the model,
    /// the history and the command log stay small (the debug build's kernels are slow).
    func startSession() {
        if stats.lines > 0 { shell = FuzzHarness.newShell(folder: folder, console: console) }
        wrapHandlers()
        for line in ["data synthetic n=32 batch=16", "model new", "layer conv out=4", "layer relu", "layer gap",
                     "layer linear out=10", "optim adam lr=1e-3", "train steps=2"] {
            if shell.execute(line: line) != .ok { problems.append("set-up line failed: \(line): \(console.errors)") }
        }
    }

    static let linesPerSession = 1000

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// Every non-comment line of the real session scripts.
    static func sessionLines() -> [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let sessions = root.appendingPathComponent("sessions")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: sessions.path)) ?? []
        var lines: [String] = []
        for file in files.sorted() where file.hasSuffix(".ult") {
            let text = (try? String(contentsOf: sessions.appendingPathComponent(file), encoding: .utf8)) ?? ""
            lines += text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
        }
        return lines
    }

    static func extraLines(folder: String) -> [String] {
        [
            "save \(folder)/a.session", "load \(folder)/a.session", "export weights \(folder)/w.safetensors",
            "import weights \(folder)/w.safetensors", "save \(folder)/b.session force=true", "load \(folder)/missing",
            "set seed=7", "set autosave=off", "train steps=1", "lrfind iters=3", "eval", "eval split=train",
            "model ultimus variant=bnrelu", "model ultimus variant=spec attention=batch", "layer dropout p=0.5",
            "layer bn", "layer maxpool", "optim sgd lr=0.1 momentum=0.9", "optim adamw lr=1e-3",
            "sched onecycle max_lr=1e-2 epochs=1", "history", "help train", "summary", "check model", "check rank",
            "fork 3", "set", "data synthetic n=32 batch=8 valid=8",
        ]
    }

    static let hostileTokens = [
        "1e309", "-1e309", "nan", "NaN", "inf", "-inf", "-0", "0", "-1", "99999999999999999999999999",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "0x7fffffff", "1_000", "1e-400",
        "4.9e-324", "1.7976931348623157e308", "\"", "'", "\"\"", "=", "==", ",", ",,", "\\", "\\\"", "#", ";", "|",
        "\u{0}", "\u{7}", "\u{1b}[31m", "\t", "\r", "\u{FEFF}", "\u{202E}", "é", "e\u{301}", "😀", "\u{FFFD}",
        "../../etc/passwd", "~", "~/", "/", "/dev/zero", "/proc/self/mem", "true", "false", "yes", "none", "all",
        "[", "]", "{", "}", "(", ")", "$HOME", "%s%n", "*", "?",
    ]

    // MARK: Caps

    /// Integer arguments that size work or memory, and the largest value the harness lets through.
    static let caps: [String: Int] = [
        "n": 32, "subset": 32, "steps": 2, "epochs": 1, "iters": 3, "out": 10, "dim": 16, "blocks": 2,
        "batch": 64, "count": 64, "every": 1000, "images": 16, "rows": 64, "cols": 64, "width": 400, "height": 200,
        "top": 64, "classes": 10, "valid": 32,
    ]

    /// Commands the harness never runs: they touch the network or run scripts.
    static let blocked: Set<String> = ["download", "run", "quit", "exit", "replay"]

    private func wrapHandlers() {
        let folder = self.folder
        let table = shell.table
        for (key, handler) in shell.handlers {
            shell.handlers[key] = { [unowned self] inv, ctx in
                reachedHandler = true
                if FuzzHarness.blocked.contains(inv.command) { throw Capped() }
                // Pictures of many images are slow to draw in debug builds.
                if inv.command != "data", let n = inv.int("n"), n > 8 { throw Capped() }
                // Data sizes and LR-finder runs are capped even when left at their defaults (1,024 images, 100 steps).
                for (name, value) in inv.values where inv.isExplicit(name) || ["n", "subset", "iters"].contains(name) {
                    if let cap = FuzzHarness.caps[name] {
                        for v in FuzzHarness.ints(value) where v > cap { throw Capped() }
                    }
                }
                if let spec = table.command(named: inv.command) {
                    let sub = spec.subcommands.first { $0.name == inv.subcommand }
                    var pathNames = Set(spec.arguments.filter { FuzzHarness.isPath($0.type) }.map(\.name))
                    pathNames.formUnion(spec.positionals.filter { FuzzHarness.isPath($0.type) }.map(\.name))
                    pathNames.formUnion((sub?.arguments ?? []).filter { FuzzHarness.isPath($0.type) }.map(\.name))
                    pathNames.formUnion((sub?.positionals ?? []).filter { FuzzHarness.isPath($0.type) }.map(\.name))
                    for name in pathNames {
                        guard let value = inv.values[name] else { continue }
                        if !value.description.hasPrefix(folder + "/") { throw Capped() }
                    }
                }
                // Never the real data set (slow): only the synthetic one or files in the test folder.
                if inv.command == "data", inv.subcommand != "synthetic", inv.values["path"] == nil { throw Capped() }
                if inv.key == "set", inv.isExplicit("threads") || inv.isExplicit("out") || inv.isExplicit("data") {
                    throw Capped()
                }
                if inv.command == "train", !inv.isExplicit("steps") {
                    // An epoch must stay short: at most 4 batches.
                    guard let loader = ctx.session.experiment.data?.trainLoader,
                          loader.batchesPerEpoch <= 4 else { throw Capped() }
                }
                if inv.command == "fork", ctx.session.commandLog.count > 30 { throw Capped() }
                // Convolutions are slow in debug builds: at most 3 in the network.
                if inv.key == "layer conv", let model = ctx.session.experiment.model,
                   model.namedModules().filter({ $0.module is Conv2d }).count >= 3 { throw Capped() }
                // UltimusNet trains slowly in debug builds: the harness builds only small layer networks.
                if inv.key == "model ultimus" || inv.key == "layer ultimus" { throw Capped() }
                _ = self
                try handler(inv, ctx)
            }
        }
    }

    static func isPath(_ type: ArgumentType) -> Bool {
        if case .path = type { return true }
        if case .list(let element) = type { return isPath(element) }
        return false
    }

    static func ints(_ value: ArgumentValue) -> [Int] {
        switch value {
        case .int(let v): return [v]
        case .float(let v): return v.isFinite && abs(v) < 1e15 ? [Int(v)] : [Int.max]
        case .list(let items): return items.flatMap(ints)
        default: return []
        }
    }

    // MARK: State

    /// A digest of everything a command may change: model weights and buffers, optimizer state,
    /// generators, loader position, schedule, counters, histories, evaluations and the command log —
    /// what a session file holds (its tensors hashed as raw bytes, its record as JSON), plus the
    /// settings a session file leaves out.
    struct Digest: Equatable {
        var tensors: Int
        var text: String
    }

    func digest() -> Digest {
        let start = Date()
        defer { stats.digestSeconds += Date().timeIntervalSince(start); stats.digests += 1 }
        let session = shell.session
        let x = session.experiment
        var text = "seed \(session.seed) gen \(session.generator.state) out \(session.outputDirectory) "
            + "threads \(session.threads)"
        text += " timeline \(x.timeline.frames.count) lr \(x.optimizer?.lr ?? -1) "
            + "training \(x.model?.isTraining ?? false)\n"
        var hasher = Hasher()
        do {
            let (entries, record) = try SessionFile.snapshot(session)
            for entry in entries {
                hasher.combine(entry.name)
                hasher.combine(entry.shape)
                entry.bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
            }
            text += String(decoding: try SessionFile.encoder().encode(record), as: UTF8.self)
        } catch {
            text += "snapshot failed: \(error)"
        }
        return Digest(tensors: hasher.finalize(), text: text)
    }

    /// The parts of the state a line that fails to parse could conceivably touch.
    func quickDigest() -> String {
        let s = shell.session
        return "\(s.commandLog.count) \(s.generator.state) \(ObjectIdentifier(s.experiment)) "
            + "\(s.experiment.globalStep) \(s.experiment.history.steps.count)"
    }

    // MARK: Lines

    func nextLine() -> String {
        var g = generator
        defer { generator = g }
        switch g.nextInt(100) {
        case 0..<8: return randomBytes(&g)
        case 8..<12: return randomScalars(&g)
        case 12..<14: return longLine(&g)
        case 14..<30: return corpus[g.nextInt(corpus.count)]
        default:
            var line = corpus[g.nextInt(corpus.count)]
            for _ in 0...g.nextInt(3) { line = mutate(line, &g) }
            return line
        }
    }

    func randomBytes(_ g: inout SeededGenerator) -> String {
        let n = g.nextInt(120)
        let bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        // Invalid UTF-8 as the REPL sees it: decoded with replacement characters, and no line break
        // (the line editor and the script reader split lines there).
        return String(decoding: bytes.map { $0 == 0x0A ? 0x20 : $0 }, as: UTF8.self)
    }

    func randomScalars(_ g: inout SeededGenerator) -> String {
        let n = g.nextInt(40)
        var s = ""
        for _ in 0..<n {
            let v = [0x20 + g.nextInt(0x5F), g.nextInt(0x20), 0x80 + g.nextInt(0x780), 0x1F600 + g.nextInt(0x50),
                     0x2000 + g.nextInt(0x70)][g.nextInt(5)]
            if let scalar = Unicode.Scalar(UInt32(v)) { s.unicodeScalars.append(scalar) }
        }
        return s
    }

    func longLine(_ g: inout SeededGenerator) -> String {
        let base = corpus[g.nextInt(corpus.count)]
        let piece = [" x", " lr=1e-3", "a", " ,", "=", "\"", " 9"][g.nextInt(7)]
        let n = 500 + g.nextInt(5_000)
        switch g.nextInt(3) {
        case 0: return base + String(repeating: piece, count: n)
        case 1: return String(repeating: "9", count: n)
        default: return base + " " + String(repeating: "x", count: n * 4)
        }
    }

    func mutate(_ line: String, _ g: inout SeededGenerator) -> String {
        var tokens = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        switch g.nextInt(12) {
        case 0 where !tokens.isEmpty:  // drop a token
            tokens.remove(at: g.nextInt(tokens.count))
        case 1:  // insert a word
            tokens.insert(words[g.nextInt(words.count)], at: g.nextInt(tokens.count + 1))
        case 2 where !tokens.isEmpty:  // swap two tokens
            tokens.swapAt(g.nextInt(tokens.count), g.nextInt(tokens.count))
        case 3, 4:  // replace a value with a hostile one
            let i = g.nextInt(max(1, tokens.count))
            if i < tokens.count, let eq = tokens[i].firstIndex(of: "=") {
                let hostile = FuzzHarness.hostileTokens[g.nextInt(FuzzHarness.hostileTokens.count)]
                tokens[i] = String(tokens[i][...eq]) + hostile
            } else {
                let word = words[g.nextInt(words.count)]
                tokens.append(word + "=" + FuzzHarness.hostileTokens[g.nextInt(FuzzHarness.hostileTokens.count)])
            }
        case 5:  // change one character
            var chars = Array(tokens.joined(separator: " "))
            if !chars.isEmpty { chars[g.nextInt(chars.count)] = Character(Unicode.Scalar(UInt8(32 + g.nextInt(95)))) }
            return String(chars)
        case 6:  // delete a character
            var chars = Array(tokens.joined(separator: " "))
            if !chars.isEmpty { chars.remove(at: g.nextInt(chars.count)) }
            return String(chars)
        case 7:  // truncate
            let s = tokens.joined(separator: " ")
            return String(s.prefix(g.nextInt(s.count + 1)))
        case 8:  // splice two lines
            let other = corpus[g.nextInt(corpus.count)].split(separator: " ").map(String.init)
            let head = Array(tokens.prefix(g.nextInt(tokens.count + 1)))
            tokens = head + Array(other.dropFirst(g.nextInt(other.count + 1)))
        case 9:  // duplicate an argument
            if let t = tokens.randomElement(using: &g) { tokens.append(t) }
        case 10:  // a list value
            let name = words[g.nextInt(words.count)]
            let first = words[g.nextInt(words.count)]
            tokens.append("\(name)=\(first),\(words[g.nextInt(words.count)])")
        default:  // a number with a sign, exponent or digits changed
            let i = g.nextInt(max(1, tokens.count))
            if i < tokens.count {
                let number = ["-1", "1e30", "10000000000", "0", "1.5"][g.nextInt(5)]
                tokens[i] = tokens[i].replacingOccurrences(of: "1", with: number)
            }
        }
        return tokens.joined(separator: " ")
    }

    // MARK: Running

    /// Runs `count` lines. The digest of the state is taken lazily: before a
    /// line that parses when the last one changed the state, and after every line that parsed and
    /// failed, which must leave it unchanged.
    func run(count: Int) -> Stats {
        var known: Digest? = digest()
        for _ in 0..<count {
            if stats.lines > 0, stats.lines % FuzzHarness.linesPerSession == 0 {
                startSession()
                known = nil
            }
            let line = nextLine()
            check(line, known: &known)
            stats.lines += 1
        }
        return stats
    }

    private func check(_ line: String, known: inout Digest?) {
        // After a change the state before this line is known only by digesting it; a line that
        // does not parse cannot reach a command, so only lines that parse need it.
        if known == nil, (try? shell.table.invocation(for: line)) != nil { known = digest() }
        let quick = quickDigest()
        let logCount = shell.session.commandLog.count
        console.clear()
        reachedHandler = false
        let status = shell.execute(line: line)
        switch status {
        case .ok, .quit:
            stats.succeeded += 1
            known = nil
        case .failed(let message):
            let capped = message.contains("capped by the fuzz harness")
            if capped {
                stats.capped += 1
            } else if reachedHandler {
                stats.handlerErrors += 1
            } else {
                stats.parseErrors += 1
            }
            checkMessage(message, line: line)
            // A capped line stopped in the harness's wrapper before its command ran.
            guard reachedHandler, !capped else {
                if quickDigest() != quick { problem(line, "a line refused before its command ran changed the session") }
                return
            }
            guard let before = known else {
                problem(line, "a line that the parser refuses reached a command")
                return
            }
            let now = digest()
            // A guard stop after some steps logs what ran ('train steps=K'): that is a change by design.
            let loggedPartial = shell.session.commandLog.count == logCount + 1
                && shell.session.commandLog.last?.text.hasPrefix("train steps=") == true
            if now != before, !loggedPartial {
                let what = now.text == before.text ? "the tensors" : FuzzHarness.difference(before.text, now.text)
                problem(line, "failed (\(message)) but changed the session: \(what)")
            }
            known = now
        }
    }

    private func checkMessage(_ message: String, line: String) {
        if message.isEmpty { problem(line, "an empty error message") }
        if message.contains("\n") { problem(line, "a multi-line error message: \(message.prefix(300))") }
        let internals = ["Swift.", "Foundation.", "Optional(", "DecodingError", "NSError", "(Function)"]
        for raw in internals where message.contains(raw) {
            problem(line, "an error message with internals (\(raw)): \(message.prefix(300))")
        }
    }

    private func problem(_ line: String, _ what: String) {
        if problems.count < 200 { problems.append("\(what) — line: \(String(reflecting: String(line.prefix(200))))") }
    }

    static func difference(_ a: String, _ b: String) -> String {
        let x = Array(a), y = Array(b)
        var i = 0
        while i < min(x.count, y.count), x[i] == y[i] { i += 1 }
        let lo = max(0, i - 60)
        let before = String(x[lo..<min(x.count, i + 60)]), after = String(y[lo..<min(y.count, i + 60)])
        return "before …\(before)… after …\(after)…"
    }
}
