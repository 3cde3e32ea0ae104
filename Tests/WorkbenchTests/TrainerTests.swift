import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

extension TrainingTests {
    @Suite(.serialized) struct TrainerTests {
        @Test func trainEpochPrintsTheProgressLineAndTheTestLine() throws {
            let bench = TrainingBench()
            #expect(bench.run(TrainingBench.tiny + ["optim adam lr=1e-2", "train epochs=2"]))
            let lines = bench.console.output.split(separator: "\n").map(String.init)
            let progress = lines.filter { $0.hasPrefix("EPOCH = ") }
            #expect(progress.count == 2)
            // EPOCH = 1 | LR = 0.010000 | Loss = 2.31 | Batch = 3 | Accuracy = 10.94
            // followed by: 100%|██████████| 4/4 [00:00<00:00, 12.34it/s]
            let pattern = try Regex(#"^EPOCH = 1 \| LR = 0\.010000 \| Loss = \d+\.\d\d \| Batch = 3 \| "#
                                    + #"Accuracy = \d+\.\d\d: 100%\|█{10}\| 4/4 "#
                                    + #"\[\d\d:\d\d<\d\d:\d\d, +\d+\.\d\d(it/s|s/it)\]$"#)
            #expect(progress.first.map { $0.wholeMatch(of: pattern) != nil } == true, "\(progress.first ?? "")")
            #expect(progress.last?.hasPrefix("EPOCH = 2 |") == true)
            #expect(lines.filter {
                $0.hasPrefix("Test set: Average loss: ") && $0.hasSuffix("%)") && $0.contains("/12 (")
            }.count == 2)
            let x = bench.experiment
            #expect(x.globalStep == 8)
            #expect(x.history.steps.map(\.step) == Array(1...8))
            #expect(x.history.epochs.map(\.epoch) == [1, 2])
            #expect(x.history.epochs.allSatisfy { $0.complete && $0.testAccuracy != nil })
            #expect(x.completedEpochs == 2)
        }

        @Test func stepsContinueTheEpochAndPartialEpochsAreMarked() {
            let bench = TrainingBench()
            #expect(bench.run(TrainingBench.tiny + ["train steps=3"]))
            var x = bench.experiment
            #expect(x.history.epochs.count == 1)
            #expect(x.history.epochs[0].complete == false)
            #expect(x.history.epochs[0].batches == 3)
            #expect(bench.run(["train epochs=1"]))
            x = bench.experiment
            // The rest of epoch 1 (1 batch) completes it; epoch numbering continues.
            #expect(x.globalStep == 4)
            #expect(x.history.epochs.count == 1)
            #expect(x.history.epochs[0].complete)
            #expect(x.history.epochs[0].batches == 4)
            #expect(bench.run(["train epochs=1"]))
            #expect(bench.experiment.history.epochs.map(\.epoch) == [1, 2])
        }

