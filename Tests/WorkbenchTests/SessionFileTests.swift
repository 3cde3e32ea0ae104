import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

extension TrainingTests {
    @Suite(.serialized) struct SessionFileTests {
        static let recipe = TrainingBench.tiny + [
            "optim adam lr=1e-2", "sched onecycle max_lr=2e-2 epochs=4",
        ]

        /// Bitwise values of every parameter and buffer.
        static func weights(_ bench: TrainingBench) -> [String: [UInt32]] {
            var out: [String: [UInt32]] = [:]
            for (key, value) in bench.experiment.model!.stateDict() {
                out[key] = value.tensor.storage.map(\.bitPattern)
            }
            return out
        }

        @Test func aConstantScheduleIsSavedAndLoaded() {
            let a = ExplorationBench()
            a.run("sched constant")
            let path = a.folder.path + "/constant.session"
            a.run("save \(path)")
            let b = ExplorationBench(setup: false)
            b.run("load \(path)")
            #expect(b.experiment.scheduleSettings?.kind == .constant)
            #expect(b.experiment.schedule?.description == a.experiment.schedule?.description)
        }

        @Test func loadInAFreshSessionResumesBitIdentically() {
            let a = TrainingBench(seed: 11)
            let path = a.folder + "/mid.session"
            #expect(a.run(Self.recipe + ["train steps=3", "save \(path)", "train epochs=1", "train steps=2"]))
            let uninterrupted = Self.weights(a)

            let b = TrainingBench(seed: 99)
            #expect(b.run(["load \(path)", "train epochs=1", "train steps=2"]))
            #expect(Self.weights(b) == uninterrupted)
            #expect(b.experiment.globalStep == a.experiment.globalStep)
            #expect(b.experiment.scheduleStep == a.experiment.scheduleStep)
            #expect(b.experiment.history.epochs.map(\.epoch) == a.experiment.history.epochs.map(\.epoch))
            #expect(b.experiment.history.steps.map(\.loss) == a.experiment.history.steps.map(\.loss))
            #expect(b.shell.session.commandLog.map(\.text).prefix(9)
                    == a.shell.session.commandLog.map(\.text).prefix(9))
        }

        @Test func aLoadedSessionCountsItsEpochsBeforeItsDataIsReadAgain() {
            let a = TrainingBench(seed: 3)
            let path = a.folder + "/three.session"
            #expect(a.run(TrainingBench.tiny + ["train epochs=3", "save \(path)"]))
            #expect(a.experiment.completedEpochs == 3)
            let b = TrainingBench(seed: 4)
            #expect(b.run(["load \(path)"]))
            #expect(b.experiment.data == nil)
            #expect(b.experiment.completedEpochs == 3)
            #expect(b.console.output.contains("3 epochs done, step 12"))
            #expect(b.run(["train steps=1"]))
            #expect(b.experiment.completedEpochs == 3 && b.experiment.currentEpoch == 4)
        }

