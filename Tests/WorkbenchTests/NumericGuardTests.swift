import Foundation
import Layers
import Testing
@testable import ExperimentKit
@testable import Workbench

/// NaN and Inf in weights, optimizer state and updates are caught where they first appear and
/// named; training never goes on silently.
extension TrainingTests {
@Suite(.serialized) struct NumericGuardTests {
    static func weights(_ x: Experiment) -> [[UInt32]] { x.model!.parameters().map { $0.storage.map(\.bitPattern) } }

    @Test func nanInTheOptimizerStateStopsBeforeTheWeightsGoBad() throws {
        let bench = TrainingBench()
        #expect(bench.run(TrainingBench.tiny + ["optim adam lr=1e-2", "train steps=2"]))
        let x = bench.experiment
        let optimizer = try #require(x.optimizer)
        // The second moment of the first parameter (conv1.weight) is poisoned.
        let state = optimizer.state(index: 0)
        let v = try #require(state.first { $0.0 == "exp_avg_sq" }?.1)
        v.storage[0] = .nan
        let before = Self.weights(x)
        let step = x.globalStep
        guard case .failed(let message) = bench.run("train steps=3") else {
            Issue.record("training must stop when an update would write NaN")
            return
        }
        print("numerics: \(message)")
        #expect(message.contains("conv1.weight"), "\(message)")
        #expect(message.contains("exp_avg_sq"), "\(message)")
        #expect(message.contains("step \(step + 1)"), "\(message)")
        #expect(!message.contains("\n"))
        #expect(Self.weights(x) == before, "the bad update must not be applied")
        #expect(x.globalStep == step)
        #expect(x.model!.parameters().allSatisfy { $0.storage.allSatisfy(\.isFinite) })
    }

    @Test func infinityInAWeightIsNamed() throws {
        let bench = TrainingBench()
        #expect(bench.run(TrainingBench.tiny))
        let fc = try #require(bench.experiment.model!.namedParameters().first { $0.name == "fc1.bias" }).tensor
        fc.storage[3] = .infinity
        guard case .failed(let message) = bench.run("train steps=1") else {
            Issue.record("an infinite weight must stop training")
            return
        }
        print("numerics: \(message)")
        #expect(message.contains("fc1.bias"), "\(message)")
        #expect(bench.experiment.globalStep == 0)
    }

    @Test func aDivergingLRStopsAndNamesTheTensor() {
        let bench = TrainingBench()
        #expect(bench.run(TrainingBench.tiny + ["optim sgd lr=1e12"]))
        guard case .failed(let message) = bench.run("train steps=8") else {
            Issue.record("an LR of 1e12 must stop training")
            return
        }
        print("numerics: \(message)")
        #expect(message.contains("training stopped at step"))
        #expect(message.contains("conv1.") || message.contains("fc1."), "\(message)")
        #expect(bench.experiment.model!.parameters().allSatisfy { $0.storage.allSatisfy(\.isFinite) })
        // What ran is recorded consistently.
        #expect(bench.experiment.history.steps.count == bench.experiment.globalStep)
    }
}
}
