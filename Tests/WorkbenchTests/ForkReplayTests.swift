import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

extension TrainingTests {
    /// `fork` and `replay` run many commands; when one of them fails part-way the session is as before.
    @Suite(.serialized) struct ForkReplayTests {
        /// The state a failed command must not change.
        static func state(_ bench: TrainingBench) -> [String] {
            let s = bench.shell.session, x = bench.experiment
            let optimizerState = x.optimizer?.stateTensors().map { $0.value.tensor.storage } ?? []
            return ["\(x.weightDigest)", "\(x.globalStep)", "\(x.history.steps.map(\.loss))",
                    "\(s.commandLog.map(\.text))", "\(s.generator.state)", "\(s.seed)", "\(optimizerState)",
                    "\(QuizState.of(s).record)"]
        }

        /// A session whose log imports a weights file that is then removed: re-running it fails there.
        static func brokenBench() -> (TrainingBench, String) {
            let bench = TrainingBench()
            let weights = bench.folder + "/w.safetensors"
            #expect(bench.run(TrainingBench.tiny + ["quiz on", "optim adam lr=1e-2", "train steps=1",
                                                     "export weights \(weights)", "import weights \(weights)",
                                                     "train steps=2"]))
            return (bench, weights)
        }

        @Test func forkFailingPartWayLeavesTheSessionAsItWas() throws {
            let (bench, weights) = Self.brokenBench()
            try FileManager.default.removeItem(atPath: weights)
            #expect(bench.run(["quiz off"]))  // the fork turns it on again before it fails
            let before = Self.state(bench)
            let last = try #require(bench.shell.session.commandLog.last?.number)
            guard case .failed(let message) = bench.run("fork \(last)") else {
                Issue.record("the fork must fail at 'import weights'")
                return
            }
            print("fork failing part-way: \(message)")
            #expect(message.contains("import weights"), "\(message)")
            #expect(!message.contains("\n"))
            #expect(Self.state(bench) == before)
            // The session still works and trains on from where it was.
            #expect(bench.run(["train steps=1"]))
            #expect(bench.experiment.globalStep == 4)
        }

        /// The re-run trains a whole epoch before it fails; the live session's autosave stays as it was.
        @Test func forkFailingPartWayLeavesTheAutosaveAlone() throws {
            let bench = TrainingBench()
            bench.experiment.autosavePath = "autosave.ult-session"
            let weights = bench.folder + "/w.safetensors", autosave = bench.folder + "/out/autosave.ult-session"
            #expect(bench.run(TrainingBench.tiny + ["optim adam lr=1e-2", "train epochs=1", "export weights \(weights)",
                                                     "import weights \(weights)", "train epochs=1"]))
            try FileManager.default.removeItem(atPath: weights)
            let saved = try Data(contentsOf: URL(fileURLWithPath: autosave))
            let last = try #require(bench.shell.session.commandLog.last?.number)
            guard case .failed = bench.run("fork \(last)") else {
                Issue.record("the fork must fail at 'import weights'")
                return
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: autosave)) == saved)
            #expect(bench.run(["train epochs=1"]))
            #expect(try Data(contentsOf: URL(fileURLWithPath: autosave)) != saved)
        }

        @Test func savedScriptsReplayAfterSaveAndFork() throws {
            let bench = TrainingBench()
            let file = bench.folder + "/s.session"
            #expect(bench.run(TrainingBench.tiny + ["optim adam lr=1e-2", "train steps=1", "save \(file)",
                                                    "train steps=1"]))
            let train = try #require(bench.shell.session.commandLog.first { $0.text == "train steps=1" }?.number)
            #expect(bench.run(["fork \(train)"]))
            // The fork is represented by the commands it replayed, so history never lists a 'fork'
            // whose number would mean something else when the script runs again.
            #expect(!bench.shell.session.commandLog.contains { $0.text.hasPrefix("fork") })
            let chart = bench.folder + "/lr.svg"
            #expect(bench.run(["train steps=1", "save \(file) force=true", "plot lr to=\(chart)"]))
            let script = bench.folder + "/s.ult"
            #expect(bench.run(["save script \(script)"]))
            let text = try String(contentsOfFile: script, encoding: .utf8)
            #expect(text.contains("\n# save \(file) force=true  (not replayed)\n"))
            #expect(text.contains("\n# plot lr to=\(chart)  (not replayed)\n"))
            let again = TrainingBench()
            #expect(again.shell.runScript(path: script, stopOnError: true) == 0)
            #expect(again.experiment.weightDigest == bench.experiment.weightDigest)
            #expect(again.experiment.globalStep == 2)
        }

        @Test func numbersGoOnAfterALoadSoAResavedSessionReplaysVerified() throws {
            let first = TrainingBench()
            let a = first.folder + "/a.session", b = first.folder + "/b.session"
            #expect(first.run(TrainingBench.tiny + ["optim adam lr=1e-2", "train steps=2", "save \(a)"]))
            let second = TrainingBench()
            #expect(second.run(["load \(a)", "train steps=1", "save \(b)"]))
            let numbers = second.shell.session.commandLog.map(\.number)
            #expect(numbers == numbers.sorted() && Set(numbers).count == numbers.count, "\(numbers)")
            #expect(!second.shell.session.commandLog.contains { $0.text.hasPrefix("load") })
            #expect(second.run("replay \(b) verify=true") == .ok)
            #expect(second.console.output.contains("verified identical"))
        }

        @Test func replayAndForkLeaveFilesWrittenOutsideTheOutputFolder() throws {
            let bench = TrainingBench()
            let chart = bench.folder + "/loss.svg", file = bench.folder + "/s.session"
            #expect(bench.run(TrainingBench.tiny + ["train epochs=1", "plot loss to=\(chart)", "train steps=1",
                                                    "save \(file)"]))
            try "my edited chart".write(toFile: chart, atomically: true, encoding: .utf8)
            #expect(bench.run("replay \(file) verify=true") == .ok)
            #expect(bench.experiment.globalStep == 5)
            let last = try #require(bench.shell.session.commandLog.last?.number)
            #expect(bench.run("fork \(last)") == .ok)
            #expect(try String(contentsOfFile: chart, encoding: .utf8) == "my edited chart")
            #expect(bench.console.output.contains("(skipped: it does not change the experiment)"))
        }

        @Test func replayFailingPartWayLeavesTheSessionAsItWas() throws {
            let (bench, weights) = Self.brokenBench()
            let file = bench.folder + "/s.session"
            #expect(bench.run(["save \(file)"]))
            try FileManager.default.removeItem(atPath: weights)
            #expect(bench.run(["train steps=1"]))
            let before = Self.state(bench)
            guard case .failed(let message) = bench.run("replay \(file)") else {
                Issue.record("the replay must fail at 'import weights'")
                return
            }
            print("replay failing part-way: \(message)")
            #expect(message.contains("import weights"), "\(message)")
            #expect(Self.state(bench) == before)
        }
    }
}
