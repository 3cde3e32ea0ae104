import Datasets
import Foundation
import Testing
@testable import Workbench

/// A file's extension says what it holds: commands refuse a `to=` naming another image format.
@Suite(.serialized) struct OutputFormatTests {
    @Test func toNamingAnotherFormatIsRefusedAndNothingIsWritten() {
        let bench = InspectionBench()
        bench.run("sched onecycle max_lr=1e-3 epochs=1")
        let jpeg = bench.folder.path + "/chart.jpg"
        let message = bench.fail("plot schedule to=\(jpeg)")
        #expect(message.contains("names a JPG file, but 'plot' writes SVG or PNG"))
        #expect(message.contains("to=\(bench.folder.path)/chart.svg"))
        #expect(!FileManager.default.fileExists(atPath: jpeg))
        let svg = bench.folder.path + "/cam.svg"
        #expect(bench.fail("gradcam sample=0 to=\(svg)").contains("names a SVG file, but 'gradcam' writes PNG"))
        #expect(!FileManager.default.fileExists(atPath: svg))
        bench.run("attention ultimus1 to=\(bench.folder.path)/map.svg")
        let svgText = (try? String(contentsOfFile: bench.folder.path + "/map.svg", encoding: .utf8)) ?? ""
        #expect(svgText.contains("<svg"))
    }

    /// `plot ... to=NAME.png` writes a PNG chart (the renderer bitmap terminals show), not an SVG.
    @Test func plotToPNGWritesAPNGChart() throws {
        let bench = InspectionBench()
        bench.run("sched onecycle max_lr=1e-3 epochs=1")
        let png = bench.folder.path + "/chart.png"
        bench.run("plot schedule to=\(png)")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: png)))
        #expect(bytes.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let image = try PNGCodec.read(path: png)
        #expect(image.width >= 480 && image.height >= 320, "\(image.width)×\(image.height)")
    }
}
