import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

/// The kept best weights and the rollback state go into session files and come back from them;
/// what a file claims about them is checked like every other field.
@Suite(.serialized) struct ProtectionPersistenceTests {
    typealias Hostile = TrainingTests.HostileFileTests

    /// A session with kept best weights, stopped by the guard, saved to `path`.
    static func stoppedSession() -> (ExplorationBench, String) {
        let bench = ExplorationBench()
        bench.run("train epochs=3 best=true")
        bench.run("optim sgd lr=1e4")
        #expect(bench.fail("train epochs=3").contains("'rollback' returns to the last good state"))
        let path = bench.folder.path + "/stopped.session"
        bench.run("save \(path)")
        return (bench, path)
    }

    @Test func saveAndLoadKeepTheBestWeightsAndTheRollbackState() throws {
        let (a, path) = Self.stoppedSession()
        let b = ExplorationBench(setup: false)
        b.run("load \(path)")
        let kept = try #require(a.experiment.best)
        #expect(b.experiment.best?.epoch == kept.epoch && b.experiment.best?.accuracy == kept.accuracy)
        #expect(b.shell.session.guardStop?.step == a.shell.session.guardStop?.step)
        let rolledA = a.run("rollback"), rolledB = b.run("rollback")
        #expect(rolledB.contains("rolled back to the start of 'train epochs=3'"), "\(rolledB)")
        #expect(rolledB.contains("LR 1e+04") || rolledB.contains("LR 10000"), "\(rolledB)")
        #expect(rolledA.split(separator: "\n").last == rolledB.split(separator: "\n").last)
        #expect(a.experiment.weightDigest == b.experiment.weightDigest)
        // The kept best weights outlive the rollback, in both sessions alike.
        #expect(b.run("restore best").contains("restored the weights of epoch \(kept.epoch)"))
        a.run("restore best")
        #expect(a.experiment.weightDigest == b.experiment.weightDigest)
    }

    @Test func aSessionWithoutAStopSavesNoRollbackState() throws {
        let bench = ExplorationBench()
        bench.run("train epochs=1")
        let path = bench.folder.path + "/plain.session"
        bench.run("save \(path)")
        let (header, _) = try Hostile.split(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(header[SessionFile.rollbackTensor] == nil)
        #expect(!header.keys.contains { $0.hasPrefix(SessionFile.bestPrefix) })
        let b = ExplorationBench(setup: false)
        b.run("load \(path)")
        #expect(b.fail("rollback").contains("has not stopped"))
        #expect(b.fail("restore best").contains("no best weights"))
    }

    @Test func lyingBestAndRollbackFieldsAreOneLineErrors() throws {
        let (bench, path) = Self.stoppedSession()
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let control = "the start of \u{1B}[2J"
        let cases: [(String, [UInt8], String)] = [
            ("accuracy", try Hostile.editRecord(bytes) { Self.edit(&$0, "best", "accuracy", 1e9) }, "best.accuracy"),
            ("split", try Hostile.editRecord(bytes) { Self.edit(&$0, "best", "split", "everything") }, "best.split"),
            ("epoch", try Hostile.editRecord(bytes) { Self.edit(&$0, "best", "epoch", 0) }, "best.epoch"),
            ("label", try Hostile.editRecord(bytes) { Self.edit(&$0, "rollback", "label", control) }, "rollback.label"),
            ("step", try Hostile.editRecord(bytes) { Self.edit(&$0, "rollback", "stopStep", -1) }, "rollback.stopStep"),
            ("no-best", try Hostile.editRecord(bytes) { $0["best"] = nil }, "without kept best weights"),
            ("no-stop", try Hostile.editRecord(bytes) { $0["rollback"] = nil }, "without a guard stop"),
            ("best-shape", try Hostile.editEntry(bytes, ".bias") { $0["shape"] = [2, 5] }, "does not fit the model"),
            ("state-type", try Hostile.editEntry(bytes, SessionFile.rollbackTensor) { $0["dtype"] = "I8" },
             "rollback.state"),
        ]
        let loader = ExplorationBench(setup: false)
        for (name, data, problem) in cases {
            let file = bench.folder.path + "/\(name).session"
            try Data(data).write(to: URL(fileURLWithPath: file))
            let out = loader.fail("load \(file)")
            #expect(out.contains(problem) && out.contains("\(name).session"), "\(name): \(out)")
            #expect(out.split(separator: "\n").filter { $0.contains("error:") }.count == 1, "\(name): \(out)")
            #expect(loader.shell.session.commandLog.isEmpty && loader.experiment.model == nil)
        }
    }

    @Test func aKeptStateMayNotHoldAnotherOne() throws {
        let (bench, _) = Self.stoppedSession()
        let inner = try #require(bench.shell.session.lastGood?.bytes)
        let nested = try SessionFile.encode(SessionCheckpoint(
            seed: 1, generator: SeededGenerator(seed: 1), commandLog: [], experiment: Experiment(), quiz: nil,
            rollback: RollbackState(lastGood: (inner, "inner"), guardStop: (1, 0.1))))
        var outer = bench.shell.session.checkpoint
        outer.rollback = RollbackState(lastGood: (nested, "outer"), guardStop: (1, 0.1))
        let bytes = try SessionFile.encode(outer)
        #expect(throws: ExperimentError.self) { try SessionFile.decode(bytes, name: "nested") }
        do { _ = try SessionFile.decode(bytes, name: "nested") } catch let error as ExperimentError {
            #expect(error.message.contains("of its own"), "\(error.message)")
        }
    }

    static func edit(_ record: inout [String: Any], _ field: String, _ key: String, _ value: Any) {
        var part = record[field] as? [String: Any] ?? [:]
        part[key] = value
        record[field] = part
    }
}
