import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

extension TrainingTests {
    @Suite(.serialized) struct GuardTests {
        @Test func divergingRunStopsNamingStepLRAndLayer() {
            let bench = TrainingBench()
            #expect(bench.run(TrainingBench.tiny + ["optim sgd lr=1e6"]))
            guard case .failed(let message) = bench.run("train epochs=3") else {
                Issue.record("a diverging run must stop")
                return
            }
            #expect(message.contains("training stopped at step"))
            #expect(message.contains("LR 1000000.000000"))
            #expect(message.contains("conv1.") || message.contains("fc1."))
            let x = bench.experiment
            // The failing update was not applied; what ran is logged so the log replays.
            #expect(x.model!.namedParameters().allSatisfy { $0.tensor.storage.allSatisfy(\.isFinite) })
            #expect(x.globalStep < 12)
            if x.globalStep > 0 { #expect(bench.shell.session.commandLog.last?.text == "train steps=\(x.globalStep)") }
        }

        @Test func guardStopMakesAScriptExitNonZero() throws {
            let bench = TrainingBench()
            let script = bench.folder + "/diverge.ult"
            try (TrainingBench.tiny + ["optim sgd lr=1e6", "train epochs=2", "eval"]).joined(separator: "\n")
                .write(toFile: script, atomically: true, encoding: .utf8)
            #expect(bench.shell.runScript(path: script, stopOnError: true) != 0)
            #expect(!bench.console.output.contains("Test set: Average loss")
                    || bench.console.errors.contains("training stopped"))
        }

        @Test func lossStuckAtChanceWarns() {
            let bench = TrainingBench()
            // A classifier whose scores are all zero, at an LR too small to move it: loss ln 10 throughout.
            #expect(bench.run(["data synthetic n=320 batch=4", "model new", "layer gap", "layer linear out=10",
                               "optim sgd lr=1e-12"]))
            for p in bench.experiment.model!.parameters() { p.storage = [Float](repeating: 0, count: p.count) }
            // An epoch of 80 steps at chance is not yet "not learning" (a warm-up looks the same).
            #expect(bench.run(["train epochs=1"]))
            #expect(!bench.console.errors.contains("not learning"), "\(bench.console.errors)")
            // After 100 steps it warns, once per run however many epochs stay at chance.
            #expect(bench.run(["train epochs=3"]))
            #expect(bench.console.errors.components(separatedBy: "not learning").count == 2, "\(bench.console.errors)")
            #expect(bench.console.errors.contains("≈ ln 10 (chance)"))
            #expect(bench.console.errors.contains("Likely causes"))
        }

        @Test func learningRunDoesNotWarnAboutChance() {
            let x = Experiment()
            var record = TrainingHistory.Epoch(epoch: 1, trainLoss: 1.2, trainAccuracy: 55, batches: 4,
                                               batchesPerEpoch: 4, lastStep: 100, complete: true, seconds: 1)
            #expect(x.chanceWarning(record, classes: 10) == nil)
            record.trainLoss = 2.3
            record.trainAccuracy = 10
            #expect(x.chanceWarning(record, classes: 10) != nil)
            // The quickstart's first epoch: 16 steps near chance is a warm-up, not a failure.
            record.lastStep = 16
            #expect(x.chanceWarning(record, classes: 10) == nil)
            record.lastStep = 100
            record.complete = false
            #expect(x.chanceWarning(record, classes: 10) == nil)
            // A warm-up epoch near chance on average whose loss falls in its last quarter is learning.
            record.complete = true
            record.trainLoss = 2.28
            x.history.steps = [2.35, 2.35, 2.35, 2.07].enumerated().map {
                .init(step: $0.offset + 1, epoch: 1, loss: $0.element, lr: 1e-4, beta1: 0.95, accuracy: 0.1)
            }
            #expect(x.chanceWarning(record, classes: 10) == nil)
        }

        @Test func nonFiniteLossNamesTheFirstBadTensor() {
            let bench = TrainingBench()
            #expect(bench.run(TrainingBench.tiny))
            let conv = bench.experiment.model!.namedParameters().first { $0.name == "conv1.weight" }!.tensor
            conv.storage[0] = .nan
            guard case .failed(let message) = bench.run("train steps=2") else {
                Issue.record("NaN weights must stop training")
                return
            }
            #expect(message.contains("conv1.weight"))
            #expect(message.contains("step 1"))
            #expect(bench.experiment.globalStep == 0)
            #expect(bench.experiment.data?.trainLoader.batchIndex == 0)
        }
    }
}
