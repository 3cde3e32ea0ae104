import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ExperimentKit
@testable import Workbench

/// Degenerate inputs render something sensible instead of trapping.
@Suite struct RenderEdgeCaseTests {
    @Test func charts_EmptyFlatNaNAndHugeData() throws {
        let charts = [
            Chart(title: "empty"),
            Chart(series: [ChartSeries(name: "one", y: [1.5])]),
            Chart(series: [ChartSeries(name: "flat", y: [2, 2, 2])]),
            Chart(series: [ChartSeries(name: "nan", y: [.nan, .nan])]),
            Chart(series: [ChartSeries(name: "exploding", y: [2.3, 2.1, 1e30, .infinity])]),
            Chart(series: [ChartSeries(name: "clipped", y: [-50, 50, 150])], yRange: 0...100),
            Chart(series: [ChartSeries(name: "log", x: [0, -1, 1e-3], y: [1, 2, 3])], logX: true),
            Chart(series: [ChartSeries(name: "tiny", x: [0, .leastNonzeroMagnitude * 2024],
                                       y: [0, .leastNonzeroMagnitude])]),
        ]
        for chart in charts {
            for style in [RenderStyle(width: 40), RenderStyle.plain] {
                let text = LineChart.render(chart, style: style, height: 5)
                #expect(text.split(separator: "\n").allSatisfy { ANSI.displayWidth(String($0)) <= style.width })
            }
            _ = try XMLDocument(xmlString: SVGChart.document(chart), options: [])
        }
        #expect(ProgressBar.format(n: 5, total: 10, elapsed: .infinity).contains("?"))
    }

    @Test func heatmapsTimelinesAndGrids_WithTinyInputs() {
        let one = HeatmapMatrix(square: [1])
        #expect(Heatmap.render(one, style: .plain).contains("1.00"))
        #expect(Heatmap.renderSideBySide([], style: .plain) == "")
        let ragged = HeatmapMatrix(rows: 2, columns: 2, values: [0.5])
        #expect(ragged.values.count == 4)
        _ = Heatmap.render(ragged, style: RenderStyle(width: 40))
        let single = AttentionTimeline.render([AttentionFrame(step: 3, map: one)], style: RenderStyle(width: 40))
        #expect(single.contains("1 frames, steps 3…3"))
        #expect(AttentionTimeline.render([], style: .plain) == "no attention frames recorded")
        let grid = ImageGrid.compose([])
        #expect(grid.width > 0 && grid.height > 0)
        #expect(ImageGrid.terminalListing([], style: .plain) == "")
        #expect(TextHistogram.render([], bins: 3, style: .plain).split(separator: "\n").count == 3)
        #expect(Table(headers: [], rows: []).render(style: .plain).isEmpty == false)
    }

    @Test func trainingDescription_MatchesTheSeedLog() {
        let d = ProgressBar.trainingDescription(epoch: 3, lr: 0.00061723, loss: 1.9312, batch: 97, accuracy: 28.412)
        #expect(d == "EPOCH = 3 | LR = 0.000617 | Loss = 1.93 | Batch = 97 | Accuracy = 28.41")
        #expect(ProgressBar.format(n: 98, total: 98, elapsed: 65.3, description: d)
                == d + ": 100%|██████████| 98/98 [01:05<00:00,  1.50it/s]")
    }
}