        @Test func interventionsAreSavedAndLoaded() throws {
            let a = TrainingBench(seed: 2)
            let path = a.folder + "/intervened.session"
            #expect(a.run(["data synthetic n=32 batch=16", "model ultimus variant=bnrelu",
                           "intervene ultimus3 mode=zero_row row=2", "intervene ultimus1 mode=bypass", "eval",
                           "save \(path)"]))
            let b = TrainingBench(seed: 9)
            #expect(b.run(["load \(path)", "eval"]))
            let net = try #require(b.experiment.model as? UltimusNet)
            #expect(net.blocks.map(\.intervention) == [.bypass, nil, .zeroRow(2), nil])
            #expect(b.experiment.evaluations[.test]?.loss == a.experiment.evaluations[.test]?.loss)
            #expect(b.run(["intervene clear"]))
            #expect(b.console.output.contains("cleared: ultimus1, ultimus3"))
        }

        /// AMSGrad's running maximum is optimizer state like any other: it changes the run, and a
        /// session saved mid-run resumes bit-identically.
        @Test func amsgradIsOnByRequestAndResumesBitIdentically() {
            let a = TrainingBench(seed: 4)
            let path = a.folder + "/ams.session"
            #expect(a.run(TrainingBench.tiny + ["optim adamw lr=1e-2 amsgrad=true", "train steps=3", "save \(path)",
                                                "train steps=4"]))
            #expect(a.console.output.contains(
                "AdamW(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, amsgrad=True)"))
            #expect(a.experiment.optimizer?.stateTensors().keys.contains { $0.hasSuffix("max_exp_avg_sq") } == true)
            let b = TrainingBench(seed: 5)
            #expect(b.run(["load \(path)", "train steps=4"]))
            #expect(Self.weights(b) == Self.weights(a))
            let c = TrainingBench(seed: 4)
            #expect(c.run(TrainingBench.tiny + ["optim adamw lr=1e-2", "train steps=7"]))
            #expect(Self.weights(c) != Self.weights(a))
        }

        @Test func dropoutGeneratorsAndBatchNormBuffersRoundTrip() {
            let a = TrainingBench(seed: 5)
            let path = a.folder + "/drop.session"
            #expect(a.run(["data synthetic n=64 batch=16 augment=flip,crop", "model new", "layer conv out=4",
                           "layer bn", "layer relu", "layer dropout p=0.3", "layer gap", "layer linear out=10",
                           "optim sgd lr=0.1 momentum=0.9", "train steps=5", "save \(path)", "train steps=6"]))
            let b = TrainingBench(seed: 6)
            #expect(b.run(["load \(path)", "train steps=6"]))
            #expect(Self.weights(b) == Self.weights(a))
        }

        @Test func autosaveAfterAKillResumesFromTheLastEpoch() throws {
            let a = TrainingBench(seed: 2)
            a.experiment.autosavePath = "autosave.ult-session"
            #expect(a.run(Self.recipe + ["train epochs=1"]))
            let autosave = a.folder + "/out/autosave.ult-session"
            let copy = a.folder + "/epoch1.session"
            try FileManager.default.copyItem(atPath: autosave, toPath: copy)
            #expect(a.run(["train epochs=2"]))

            let b = TrainingBench(seed: 3)
            #expect(b.run(["load \(copy)", "train epochs=2"]))
            #expect(Self.weights(b) == Self.weights(a))
            #expect(b.experiment.history.completeEpochs.map(\.epoch) == [1, 2, 3])
        }

        @Test func badFilesGiveOneLineErrorsAndLeaveTheSessionUntouched() throws {
            let bench = TrainingBench()
            let good = bench.folder + "/good.session"
            #expect(bench.run(Self.recipe + ["train steps=2", "save \(good)"]))
            let digest = bench.experiment.weightDigest
            let log = bench.shell.session.commandLog.count
            let bytes = try Data(contentsOf: URL(fileURLWithPath: good))

            let truncated = bench.folder + "/truncated.session"
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
            let garbage = bench.folder + "/garbage.session"
            try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: URL(fileURLWithPath: garbage))
            let wrongVersion = bench.folder + "/v99.session"
            var changed = bytes
            let range = try #require(changed.range(of: Data(#"\"version\":1"#.utf8)))
            changed.replaceSubrange(range, with: Data(#"\"version\":9"#.utf8))
            try changed.write(to: URL(fileURLWithPath: wrongVersion))
            let weightsOnly = bench.folder + "/weights.safetensors"
            #expect(bench.run(["export weights \(weightsOnly)"]))

            let cases: [(String, String)] = [
                (bench.folder + "/missing.session", "no such file"),
                (truncated, "truncated.session"),
                (garbage, "garbage.session"),
                (wrongVersion, "version 9"),
                (weightsOnly, "import weights"),
            ]
            for (path, expected) in cases {
                bench.console.clear()
                guard case .failed(let message) = bench.run("load \(path)") else {
                    Issue.record("loading \(path) must fail")
                    continue
                }
                #expect(message.contains(expected), "\(message)")
                #expect(!message.contains("\n"))
                #expect(bench.experiment.weightDigest == digest)
            }
            #expect(bench.shell.session.commandLog.count == log + 1)
        }

        @Test func exportedWeightsImportIntoAFreshModel() {
            let a = TrainingBench()
            let path = a.folder + "/w.safetensors"
            #expect(a.run(TrainingBench.tiny + ["train steps=2", "export weights \(path)"]))
            let b = TrainingBench(seed: 42)
            #expect(b.run(TrainingBench.tiny))
            #expect(Self.weights(b) != Self.weights(a))
            #expect(b.run(["import weights \(path)"]))
            #expect(Self.weights(b) == Self.weights(a))
            #expect(b.run(["model new", "layer conv out=5", "layer gap", "layer linear out=10"]))
            let before = Self.weights(b)
            guard case .failed(let message) = b.run("import weights \(path)") else {
                Issue.record("a mis-shaped import must fail")
                return
            }
            #expect(message.contains("conv1.weight"))
            #expect(Self.weights(b) == before)
        }

        @Test func replayVerifiesAndStopsAtTheFirstDifference() throws {
            let a = TrainingBench(seed: 4)
            let path = a.folder + "/r.session"
            #expect(a.run(Self.recipe + ["train steps=3", "eval", "save \(path)"]))
            let b = TrainingBench(seed: 4)
            #expect(b.run(["replay \(path) verify=true"]))
            #expect(b.console.output.contains("verified identical"))
            #expect(b.experiment.weightDigest == a.experiment.weightDigest)

            // Tamper with one recorded digest: replay must stop there and show both.
            let loaded = try SessionFile.read(path: path)
            var record = loaded.record
            let evalNumber = try #require(record.commandLog.first { $0.text == "eval" }?.number)
            record.digests[evalNumber]?.figures = ["Test set: Average loss: 9.9999, Accuracy: 1/12 (8.33%)"]
            let json = try SessionFile.encoder().encode(record)
            let file = try SafeTensors.read(path: path)
            let tampered = a.folder + "/t.session"
            let metadata = [SessionFile.metadataKey: String(decoding: json, as: UTF8.self)]
            try SafeTensors.write(file.entries, metadata: metadata, to: tampered)
            let c = TrainingBench(seed: 4)
            guard case .failed(let message) = c.run("replay \(tampered)") else {
                Issue.record("a differing replay must fail")
                return
            }
            #expect(message.contains("command \(evalNumber)"))
            #expect(c.console.output.contains("saved:"))
            #expect(c.console.output.contains("9.9999"))
        }

        @Test func forkReplaysTheFirstNCommands() {
            let a = TrainingBench(seed: 8)
            #expect(a.run(Self.recipe + ["train steps=2"]))
            let afterTwo = a.experiment.weightDigest
            #expect(a.run(["train steps=2"]))
            let n = a.shell.session.commandLog[a.shell.session.commandLog.count - 2].number
            #expect(a.run(["fork \(n)"]))
            #expect(a.experiment.weightDigest == afterTwo)
            #expect(a.experiment.globalStep == 2)
            guard case .failed(let message) = a.run("fork 999") else {
                Issue.record("fork past the log must fail")
                return
            }
            let log = a.shell.session.commandLog
            #expect(message.hasSuffix("pick one that 'history' lists (\(log.first!.number) to \(log.last!.number))"))
            let b = TrainingBench(seed: 8)
            #expect(b.run(["set seed=3"]))
            guard case .failed(let only) = b.run("fork 5") else { Issue.record("fork past the log must fail"); return }
            #expect(only.hasSuffix("the only one is 1"))
        }
    }
}

extension TrainingTests.SessionFileTests {
    @Test func autosaveCanBeRedirectedAndSwitchedOff() {
        let bench = TrainingBench()
        #expect(bench.run(["set autosave=on"]))
        #expect(bench.console.output.contains("autosave=\(bench.folder)/out/autosave.ult-session"))
        #expect(bench.run(["set autosave=mine.ult-session seed=3"]))
        #expect(bench.shell.session.seed == 3)
        #expect(bench.run(TrainingBench.tiny + ["train epochs=1"]))
        #expect(FileManager.default.fileExists(atPath: bench.folder + "/out/mine.ult-session"))
        #expect(bench.run(["set autosave=off", "train epochs=1"]))
        #expect(bench.console.output.contains("autosave=off"))
        guard case .failed = bench.run("set autosave=\(bench.folder)") else {
            Issue.record("a folder is not an autosave file")
            return
        }
        #expect(bench.experiment.autosavePath == nil)
    }
}
