import Foundation
import Testing
@testable import Workbench

/// A file's extension says what it holds: commands refuse a `to=` naming another image format.
@Suite(.serialized) struct OutputFormatTests {
    @Test func toNamingAnotherFormatIsRefusedAndNothingIsWritten() {
        let bench = InspectionBench()
        bench.run("sched onecycle max_lr=1e-3 epochs=1")
        let png = bench.folder.path + "/chart.png"
        let message = bench.fail("plot schedule to=\(png)")
        #expect(message.contains("names a PNG file, but 'plot' writes SVG"))
        #expect(message.contains("to=\(bench.folder.path)/chart.svg"))
        #expect(!FileManager.default.fileExists(atPath: png))
        let svg = bench.folder.path + "/cam.svg"
        #expect(bench.fail("gradcam sample=0 to=\(svg)").contains("names a SVG file, but 'gradcam' writes PNG"))
        #expect(!FileManager.default.fileExists(atPath: svg))
        bench.run("attention ultimus1 to=\(bench.folder.path)/map.svg")
        let svgText = (try? String(contentsOfFile: bench.folder.path + "/map.svg", encoding: .utf8)) ?? ""
        #expect(svgText.contains("<svg"))
    }
}
