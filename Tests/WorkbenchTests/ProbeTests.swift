import Datasets
import Foundation
import Testing
@testable import Workbench

/// The probe images: one per class by default, chosen with `set probes=`, or one image picked
/// with `index=` or `image=` for one command.
@Suite(.serialized) struct ProbeTests {
    @Test func defaultProbesAreOnePerClassAndNamedInHeaders() throws {
        let bench = InspectionBench()
        let data = try #require(bench.experiment.data)
        let probes = bench.experiment.probeIndices(data)
        let labels = probes.map { data.splits.test.labels[$0] }
        #expect(Set(labels).count == labels.count, "one probe per class: \(labels)")
        #expect(labels == labels.sorted(), "in class order: \(labels)")
        let name = data.classNames[labels[1]]
        #expect(bench.run("attention ultimus1 sample=1").contains("ultimus1 · probe 1 (\(name))"))
    }

    @Test func setProbesChoosesTestImagesAndFiles() throws {
        let bench = InspectionBench()
        let data = try #require(bench.experiment.data)
        let file = bench.folder.path + "/mine.png"
        try PNGCodec.write(rgb: [UInt8](repeating: 200, count: 32 * 32 * 3), width: 32, height: 32, to: file)
        let listing = bench.run("set probes=5,2,\(file)")
        let five = data.classNames[data.splits.test.labels[5]]
        #expect(listing.contains("probes: 0 test image 5 (\(five))"))
        #expect(bench.run("attention ultimus1 sample=0").contains("probe 0 (\(five))"))
        #expect(bench.run("attention ultimus1 sample=2").contains("probe 2 (mine.png)"))
        #expect(bench.fail("attention ultimus1 sample=3").contains("there are 3 probes"))
        bench.run("set probes=classes")
        #expect(bench.experiment.probeIndices(data)
                == Experiment.defaultProbes(labels: data.splits.test.labels, classes: 10))
        #expect(bench.fail("set probes=999").contains("not a test image"))
    }

    @Test func indexAndImagePickOneImageForOneCommand() throws {
        let bench = InspectionBench()
        let data = try #require(bench.experiment.data)
        let six = data.classNames[data.splits.test.labels[6]]
        #expect(bench.run("attention ultimus2 index=6").contains("ultimus2 · test image 6 (\(six))"))
        #expect(bench.run("explain ultimus1 index=6").contains("explain ultimus1 · test image 6 (\(six))"))
        let file = bench.folder.path + "/dot.png"
        try PNGCodec.write(rgb: [UInt8](repeating: 90, count: 32 * 32 * 3), width: 32, height: 32, to: file)
        #expect(bench.run("attention ultimus1 image=\(file)").contains("ultimus1 · dot.png"))
        #expect(bench.run("gradcam index=6").contains("#6 true \(six)"))
        #expect(bench.fail("attention ultimus1 index=6 sample=1").contains("index= and image= pick the image"))
    }

    @Test func imageFilesAreCheckedByTheirBytes() throws {
        let bench = InspectionBench()
        let webp = bench.folder.path + "/x.webp"
        try Data("RIFF\0\0\0\0WEBPVP8 ".utf8).write(to: URL(fileURLWithPath: webp))
        let message = bench.fail("predict \(webp)")
        #expect(message.contains("neither a PNG nor a JPEG"))
        #expect(!message.contains("corrupt JPEG"))
        let small = bench.folder.path + "/small.png"
        try PNGCodec.write(rgb: [UInt8](repeating: 10, count: 32 * 32 * 3), width: 32, height: 32, to: small)
        let text = bench.run("predict \(small)")
        #expect(text.contains("\(small): 32×32"))
        #expect(!text.contains("resized to 32×32"))
    }
}
