import Datasets
import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

/// What is loaded is data: a session file or its log never writes a file, runs a script, moves the
/// output folder or autosave, and every field out of range is a one-line error naming it.
extension TrainingTests {
@Suite(.serialized) struct SessionTrustTests {
    typealias Fixture = HostileFileTests.Fixture

    /// `bytes` with the session JSON changed by `edit`.
    static func editRecord(_ bytes: [UInt8], _ edit: (inout [String: Any]) throws -> Void) throws -> [UInt8] {
        var (header, data) = try HostileFileTests.split(bytes)
        var metadata = try #require(header["__metadata__"] as? [String: String])
        let json = try #require(metadata[SessionFile.metadataKey])
        var record = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        try edit(&record)
        metadata[SessionFile.metadataKey] = String(decoding: try JSONSerialization.data(withJSONObject: record),
                                                   as: UTF8.self)
        // As a file saved before checksums: loaded unverified, every field still validated.
        metadata[SessionChecksums.metadataKey] = nil
        header["__metadata__"] = metadata
        return try HostileFileTests.join(header, data)
    }

    /// Sets the value at a dotted path (`data.classes`, `history.epochs.0.seconds`).
    static func set(_ record: inout [String: Any], _ path: [String], _ value: Any) {
        guard let key = path.first else { return }
        if path.count == 1 { record[key] = value; return }
        if var inner = record[key] as? [String: Any] {
            set(&inner, Array(path.dropFirst()), value)
            record[key] = inner
        } else if var list = record[key] as? [[String: Any]], let i = Int(path[1]), list.indices.contains(i) {
            set(&list[i], Array(path.dropFirst(2)), value)
            record[key] = list
        }
    }

    /// A refused field's text reaches the terminal with its control characters as escapes (an escape
    /// sequence in the autosave name cleared the screen in the error naming it).
    @Test func controlCharactersInARefusedFieldArePrintedAsEscapes() throws {
        let f = try Fixture()
        let path = try f.write(try Self.editRecord(f.bytes) { $0["autosave"] = "\u{1b}[2J\n\0" }, "escape.session")
        guard case .failed(let message) = f.bench.run("load \(path)") else {
            Issue.record("an autosave name with control characters must be refused")
            return
        }
        #expect(message.contains("'\\u{1b}[2J\\u{a}\\u{0}'"), "\(message.debugDescription)")
        #expect(!f.bench.console.transcript.contains("\u{1b}"), "\(f.bench.console.transcript.debugDescription)")
    }

    @Test func autosavePathsFromAFileMustStayInsideTheOutputFolder() throws {
        let f = try Fixture()
        for bad in ["~/.bashrc", "/tmp/evil.session", "../evil.session", "a/../../evil.session"] {
            let path = try f.write(try Self.editRecord(f.bytes) { $0["autosave"] = bad }, "autosave.session")
            f.expectFailure("load \(path)", file: path, problem: "autosave")
        }
        let fine = try f.write(try Self.editRecord(f.bytes) { $0["autosave"] = "runs/auto.session" }, "fine.session")
        #expect(f.bench.run("load \(fine)") == .ok)
    }

    @Test func fieldsOutOfRangeAreOneLineErrorsNamingTheField() throws {
        let f = try Fixture()
        let cases: [(path: [String], value: Any, field: String)] = [
            (["schedule", "values", "max_lr"], 1e300, "schedule.max_lr"),
            (["schedule", "values", "epochs"], "inf", "schedule.epochs"),
            (["schedule", "values", "epochs"], "nan", "schedule.epochs"),
            (["schedule", "stepsPerEpoch"], 1 << 62, "schedule.stepsPerEpoch"),
            (["loader", "epoch"], Int.max, "loader.epoch"),
            (["scheduleStep"], Int.max, "scheduleStep"),
            (["globalStep"], Int.max, "globalStep"),
            (["data", "classes"], 0, "data.classes"),
            (["data", "classes"], -3, "data.classes"),
            (["data", "subset"], -1, "data.subset"),
            (["data", "batchSize"], 0, "data.batchSize"),
            (["data", "count"], -5, "data.count"),
            (["data", "size"], 100_000, "data.size"),
            (["data", "fit"], "stretch", "data.fit"),
            (["history", "steps", "0", "step"], Int.max, "history.steps.step"),
            (["history", "epochs", "0", "seconds"], 1e300, "history.epochs.seconds"),
            (["accumulator", "seen"], -1, "accumulator.seen"),
            (["frameEvery"], 0, "frameEvery"),
            (["optimizer", "values", "lr"], -1, "optimizer.lr"),
        ]
        for c in cases {
            let bytes = try Self.editRecord(f.bytes) { record in
                if c.path == ["schedule", "values", "max_lr"] || c.path[0] == "schedule" {
                    record["schedule"] = ["kind": "onecycle", "values": ["max_lr": 0.01, "epochs": 2], "anneal": "cos",
                                          "stepsPerEpoch": 4, "baseLR": 0.01]
                }
                if c.path[0] == "history" {
                    let step: [String: Any] = ["step": 1, "epoch": 1, "loss": 1, "lr": 0.1, "beta1": 0.9, "accuracy": 1]
                    let epoch: [String: Any] = ["epoch": 1, "trainLoss": 1, "trainAccuracy": 1, "batches": 1,
                                                "batchesPerEpoch": 4, "lastStep": 1, "complete": false, "seconds": 1]
                    record["history"] = ["steps": [step], "epochs": [epoch]]
                }
                Self.set(&record, c.path, c.value)
            }
            let path = try f.write(bytes, "field.session")
            f.expectFailure("load \(path)", file: path, problem: c.field)
        }
    }

