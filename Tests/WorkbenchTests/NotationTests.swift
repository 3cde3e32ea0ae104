import Foundation
import Testing
@testable import Workbench

/// `text` with every run of whitespace (line wrapping, indentation) as one space.
func flat(_ text: String) -> String {
    text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
}

/// One attention notation, with shapes, in explain, summary and help; check's stated defaults and bounds.
@Suite(.serialized) struct NotationTests {
    @Test func explainSummaryAndHelpUseOneNotation() {
        let bench = InspectionBench()
        let notation = "per image K, Q, V are rows [1, 8]; S = QᵀK/√8 [8, 8]"
        let columns = "AM's columns do not sum to 1"
        let outputs = [bench.run("explain ultimus2 sample=0"), bench.run("summary"), bench.run("help explain")]
        for text in outputs.map(flat) {
            #expect(text.contains(notation), "\(text)")
            #expect(text.contains(columns), "\(text)")
            #expect(!text.contains("q·kᵀ/√h"))
        }
        #expect(bench.run("summary").contains("Z = V·AM"))
    }

    @Test func checkHelpStatesTheRealDefaults() {
        let text = flat(InspectionBench().run("help check"))
        #expect(text.contains("it uses 64 images unless batch= is given"), "\(text)")
        #expect(text.contains("check rank uses up to 512 test images"), "\(text)")
    }

    @Test func checkRankReportsUltimusAgainstItsTrueBound() {
        let bench = InspectionBench(variant: "spec")
        let text = bench.run("check rank")
        let line = text.split(separator: "\n").first { $0.contains("ultimus1") && $0.contains("rank") }
        #expect(line?.contains("(at most 9: fc_out maps 8 numbers plus a bias)") == true, "\(text)")
    }
}

extension NotationTests {
    @Test func aRankOneUltimusOutputIsCalledABottleneck() {
        let bench = InspectionBench(variant: "spec")
        let text = bench.run("check rank")
        let rankOne = text.split(separator: "\n").contains { $0.contains("ultimus") && $0.contains("rank   1 of") }
        #expect(text.contains("one-number bottleneck") == rankOne, "\(text)")
    }
}

extension NotationTests {
    @Test func showImagesCountsFromZeroAsIndexDoes() {
        let text = InspectionBench().run("show images n=3 split=test")
        #expect(text.contains("  0. #0 ") && text.contains("  2. #2 "), "\(text)")
        #expect(!text.contains("  3. "), "\(text)")
    }
}