        @Test func scheduleDrivesLRAndBeta1PerStep() throws {
            let bench = TrainingBench()
            #expect(bench.run(TrainingBench.tiny + ["optim adam", "sched onecycle max_lr=0.01 epochs=2",
                                                    "train epochs=2"]))
            let steps = bench.experiment.history.steps
            #expect(steps.count == 8)
            #expect(abs(steps[0].lr - 0.01 / 25) < 1e-12)
            #expect(abs(steps[0].beta1 - 0.95) < 1e-12)
            let peak = try #require(steps.map(\.lr).max())
            #expect(peak <= 0.01 + 1e-12 && peak > 0.008)
            #expect(steps.last!.lr < steps[0].lr)
        }

        @Test func interruptStopsAtTheNextBatchWithTheSessionConsistent() throws {
            let bench = TrainingBench()
            #expect(bench.run(TrainingBench.tiny))
            let x = bench.experiment
            var polls = 0
            var callbacks = TrainingCallbacks()
            callbacks.shouldStop = { polls += 1; return polls > 2 }
            let report = try x.train(steps: 10, source: bench.shell.session.dataSource, callbacks: callbacks)
            #expect(report.outcome == .interrupted)
            #expect(report.stepsDone == 2)
            #expect(x.globalStep == 2)
            #expect(x.data?.trainLoader.batchIndex == 2)
            #expect(x.history.epochs.last?.complete == false)
            #expect(x.history.epochs.last?.batches == 2)
        }

        @Test func ctrlCDuringTrainLogsWhatRanAutosavesAndFailsTheCommand() throws {
            // A terminal console that "presses Ctrl-C" once the first epoch's progress line is complete.
            final class InterruptingConsole: Console {
                var text = ""
                let interrupt = CancellationToken()
                init() { super.init(isTerminal: true, color: false, unicode: true, width: 120) }
                override func emit(_ text: String, toError: Bool) {
                    self.text += text
                    if text.contains("4/4") { interrupt.raise() }
                }
            }
            let console = InterruptingConsole()
            let folder = NSTemporaryDirectory() + "ultimus-train-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let shell = Shell(options: ShellOptions(seed: 3, outputDirectory: folder, console: console,
                                                    interrupt: console.interrupt))
            for line in TrainingBench.tiny { #expect(shell.execute(line: line) == .ok) }
            let status = shell.execute(line: "train epochs=3")
            guard case .failed(let message) = status else { Issue.record("an interrupted train must fail"); return }
            #expect(message.contains("interrupted"))
            let x = shell.session.experiment
            #expect(x.globalStep == 4)
            #expect(x.completedEpochs == 1)
            #expect(shell.session.commandLog.last?.text == "train steps=4")
            #expect(FileManager.default.fileExists(atPath: folder + "/autosave.ult-session"))
        }

        @Test func evalReportsTheTrueMeanLossAndChangesNothing() {
            let bench = TrainingBench()
            #expect(bench.run(TrainingBench.tiny + ["train steps=2"]))
            let digest = bench.experiment.weightDigest
            let loader = bench.experiment.data?.trainLoader.state
            #expect(bench.run(["eval", "eval split=train"]))
            #expect(bench.console.output.contains("Test set: Average loss: "))
            #expect(bench.console.output.contains("Train set: Average loss: "))
            #expect(bench.console.output.contains("/64 ("))
            #expect(bench.experiment.weightDigest == digest)
            #expect(bench.experiment.data?.trainLoader.state == loader)
            #expect(bench.experiment.evaluations[.test]?.count == 12)
            if case .failed(let message) = bench.run("eval split=valid") {
                #expect(message.contains("valid=N"))
            } else { Issue.record("eval on a missing split must fail") }
        }

        @Test func evalProgressStartsBeforeTheFirstBatch() throws {
            let bench = TrainingBench()
            #expect(bench.run(TrainingBench.tiny))
            _ = try bench.experiment.ensureData(source: bench.shell.session.dataSource)
            var seen: [(Int, Int)] = []
            _ = try bench.experiment.evaluate(split: .test, progress: { seen.append(($0, $1)) })
            let total = try #require(seen.first?.1)
            #expect(seen.map(\.0) == Array(0...total))
        }

        @Test func attentionFramesAreRecordedWithFirstAndLastStep() {
            let bench = TrainingBench()
            #expect(bench.run(["data synthetic n=64 batch=16", "model new", "layer conv out=4", "layer relu",
                               "layer gap", "layer ultimus dim=8", "layer linear out=10", "train steps=6"]))
            let t = bench.experiment.timeline
            #expect(t.frames.first?.step == 1)
            #expect(t.frames.last?.step == 6)
            #expect(t.frames.count >= 3)
            #expect(t.frames[0].blocks == ["ultimus1"])
            // One probe image per class of the synthetic data (10), each with its 8×8 map.
            #expect(t.frames[0].maps[0].shape == [10, 8, 8])
            let rowSum = t.frames[0].maps[0].storage[0..<8].reduce(0, +)
            #expect(abs(rowSum - 1) < 1e-4)
        }
    }
}

extension TrainingTests.TrainerTests {
    @Test func historyListsCommandsThenEpochs() {
        let bench = TrainingBench()
        #expect(bench.run(TrainingBench.tiny + ["train epochs=1", "train steps=2"]))
        bench.console.clear()
        #expect(bench.run(["history"]))
        let out = bench.console.output
        #expect(out.contains("train epochs=1"))
        #expect(out.contains("epoch  batches  train loss"))
        #expect(out.contains("(partial)"))
        #expect(out.split(separator: "\n").filter { $0.hasPrefix("    1 ") || $0.hasPrefix("    2 ") }.count == 2)
    }
}