    @Test func aRecipeLargerThanTheFileIsRefusedBeforeAllocating() throws {
        let f = try Fixture()
        let layers = [["kind": "gap", "name": "gap1", "settings": [String: Double]()]]
            + (1...100).map { ["kind": "linear", "name": "fc\($0)", "settings": ["out": 8000.0]] as [String: Any] }
        let bytes = try Self.editRecord(f.bytes) { $0["model"] = ["layers": ["_0": layers]] }
        let path = try f.write(bytes, "big.session")
        f.expectFailure("load \(path)", file: path, problem: "")
    }

    @Test func replayExecutesOnlyCommandsThatChangeTheExperiment() throws {
        let f = try Fixture()
        let dir = f.folder
        try "train steps=1\n".write(toFile: dir + "/payload.ult", atomically: true, encoding: .utf8)
        let hostile = ["save\t\(dir)/w1.session", "export\tweights \(dir)/w2.safetensors", "save script \(dir)/w3.ult",
                       "set out=/", "set autosave=\(dir)/w4.session", "run \(dir)/payload.ult",
                       "replay\t\(dir)/self.session",
                       "plot loss to=\(dir)/w5.svg", "download path=\(dir)/w6 url=http://127.0.0.1:9/x"]
        let bytes = try Self.editRecord(f.bytes) { record in
            var log = try #require(record["commandLog"] as? [[String: Any]])
            let last = (log.last?["number"] as? Int) ?? 0
            for (i, text) in hostile.enumerated() { log.append(["number": last + 1 + i, "text": text, "seconds": 0]) }
            record["commandLog"] = log
            record["autosave"] = "auto.session"
        }
        let path = try f.write(bytes, "self.session")
        let out = f.bench.shell.session.outputDirectory
        _ = f.bench.run("replay \(path) verify=false")
        for name in ["w1.session", "w2.safetensors", "w3.ult", "w4.session", "w5.svg", "w6"] {
            #expect(!FileManager.default.fileExists(atPath: dir + "/" + name), "\(name) was written by a replay")
        }
        #expect(f.bench.shell.session.outputDirectory == out)
        #expect(f.bench.experiment.autosavePath == nil)
        _ = f.bench.run("load \(path)")
        let n = try #require(f.bench.shell.session.commandLog.last?.number)
        #expect(f.bench.run("fork \(n)") == .ok)
        #expect(f.bench.shell.session.outputDirectory == out)
        #expect(!FileManager.default.fileExists(atPath: dir + "/w1.session"))
    }

    @Test func savedScriptsKeepEachLoggedCommandOnOneLine() throws {
        let f = try Fixture()
        let bytes = try Self.editRecord(f.bytes) { record in
            var log = try #require(record["commandLog"] as? [[String: Any]])
            log.append(["number": 900, "text": "eval\nsave /tmp/evil.session\u{1b}[2J", "seconds": 0])
            record["commandLog"] = log
        }
        let path = try f.write(bytes, "newline.session")
        #expect(f.bench.run("load \(path)") == .ok)
        #expect(f.bench.run("save script \(f.folder)/s.ult") == .ok)
        let script = try String(contentsOfFile: f.folder + "/s.ult", encoding: .utf8)
        #expect(!script.split(separator: "\n").contains { $0.hasPrefix("save /tmp/evil") }, "\(script)")
        #expect(!script.contains("\u{1b}"))
    }

    @Test func fifosAndHugeSparseFilesAreRefusedWithoutReading() throws {
        let f = try Fixture()
        let fifo = f.folder + "/pipe.session"
        #expect(mkfifo(fifo, 0o600) == 0)
        f.expectFailure("load \(fifo)", file: fifo, problem: "not a regular file")
        f.expectFailure("import weights \(fifo)", file: fifo, problem: "")
        let sparse = f.folder + "/sparse.session"
        #expect(FileManager.default.createFile(atPath: sparse, contents: Data(f.bytes)))
        #expect(truncate(sparse, 100 << 30) == 0)
        f.expectFailure("load \(sparse)", file: sparse, problem: "bytes")
        f.expectFailure("import weights \(sparse)", file: sparse, problem: "bytes")
    }

