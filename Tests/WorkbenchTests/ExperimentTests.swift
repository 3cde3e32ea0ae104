import Foundation
import Datasets
import Testing
@testable import ExperimentKit
@testable import Workbench

/// The training, session-file and script tests, run one at a time: they share the kernels'
/// process-wide thread count.
@Suite(.serialized) enum TrainingTests {}

/// A shell on a capturing console with its own temporary output folder, for the training tests.
final class TrainingBench {
    let console = CapturingConsole()
    let folder: String
    let shell: Shell

    init(seed: UInt64 = 1) {
        folder = NSTemporaryDirectory() + "ultimus-train-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        shell = Shell(options: ShellOptions(seed: seed, outputDirectory: folder + "/out", console: console))
        shell.session.experiment.autosavePath = nil
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    var experiment: Experiment { shell.session.experiment }

    /// Runs lines, expecting each to succeed; returns false at the first failure.
    @discardableResult
    func run(_ lines: [String]) -> Bool {
        for line in lines where shell.execute(line: line) != .ok { return false }
        return true
    }

    func run(_ line: String) -> CommandStatus { shell.execute(line: line) }

    /// 64 synthetic images in batches of 16 and a small conv net (fast in debug builds).
    static let tiny = ["data synthetic n=64 batch=16", "model new", "layer conv out=4", "layer relu", "layer gap",
                       "layer linear out=10"]
}

extension TrainingTests {
    @Suite(.serialized) struct ExperimentTests {
        @Test func dataSyntheticPrintsSourceClassesAndCounts() {
            let bench = TrainingBench()
            #expect(bench.run(["data synthetic n=100 batch=32 valid=20"]))
            let out = bench.console.output
            #expect(out.contains("synthetic shapes"))
            #expect(out.contains("classes  10: disk, square"))
            #expect(out.contains("train 80 · valid 20 · test 20"))
            #expect(out.contains("batch 32 → 3 batches per epoch"))
            #expect(bench.experiment.data?.monitoredSplit == .valid)
        }

        @Test func subsetOfAnImageFolderTakesTheClassesInTurn() throws {
            let bench = TrainingBench()
            let root = bench.folder + "/images"
            for split in ["train", "test"] {
                for cls in ["a", "b", "c"] {
                    try FileManager.default.createDirectory(atPath: "\(root)/\(split)/\(cls)",
                                                            withIntermediateDirectories: true)
                    for i in 0..<3 {
                        try PNGCodec.write(rgb: [UInt8](repeating: UInt8(10 * i), count: 32 * 32 * 3), width: 32,
                                           height: 32, to: "\(root)/\(split)/\(cls)/\(i).png")
                    }
                }
            }
            #expect(bench.run(["data folder path=\(root) subset=4 batch=2"]))
            #expect(bench.experiment.data?.splits.train.labels == [0, 1, 2, 0])
            #expect(bench.console.output.contains("first 4 training images (classes taking turns)"))
            // A set that is not stored class by class keeps its first N images.
            #expect(bench.run(["data synthetic n=64 subset=5"]))
            let synthetic = Synthetic.make(count: 64, seed: bench.experiment.dataSettings!.seed).train
            #expect(bench.experiment.data?.splits.train.labels == Array(synthetic.labels.prefix(5)))
        }

        /// `n=` counts training images whatever `classes=` is, balanced over the classes kept.
        @Test func syntheticClassesKeepTheAskedCount() {
            let bench = TrainingBench()
            #expect(bench.run(["data synthetic n=30 classes=3 batch=10"]))
            let splits = bench.experiment.data?.splits
            #expect(splits?.train.count == 30 && splits?.train.classNames.count == 3)
            #expect(splits?.train.classCounts == [10, 10, 10])
            #expect(splits?.test.count == 6 && splits?.test.labels.allSatisfy { $0 < 3 } == true)
            guard case .failed(let message) = bench.run("data synthetic n=90000 classes=2") else {
                Issue.record("drawing 450,000 images must be refused")
                return
            }
            #expect(message.contains("use a smaller n"))
        }

        @Test func dataErrorsLeaveTheSessionUnchanged() {
            let bench = TrainingBench()
            #expect(bench.run(["data synthetic n=64 batch=16"]))
            let before = bench.experiment.dataSettings
            let generator = bench.shell.session.generator
            if case .failed(let message) = bench.run("data synthetic n=64 subset=500") {
                #expect(message.contains("subset=500"))
            } else { Issue.record("subset larger than the set must fail") }
            for (path, problem) in [(bench.folder + "/none", "no such folder"),
                                    (bench.folder, "has no train/ and test/ folders")] {
                guard case .failed(let message) = bench.run("data folder path=\(path)") else {
                    Issue.record("data folder path=\(path) must fail")
                    continue
                }
                #expect(message == "\(path): \(problem); "
                        + "data folder reads DIR/train/<class>/<image> and DIR/test/<class>/<image>")
            }
            #expect(bench.experiment.dataSettings == before)
            #expect(bench.shell.session.generator == generator)
        }

