import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

extension TrainingTests {
    @Suite(.serialized) struct LRFinderTests {
        @Test func exponentialAndLinearLRsFollowTorchLRFinder() {
            var s = LRFinderSettings()
            s.start = 1e-7
            s.end = 100
            s.iterations = 100
            #expect(abs(s.lr(at: 0) - 1e-7) < 1e-20)
            #expect(abs(s.lr(at: 1) - 1.2328467394420659e-7) < 1e-15)
            #expect(abs(s.lr(at: 99) - 100) < 1e-9)
            s.mode = .linear
            s.start = 1
            s.end = 2
            s.iterations = 11
            #expect(abs(s.lr(at: 5) - 1.5) < 1e-12)
        }

        @Test func gradientMatchesNumPy() {
            // np.gradient([1, 2, 4, 7, 11]) = [1, 1.5, 2.5, 3.5, 4]
            #expect(LRFinderResult.gradient([1, 2, 4, 7, 11]) == [1, 1.5, 2.5, 3.5, 4])
        }

        @Test func valleyIsHalfwayDownTheLongestDecrease() {
            // fastai: lds reaches 8 at index 8 (3.1, 3.0, ..., 1.1), so max_start = 8 − 8 = 0,
            // sections = 8/3, idx = 0 + int(2.67) + int(1.33) = 3.
            let losses: [Double] = [3, 3.1, 3.0, 2.8, 2.5, 2.0, 1.5, 1.2, 1.1, 1.3, 4]
            #expect(LRFinderResult.valley(losses) == 3)
            #expect(LRFinderResult.valley([5, 4, 3, 2, 1]) == 0)
        }

        @Test func suggestionsComeFromTheCurve() {
            let n = 60
            let lrs = (0..<n).map { 1e-5 * pow(10, Double($0) / 10) }
            // A valley: flat, falling steeply around index 30, lowest near 45, then rising.
            let losses = (0..<n).map { i -> Double in
                let x = Double(i)
                return 2.3 - 1.5 / (1 + exp(-(x - 30) / 3)) + (x > 45 ? 0.2 * (x - 45) : 0)
            }
            var r = LRFinderResult(settings: LRFinderSettings(), lrs: lrs, losses: losses, rawLosses: losses,
                                   diverged: false)
            r.suggest()
            #expect(r.steepestIndex == 30)
            #expect(r.minimumIndex == 45)
            #expect(abs(r.minimum! - lrs[45] / 10) < 1e-15)
            #expect(r.valleyIndex.map { $0 > 20 && $0 < 45 } == true)
        }

        @Test func lrfindRestoresEveryPieceOfState() throws {
            let bench = TrainingBench()
            #expect(bench.run(TrainingBench.tiny + ["layer dropout p=0.3", "layer linear out=10 name=head",
                                                    "optim adam lr=1e-3", "train steps=2"]))
            let x = bench.experiment
            let state = x.model!.stateDict().map { ($0.key, $0.value.tensor.storage) }
            let optimizerState = x.optimizer!.stateTensors().map { ($0.key, $0.value.tensor.storage) }
            let hyper = x.optimizer!.hyperparameters.map(\.1)
            let loader = x.data!.trainLoader.state
            let generator = bench.shell.session.generator
            let grads = x.model!.parameters().map { $0.grad?.storage }
            #expect(bench.run(["lrfind start=1e-5 end=1 iters=12"]), "\(bench.console.errors)")
            #expect(x.model!.stateDict().map { ($0.key, $0.value.tensor.storage) }
                .elementsEqual(state) { $0.0 == $1.0 && $0.1 == $1.1 })
            #expect(x.optimizer!.stateTensors().map { ($0.key, $0.value.tensor.storage) }
                .elementsEqual(optimizerState) { $0.0 == $1.0 && $0.1 == $1.1 })
            #expect(x.optimizer!.hyperparameters.map(\.1) == hyper)
            #expect(x.data!.trainLoader.state == loader)
            #expect(bench.shell.session.generator == generator)
            #expect(x.model!.parameters().map { $0.grad?.storage } == grads)
            let result = try #require(x.lrFinder)
            #expect(result.lrs.count <= 12 && result.lrs.count >= 2)
            #expect(bench.console.output.contains("Suggested LRs: steepest gradient"))
            #expect(x.globalStep == 2)
            // Training afterwards is the same as without the test.
            let twin = TrainingBench()
            #expect(twin.run(TrainingBench.tiny + ["layer dropout p=0.3", "layer linear out=10 name=head",
                                                   "optim adam lr=1e-3", "train steps=2", "train steps=2"]))
            #expect(bench.run(["train steps=2"]))
            #expect(bench.experiment.weightDigest == twin.experiment.weightDigest)
        }

        @Test func lrfindStopsWhenTheLossDiverges() throws {
            let bench = TrainingBench()
            #expect(bench.run(TrainingBench.tiny + ["optim sgd lr=0.1",
                                                    "lrfind start=1e-3 end=1e6 iters=40 diverge=2"]))
            let result = try #require(bench.experiment.lrFinder)
            #expect(result.diverged)
            #expect(result.losses.count < 40)
            #expect(bench.console.output.contains("the loss diverged"))
        }
    }
}
