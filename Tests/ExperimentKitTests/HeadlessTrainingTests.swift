import Autograd
import ExperimentKit
import Foundation
import Testing

/// A whole training run through the experiment API alone: no shell, console or command language.
@Suite(.serialized) struct HeadlessTrainingTests {
    /// 48 synthetic images of 3 classes, batches of 16, and a flatten + linear network.
    static func tinyExperiment() throws -> Experiment {
        let x = Experiment()
        let data = DataSettings(source: .synthetic, count: 48, classes: 3, batchSize: 16, seed: 7)
        try x.setData(data, dataDirectory: nil)
        var generator = SeededGenerator(seed: 11)
        x.newNetwork(generator: &generator)
        try x.appendLayer(LayerSpec(kind: .flatten, name: "flatten", settings: [:]))
        try x.appendLayer(LayerSpec(kind: .linear, name: "fc", settings: ["out": 3]))
        x.setOptimizer(OptimizerSettings(kind: .adam, values: OptimizerKind.adam.defaults))
        return x
    }

    @Test func trainsTwoEpochsAndEvaluatesWithoutAShell() throws {
        let x = try Self.tinyExperiment()
        var batches = 0, epochs: [Int] = []
        var callbacks = TrainingCallbacks()
        callbacks.batch = { _ in batches += 1 }
        callbacks.epochEnded = { epoch, _ in epochs.append(epoch.epoch) }
        let source = DataSource.seeded(3)
        let steps = try x.steps(forEpochs: 2, source: source)
        #expect(steps == 6)
        let report = try x.train(steps: steps, source: source, callbacks: callbacks)
        #expect(report.outcome == .finished)
        #expect(report.stepsDone == 6)
        #expect(batches == 6)
        #expect(epochs == [1, 2])
        #expect(x.completedEpochs == 2)
        #expect(x.history.epochs.allSatisfy { $0.complete && $0.testAccuracy != nil })
        let result = try x.evaluate(split: .test)
        #expect(result.count > 0)
        #expect(result.loss.isFinite)
    }

    @Test func aCancellationStopsBeforeTheNextBatch() throws {
        let x = try Self.tinyExperiment()
        var polls = 0
        var callbacks = TrainingCallbacks()
        callbacks.shouldStop = { polls += 1; return polls > 2 }
        let report = try x.train(steps: 6, source: .seeded(3), callbacks: callbacks)
        #expect(report.outcome == .interrupted)
        #expect(report.stepsDone == 2)
        #expect(x.globalStep == 2)
    }

    @Test func theSameSeedsGiveTheSameWeights() throws {
        let digests = try (0..<2).map { _ in
            let x = try Self.tinyExperiment()
            _ = try x.train(steps: 4, source: .seeded(3))
            return x.weightDigest
        }
        #expect(digests[0] == digests[1])
    }

    @Test func aCheckpointRoundTripsThroughASessionFile() throws {
        let x = try Self.tinyExperiment()
        _ = try x.train(steps: 3, source: .seeded(3))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("headless-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/run.ult-session"
        let checkpoint = SessionCheckpoint(seed: 3, generator: SeededGenerator(seed: 3), commandLog: [],
                                           experiment: x, quiz: nil)
        try SessionFile.save(checkpoint, to: path)
        let loaded = try SessionFile.read(path: path)
        #expect(loaded.experiment.weightDigest == x.weightDigest)
        #expect(loaded.experiment.globalStep == 3)
    }
}