        @Test func ultimusModelsHaveTheReferenceParameterCounts() {
            let bench = TrainingBench()
            #expect(bench.run(["model ultimus variant=spec"]))
            #expect(bench.experiment.model?.parameterCount == 25_882)
            #expect(bench.run(["model ultimus variant=bnrelu attention=batch"]))
            #expect(bench.experiment.model?.parameterCount == 26_074)
            #expect(bench.console.errors.contains("attention=batch"))
            #expect(bench.experiment.modelRecipe == .ultimus(variant: .bnrelu, attention: .batch))
        }

        @Test func layersInferShapesAndRejectMisfits() {
            let bench = TrainingBench()
            #expect(bench.run(["model new", "layer conv out=8", "layer bn", "layer relu", "layer maxpool"]))
            let net = bench.experiment.model as? LayerNetwork
            #expect(net?.outputShape == [8, 16, 16])
            #expect(net?.layers.map(\.name) == ["conv1", "bn1", "relu1", "pool1"])
            if case .failed(let message) = bench.run("layer linear out=10") {
                #expect(message.contains("gap") || message.contains("flatten"))
            } else { Issue.record("linear after a spatial layer must fail") }
            #expect(bench.run(["layer gap", "layer linear out=10 name=fc"]))
            #expect(bench.experiment.model?.namedParameters().map(\.name).last == "fc.bias")
            #expect(bench.experiment.modelRecipe?.commands.count == 7)
        }

        @Test func optimizerAndScheduleFollowTheCommands() {
            let bench = TrainingBench()
            #expect(bench.run(TrainingBench.tiny + ["optim sgd lr=0.05 momentum=0.9 nesterov=true"]))
            #expect(bench.console.output.contains(
                "SGD(lr=0.05, momentum=0.9, dampening=0, nesterov=True, weight_decay=0)"))
            #expect(bench.run(["optim adamw"]))
            #expect(bench.experiment.optimizerSettings?.values["weight_decay"] == 0.01)
            #expect(bench.run(["sched onecycle max_lr=0.01 epochs=3"]))
            #expect(bench.experiment.schedule?.totalSteps == 12)
            #expect(bench.console.output.contains("12 steps = 3 epochs × 4 batches"))
            #expect(bench.run(["sched onecycle max_lr=1e-3 epochs=1"]))
            #expect(bench.console.output.contains("4 steps = 1 epoch × 4 batches"))
        }

        @Test func scheduleLintsAreShown() {
            let bench = TrainingBench()
            #expect(bench.run(TrainingBench.tiny + ["sched onecycle max_lr=1e-3 epochs=2 final_div_factor=0.04"]))
            #expect(bench.console.errors.contains("final_div_factor 0.04 < 1"))
        }

        @Test func trainingPastTheOneCycleEndIsRefusedBeforeTheFirstStep() throws {
            let bench = TrainingBench()
            #expect(bench.run(TrainingBench.tiny + ["sched onecycle max_lr=1e-2 epochs=1", "train steps=3"]))
            let digest = bench.experiment.weightDigest
            guard case .failed(let message) = bench.run("train epochs=2") else {
                Issue.record("training past the schedule must be refused")
                return
            }
            #expect(message.contains("needs 5 steps but the one-cycle schedule has 1 left of 4"))
            #expect(message.contains("steps=1"))
            #expect(bench.experiment.weightDigest == digest)
            #expect(bench.experiment.globalStep == 3)
            #expect(bench.run("train steps=1") == .ok)
            guard case .failed(let finished) = bench.run("train steps=1") else {
                Issue.record("training past the schedule must be refused")
                return
            }
            #expect(finished.contains("the one-cycle schedule is finished (all 4 steps done)"))
            #expect(!finished.contains("steps=0"))
            #expect(bench.experiment.globalStep == 4)
        }

        @Test func startsWithoutDataAndPicksTheDefaultLazily() {
            let bench = TrainingBench()
            #expect(bench.experiment.data == nil)
            #expect(bench.run(["model new", "layer gap", "layer linear out=10", "eval"]))
            #expect(bench.experiment.data != nil)
        }
    }
}
