import Autograd
import Datasets
import Foundation
import Layers
import Testing
@testable import ExperimentKit
@testable import Workbench

@Suite(.serialized) struct ReportCommandTests {
    @Test func reportHasTheSeedSectionsAndItsFilesBesideIt() throws {
        let bench = InspectionBench()
        bench.run("sched onecycle max_lr=4e-3 epochs=1")
        bench.run("train epochs=1")
        let dir = bench.folder.path + "/report"
        bench.run("report \(dir)")
        let md = try String(contentsOfFile: dir + "/README.md", encoding: .utf8)
        for section in ["## Model summary", "## Training log", "## Training details", "## Loss and accuracy",
                        "## LR finder", "## LR history", "## Misclassified images"] {
            #expect(md.contains(section), "missing \(section)")
        }
        #expect(md.contains("EPOCH = 1 | LR = "))
        for file in ["loss-accuracy.svg", "lr-history.svg", "confusion.svg"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + file), "missing \(file)")
            #expect(md.contains("(\(file))"))
        }
        #expect(bench.fail("report \(dir)").contains("force=true"))
        bench.run("report \(dir) force=true")
        #expect(md.contains("OneCycleLR(max_lr=0.004, total_steps="))
    }

    @Test func reportNeverOverwritesAChartOutsideTheOutputFolder() throws {
        let bench = InspectionBench()
        bench.run("train steps=2")
        let dir = bench.folder.path + "/mine"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let chart = bench.folder.file("mine/confusion.svg", "my own chart")
        #expect(bench.fail("report \(dir)").contains("confusion.svg' exists"))
        #expect(try String(contentsOfFile: chart, encoding: .utf8) == "my own chart")
        #expect(!FileManager.default.fileExists(atPath: dir + "/README.md"))
        bench.run("report \(dir) force=true")
        #expect(try String(contentsOfFile: chart, encoding: .utf8) != "my own chart")
    }

    @Test func predictClassifiesAnyImageSize() throws {
        let bench = InspectionBench()
        var rgb = [UInt8](repeating: 0, count: 50 * 70 * 3)
        for i in rgb.indices { rgb[i] = UInt8((i * 7) % 256) }
        let path = bench.folder.path + "/photo.png"
        try PNGCodec.write(rgb: rgb, width: 70, height: 50, to: path)
        let text = bench.run("predict \(path) top=3")
        #expect(text.contains("70×50 resized to 32×32"))
        #expect(text.contains("probability"))
        #expect(text.contains("ultimus4"))
        #expect(bench.fail("predict \(bench.folder.path)/none.png").contains("no image"))
        #expect(bench.fail("predict \(bench.folder.path)")
            .contains("is a folder, not an image; give a PNG or JPEG file"))
        #expect(bench.fail("report \(path)").contains("is a file, not a folder; give a folder for the report"))
        let bad = bench.folder.file("bad.png", "not an image")
        #expect(bench.fail("predict \(bad)").contains("cannot read"))
    }

    @Test func resizeAveragesWhenShrinking() {
        let rgb: [UInt8] = [0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255]  // 2×2
        #expect(ImageResize.resize(rgb, width: 2, height: 2, to: 1, 1) == [128, 128, 128])
        let big = ImageResize.resize([10, 20, 30], width: 1, height: 1, to: 3, 2)
        #expect(big == Array([UInt8]([10, 20, 30]).repeated(6)))
    }
}

private extension Array {
    func repeated(_ n: Int) -> [Element] { (0..<n).flatMap { _ in self } }
}

/// `report`, `plot confusion`, `misclassified` and `gradcam misclassified` reuse the test
/// predictions while the weights are unchanged; the report quotes the log as printed and keeps
/// to its own folder.
@Suite(.serialized) struct ReportCacheTests {
    @Test func testPredictionsAreReusedUntilTheWeightsChange() throws {
        let bench = InspectionBench()
        bench.run("train epochs=1")
        #expect(bench.experiment.cachedEvaluation(split: .test) != nil)
        #expect(!bench.run("plot confusion").contains("Eval test"))
        #expect(!bench.run("misclassified n=3").contains("Eval test"))
        bench.run("train steps=1")
        #expect(bench.experiment.cachedEvaluation(split: .test) == nil)
        #expect(bench.run("plot confusion").contains("Eval test"))
        #expect(!bench.run("misclassified n=3").contains("Eval test"))
        bench.run("intervene ultimus1 mode=uniform")
        #expect(bench.run("plot confusion").contains("Eval test"))
    }

    @Test func reportKeepsTheUsersFilesAndQuotesTheLogAsPrinted() throws {
        let bench = InspectionBench()
        let printed = bench.run("train epochs=1")
        let line = try #require(printed.split(separator: "\n").last { $0.contains("EPOCH = 1 |") })
        let quoted = String(line[..<line.range(of: ":")!.lowerBound])
        bench.run("misclassified n=2")
        let mine = bench.shell.session.outputPath("misclassified.png")
        let before = try Data(contentsOf: URL(fileURLWithPath: mine))
        let text = bench.run("report")
        #expect(try Data(contentsOf: URL(fileURLWithPath: mine)) == before)
        #expect(!text.contains("Eval test"))
        let md = try String(contentsOfFile: bench.shell.session.outputPath("report/README.md"), encoding: .utf8)
        #expect(md.contains(quoted), "\(quoted) not in the report")
    }
}
