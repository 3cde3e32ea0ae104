import Foundation
import Layers
import Testing
@testable import ExperimentKit
@testable import Workbench

/// LR-finder suggestions and labels, gradient ratios of zero biases, how an interrupt is reported.
@Suite(.serialized) struct LRFinderAndMessagesTests {
    /// A curve that only rises: fastai's minimum/10 would fall below the first LR.
    static func risingCurve() -> LRFinderResult {
        let settings = LRFinderSettings()
        let lrs = (0..<settings.iterations).map { settings.lr(at: $0) }
        let losses = lrs.indices.map { 2.0 + 0.01 * Double($0) }
        var r = LRFinderResult(settings: settings, lrs: lrs, losses: losses, rawLosses: losses, diverged: false)
        r.suggest()
        return r
    }

    @Test func suggestionsStayInsideTheSweptRange() throws {
        let r = Self.risingCurve()
        for s in [r.steepest, r.minimum, r.valley] {
            let v = try #require(s)
            #expect(v >= r.lrs.first! && v <= r.lrs.last!, "\(v)")
        }
    }

    @Test func aLossThatNeverFellIsNoticed() {
        #expect(Self.risingCurve().lossNeverFell)
        var falling = Self.risingCurve()
        falling.losses = falling.losses.reversed()
        #expect(!falling.lossNeverFell)
    }

    @Test func lrfindHelpCreditsFastai() {
        let text = flat(InspectionBench().run("help lrfind"))
        #expect(text.contains("minimum/10 and valley (fastai's"), "\(text)")
    }

    @Test func unsmoothedLRFinderChartIsNotLabelledSmoothed() {
        var r = Self.risingCurve()
        #expect(SessionCharts.lrFinder(r).yLabel == "loss (smoothed)")
        r.settings.smooth = 0
        #expect(SessionCharts.lrFinder(r).yLabel == "loss")
    }

    @Test func aZeroBiasHasNoRatio() {
        var g = SeededGenerator(seed: 1)
        var norms = GradientNorms(model: Linear(inputFeatures: 2, outputFeatures: 2, generator: &g))
        norms.rows = [GradientNorms.Row(name: "fc.bias", shape: [2], gradientNorm: 1e-3, weightNorm: 1e-12,
                                        gradientMax: 1e-3, nonFinite: false)]
        #expect(norms.cells().rows[0][4] == "–")
    }

    @Test func anInterruptIsNotAnError() {
        let bench = InspectionBench()
        bench.console.clear()
        _ = bench.shell.fail(Interrupted("train"), source: nil, lineNumber: 1)
        #expect(bench.console.transcript.contains("train interrupted"))
        #expect(!bench.console.transcript.contains("error:"))
    }
}
