import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ExperimentKit
@testable import Workbench

@Suite struct RenderChartTests {
    static func lrChart() -> Chart {
        let lrs = (0..<100).map { 1e-7 * pow(10, Double($0) * 8 / 99) }
        let loss = lrs.map { lr in
            2.3 - 0.8 / (1 + exp(-(log10(lr) + 3.5) * 2)) + (lr > 0.3 ? (log10(lr) + 0.5) * 3 : 0)
        }
        return Chart(title: "LR range test", xLabel: "learning rate", yLabel: "loss",
                     series: [ChartSeries(name: "smoothed loss", x: lrs, y: loss)],
                     markers: [ChartMarker(x: 3.2e-4, label: "steepest 3.2e-4"),
                               ChartMarker(x: 1e-2, label: "min/10 1e-2")],
                     logX: true)
    }

    static func lossGrid() -> [Chart] {
        let tl = (0..<24).map { 2.0 * exp(-Double($0) / 8) + 0.5 }
        let vl = (0..<24).map { 2.1 * exp(-Double($0) / 9) + 0.6 }
        return [
            Chart(title: "Training loss", xLabel: "epoch", series: [ChartSeries(name: "train", y: tl)]),
            Chart(title: "Test loss", xLabel: "epoch", series: [ChartSeries(name: "test", y: vl)]),
            Chart(title: "Training accuracy", xLabel: "epoch",
                  series: [ChartSeries(name: "train", y: tl.map { 100 - 30 * $0 })], yRange: 0...100),
            Chart(title: "Test accuracy", xLabel: "epoch",
                  series: [ChartSeries(name: "test", y: vl.map { 100 - 32 * $0 })], yRange: 0...100),
        ]
    }

    @Test func ticks_AreNiceAndCoverTheRange() {
        #expect(ChartAxis.linearTicks(0...1, maxCount: 6) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1].map { $0 })
        #expect(ChartAxis.linearTicks(1...24, maxCount: 5) == [5, 10, 15, 20])
        #expect(ChartAxis.logTicks(-7...1, maxCount: 9) == [-7, -6, -5, -4, -3, -2, -1, 0, 1])
        #expect(ChartAxis.logTicks(-7...1, maxCount: 5) == [-7, -5, -3, -1, 1])
        #expect(ChartAxis.logLabel(-7) == "1e-7")
        #expect(ChartAxis.logLabel(-2) == "0.01")
        #expect(ChartAxis.logLabel(1) == "10")
        #expect(ChartAxis.label(0.25, step: 0.05) == "0.25")
        #expect(ChartAxis.label(40, step: 20) == "40")
        #expect(ChartAxis.scientific(0.000617) == "6.2e-4")
    }

    @Test(arguments: [40, 60, 80, 132])
    func terminalChart_FitsWidthAndShowsAxesLabelsLegend(width: Int) {
        let text = LineChart.render(Self.lrChart(), style: RenderStyle(color: true, unicode: true, width: width))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.allSatisfy { ANSI.displayWidth($0) <= width })
        let plain = ANSI.strip(text)
        #expect(plain.contains("LR range test"))
        #expect(plain.contains("learning rate"))
        #expect(plain.contains("└"))
        #expect(plain.contains("┤"))
        #expect(plain.contains("1e-7"))
        #expect(plain.contains("┆"))
        #expect(plain.contains("smoothed loss"))
        #expect(plain.contains("steepest 3.2e-4"))
        #expect(plain.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
        #expect(text.contains("\u{1B}["))
    }

    @Test func asciiChart_HasNoEscapesNorUnicode_AndRisingLineGoesUp() {
        let chart = Chart(title: "rising", series: [ChartSeries(name: "y", y: (0..<30).map(Double.init))])
        let text = LineChart.render(chart, style: .plain, height: 10)
        #expect(!text.contains("\u{1B}"))
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
        let rows = text.split(separator: "\n").map(String.init)
        let plotRows = rows.filter { $0.contains("|") || $0.contains("+") }.filter { !$0.contains("--") }
        // The first plotted column (just after the axis) is marked in the lowest plot row,
        // the last column in the highest.
        let axisColumn = plotRows[0].firstIndex { $0 == "|" || $0 == "+" }!.utf16Offset(in: plotRows[0])
        func markRow(_ column: Int) -> Int? {
            plotRows.firstIndex { r in
                let chars = Array(r)
                return column < chars.count && chars[column] == "*"
            }
        }
        let lastColumn = plotRows.map { $0.count - 1 }.max()!
        let first = markRow(axisColumn + 1), last = markRow(lastColumn)
        #expect(first != nil && last != nil)
        if let first, let last { #expect(first > last) }
    }

    @Test func grid_PlacesFourPanelsWithinWidth() {
        let style = RenderStyle(color: false, unicode: true, width: 100)
        let text = LineChart.renderGrid(Self.lossGrid(), columns: 2, style: style)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.allSatisfy { ANSI.displayWidth($0) <= 100 })
        let titleLine = lines.first { $0.contains("Training loss") }
        #expect(titleLine?.contains("Test loss") == true)
        let accuracyLine = lines.first { $0.contains("Training accuracy") }
        #expect(accuracyLine?.contains("Test accuracy") == true)
    }

    @Test func svgChart_IsWellFormedWithAxesTicksLegendMarkers() throws {
        let xml = try XMLDocument(xmlString: SVGChart.document(Self.lrChart()), options: [])
        let root = try #require(xml.rootElement())
        #expect(root.name == "svg")
        #expect(try xml.nodes(forXPath: "/*/@width").first?.stringValue == "640")
        let texts = try xml.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
        for expected in ["LR range test", "learning rate", "loss", "1e-7", "1e-3", "10", "smoothed loss",
                         "steepest 3.2e-4", "min/10 1e-2"] {
            #expect(texts.contains(expected), "missing text \(expected)")
        }
        #expect(try xml.nodes(forXPath: "//*[local-name()='polyline']").count == 1)
        let dashed = try xml.nodes(forXPath: "//*[local-name()='line'][@stroke-dasharray]")
        #expect(dashed.count == 2)
    }

    @Test func svgChart_BreaksLinesAtNaNAndEscapesText() throws {
        let chart = Chart(title: "a < b & \"c\"", series: [ChartSeries(name: "loss", y: [3, 2, .nan, 1.5, 1.2])])
        let xml = try XMLDocument(xmlString: SVGChart.document(chart), options: [])
        #expect(try xml.nodes(forXPath: "//*[local-name()='polyline']").count == 2)
        let texts = try xml.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
        #expect(texts.contains("a < b & \"c\""))
    }

    @Test func svgGrid_HasOnePanelPerChart() throws {
        let path = NSTemporaryDirectory() + "render-grid-\(UUID().uuidString)/loss.svg"
        try SVGChart.writeGrid(Self.lossGrid(), columns: 2, to: path)
        let xml = try XMLDocument(contentsOf: URL(fileURLWithPath: path), options: [])
        #expect(try xml.nodes(forXPath: "/*/@width").first?.stringValue == "960")
        #expect(try xml.nodes(forXPath: "//*[local-name()='g'][starts-with(@id,'panel')]").count == 4)
        #expect(try xml.nodes(forXPath: "//*[local-name()='polyline']").count == 4)
        let folder = (path as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["loss.svg"])
        try? FileManager.default.removeItem(atPath: folder)
    }

    @Test func renderFile_ReportsUnwritablePath() {
        #expect(throws: RenderError.self) { try RenderFile.write("x", to: "/proc/nonexistent/a.svg") }
    }
}
