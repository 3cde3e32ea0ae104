import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

extension TrainingTests {
    @Suite(.serialized) struct CheckTests {
        @Test func checkModelPassesPerImageAttentionAndFailsBatchAttention() {
            let bench = TrainingBench()
            #expect(bench.run(["data synthetic n=64 batch=16", "model ultimus variant=spec attention=sample"]))
            let digest = bench.experiment.weightDigest
            #expect(bench.run(["check model batch=8"]))
            #expect(bench.console.output.contains("check model: PASS ("))
            #expect(bench.run(["model ultimus variant=spec attention=batch"]))
            bench.console.clear()
            // A FAIL is a finding, not an error: the command succeeds.
            #expect(bench.run(["check model batch=8"]))
            #expect(bench.console.output.contains("check model: FAIL ultimus1: "))
            _ = digest
        }

        @Test func checkModelChangesNothing() {
            let bench = TrainingBench()
            #expect(bench.run(["data synthetic n=64 batch=16", "model new", "layer conv out=4", "layer bn",
                               "layer relu", "layer gap", "layer linear out=10", "train steps=1"]))
            let digest = bench.experiment.weightDigest
            let training = bench.experiment.model!.isTraining
            #expect(bench.run(["check model batch=8", "check rank batch=32"]))
            #expect(bench.experiment.weightDigest == digest)
            #expect(bench.experiment.model!.isTraining == training)
        }

        @Test func jacobiFindsKnownEigenvalues() {
            // [[2, 1, 0], [1, 2, 0], [0, 0, 5]] has eigenvalues 1, 3, 5.
            let values = Spectrum.jacobiEigenvalues([2, 1, 0, 1, 2, 0, 0, 0, 5], n: 3).sorted()
            #expect(zip(values, [1.0, 3.0, 5.0]).allSatisfy { abs($0 - $1) < 1e-12 })
        }

        @Test func singularValuesOfARankTwoMatrix() {
            // Rows are combinations of two fixed vectors: exactly two non-zero singular values.
            let u: [Float] = [1, 2, 0, -1, 3, 0.5], v: [Float] = [0, 1, 1, 2, -1, 0]
            var rows: [Float] = []
            for i in 0..<20 {
                let a = Float(i % 7) - 3, b = Float(i % 5) * 0.5
                rows += zip(u, v).map { a * $0 + b * $1 }
            }
            let sv = Spectrum.singularValues(Tensor(shape: [20, 6], storage: rows))
            #expect(sv.count == 6)
            #expect(sv[1] > 1)
            #expect(sv[2] < 1e-3 * sv[0])
        }

        @Test func checkRankWarnsAboutALinearStack() {
            let bench = TrainingBench()
            // Convolutions without activation, then pooling: the pooled features are about 4-dimensional.
            #expect(bench.run(["data synthetic n=128 batch=32", "model new", "layer conv out=8", "layer conv out=16",
                               "layer gap", "layer linear out=10", "check rank batch=64"]))
            #expect(bench.console.output.contains("check rank:"))
            #expect(bench.console.output.contains("gap1"))
            // The first layer whose rank shows the collapse (gap1 or fc1) depends on the synthetic images.
            #expect(bench.console.errors.contains("linear collapse at gap1")
                    || bench.console.errors.contains("linear collapse at fc1"))
            bench.console.clear()
            #expect(bench.run(["model new", "layer conv out=8", "layer relu", "layer conv out=16", "layer relu",
                               "layer gap", "layer linear out=10", "check rank batch=64"]))
            #expect(!bench.console.errors.contains("linear collapse"))
        }
    }
}
