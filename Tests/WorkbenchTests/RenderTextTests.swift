import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ExperimentKit
@testable import Workbench

@Suite struct RenderTextTests {
    @Test func table_AlignsNumbersRightAndTextLeft() {
        let t = Table(headers: ["layer", "grad norm"], rows: [["conv1.weight", "0.0123"], ["fc.bias", "12.5"]])
        let lines = t.render(style: .plain).split(separator: "\n").map(String.init)
        #expect(lines[0] == "layer         grad norm")
        #expect(lines[1] == String(repeating: "-", count: 23))
        #expect(lines[2] == "conv1.weight     0.0123")
        #expect(lines[3] == "fc.bias            12.5")
    }

    @Test func table_ShortensTextColumnsToFit() {
        let t = Table(headers: ["name", "value"], rows: [[String(repeating: "x", count: 60), "1.5"]])
        let text = t.render(style: RenderStyle(color: false, unicode: true, width: 30))
        #expect(text.split(separator: "\n").allSatisfy { ANSI.displayWidth(String($0)) <= 30 })
        #expect(text.contains("…"))
        #expect(text.contains("1.5"))
    }

    @Test func histogram_CountsLikeHistc() {
        let values: [Float] = [0, 0.1, 0.2, 0.5, 0.9, 1.0, .nan]
        let (counts, edges) = TextHistogram.counts(values, bins: 4)
        #expect(counts == [3, 0, 1, 2])
        #expect(edges == [0, 0.25, 0.5, 0.75, 1.0])
        let text = TextHistogram.render(values, bins: 4, style: .plain)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("[0.00, 0.25)"))
        #expect(lines[3].hasPrefix("[0.75, 1.00]"))
        #expect(lines[3].hasSuffix(" 2"))
        #expect(lines[4] == "non-finite: 1")
        #expect(lines.allSatisfy { ANSI.displayWidth($0) <= 80 && $0.unicodeScalars.allSatisfy(\.isASCII) })
        // The fullest bin has the longest bar.
        let bars = lines.prefix(4).map { $0.filter { $0 == "#" }.count }
        #expect(bars[0] == bars.max() && bars[1] == 0 && bars[3] > bars[2])
    }

    @Test func histogram_UnicodeBarsFitWidth() {
        var g = SeededGenerator(seed: 7)
        let values = (0..<500).map { _ in Float.random(in: -3...3, using: &g) }
        let text = TextHistogram.render(values, bins: 12, style: RenderStyle(width: 50))
        #expect(text.split(separator: "\n").count == 12)
        #expect(text.split(separator: "\n").allSatisfy { ANSI.displayWidth(String($0)) <= 50 })
        #expect(text.contains("█"))
    }

    static let names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

    @Test func confusion_AccuracyPerClassAndTerminal() {
        let view = ConfusionMatrixView(trueLabels: [0, 0, 0, 1, 1, 2], predicted: [0, 0, 1, 1, 2, 2],
                                       classNames: Array(Self.names.prefix(3)))
        #expect(view.counts == [[2, 1, 0], [0, 1, 1], [0, 0, 1]])
        #expect(abs(view.accuracy - 400.0 / 6) < 1e-9)
        #expect(view.perClassAccuracy.map { ($0 * 10).rounded() / 10 } == [66.7, 50, 100])
        let plain = view.render(style: .plain)
        #expect(plain.contains("2*"))
        #expect(plain.contains("66.7"))
        #expect(plain.contains("accuracy 66.67%"))
        #expect(!plain.contains("\u{1B}"))
        let coloured = view.render(style: RenderStyle(width: 80))
        #expect(coloured.contains("\u{1B}[48;5;"))
    }

    @Test func confusion_TenClassesFitAndSVGIsValid() throws {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
        for t in 0..<10 { for p in 0..<10 { counts[t][p] = t == p ? 800 : (t + p) % 30 } }
        let view = ConfusionMatrixView(counts: counts, classNames: Self.names)
        for width in [60, 80] {
            let text = view.render(style: RenderStyle(width: width))
            #expect(text.split(separator: "\n").allSatisfy { ANSI.displayWidth(String($0)) <= width })
            #expect(text.split(separator: "\n").count == 12)
        }
        let xml = try XMLDocument(xmlString: view.svg(), options: [])
        #expect(try xml.nodes(forXPath: "//*[local-name()='g'][@id='cells']/*[local-name()='rect']").count == 100)
        let texts = try xml.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
        #expect(texts.contains("automobile"))
        #expect(texts.contains("acc %"))
        #expect(texts.contains(String(format: "%.1f", view.perClassAccuracy[4])))
    }
}