    @Test func nanInBatchNormBuffersIsRefusedByLoad() throws {
        let bench = TrainingBench()
        let file = bench.folder + "/bn.session"
        #expect(bench.run(["data synthetic n=64 batch=16", "model new", "layer conv out=4", "layer bn", "layer relu",
                           "layer gap", "layer linear out=10", "train steps=1", "save \(file)"]))
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        let (header, data) = try HostileFileTests.split(bytes)
        let (begin, _) = try HostileFileTests.offsets(bytes, "bn1.running_var")
        let start = bytes.count - data.count + begin
        _ = header
        for i in 0..<4 { bytes[start + i] = [0x00, 0x00, 0xC0, 0x7F][i] }
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        guard case .failed(let message) = bench.run("load \(file)") else {
            Issue.record("NaN running statistics must be refused")
            return
        }
        #expect(message.contains("running_var"), "\(message)")
    }

    @Test func loggedEscapeSequencesAreNotSentToTheTerminal() throws {
        let f = try Fixture()
        let bytes = try Self.editRecord(f.bytes) { record in
            var log = try #require(record["commandLog"] as? [[String: Any]])
            log.append(["number": 900, "text": "eval \u{1b}]0;owned\u{7}\u{1b}[2J", "seconds": 0])
            record["commandLog"] = log
        }
        let path = try f.write(bytes, "escape.session")
        #expect(f.bench.run("load \(path)") == .ok)
        f.bench.console.clear()
        #expect(f.bench.run("history") == .ok)
        #expect(!f.bench.console.output.contains("\u{1b}") && !f.bench.console.output.contains("\u{7}"))
        #expect(f.bench.console.output.contains("\\u{1b}[2J"))
    }

    @Test func checksumsCatchAFlippedByteAndOldFilesLoadUnverified() throws {
        let f = try Fixture()
        let (w0, _) = try HostileFileTests.offsets(f.bytes, "conv1.weight")
        let dataStart = f.bytes.count - (try HostileFileTests.split(f.bytes)).data.count
        var flipped = f.bytes
        flipped[dataStart + w0] ^= 1  // lowest mantissa bit: still a finite weight
        let path = try f.write(flipped, "flipped.session")
        f.expectFailure("load \(path)", file: path, problem: "checksum")
        let old = try f.write(try Self.editRecord(flipped) { _ in }, "old.session")
        f.bench.console.clear()
        #expect(f.bench.run("load \(old)") == .ok)
        #expect(f.bench.console.transcript.contains("cannot be verified"), "\(f.bench.console.transcript)")
        // Its log replays to the weights it was saved with, not to the flipped ones stored.
        guard case .failed(let message) = f.bench.run("replay \(old)") else {
            Issue.record("replay must compare with the stored tensors")
            return
        }
        #expect(message.contains("stored"), "\(message)")
        let fine = try f.write(try Self.editRecord(f.bytes) { _ in }, "fine-old.session")
        #expect(f.bench.run("replay \(fine)") == .ok)
    }

    @Test func plantedTemporaryNamesAreNeverWrittenThrough() throws {
        let f = try Fixture()
        let victim = f.folder + "/victim"
        try "victim".write(toFile: victim, atomically: false, encoding: .utf8)
        let pid = getpid()
        for name in [".chart.svg.\(pid).tmp", ".chart.svg.tmp-\(pid)", ".note.txt.\(pid).tmp", ".note.txt.tmp-\(pid)"] {
            try FileManager.default.createSymbolicLink(atPath: f.folder + "/" + name, withDestinationPath: victim)
        }
        try RenderFile.write("<svg/>", to: f.folder + "/chart.svg")
        try AtomicWriter.write("note", to: f.folder + "/note.txt", createFolders: true)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "victim")
    }
}
}

/// Paths typed at the prompt: one-character names and `~` in a real process (the crash was a trap).
@Suite(.enabled(if: ReplBinary.path != nil, "ultimus-repl is not built"))
struct TypedPathTests {
    @Test func oneCharacterPathsAndTildeFromHome() throws {
        let folder = TemporaryFolder()
        let dir = folder.path
        let script = TrainingBench.tiny + ["train steps=1", "save a", "save \" \"", "export weights b",
                                           "plot loss to=c", "save ~/h.session", "save script ~/h.ult"]
        let run = TrainingTests.KillTests.finish(try TrainingTests.KillTests.start(script, in: dir, name: "paths"))
        #expect(run.status == 0, "\(run.output.suffix(1500))")
        for name in ["a", " ", "b", "c", "h.session", "h.ult"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + name),
                    "\(name) missing: \(run.output.suffix(800))")
        }
    }
}
