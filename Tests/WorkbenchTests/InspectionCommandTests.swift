import Autograd
import Datasets
import Foundation
import Layers
import Testing
@testable import ExperimentKit
@testable import Workbench

/// A shell with synthetic data (40 train, 8 test images) and a bnrelu UltimusNet, for command tests.
final class InspectionBench {
    let folder = TemporaryFolder()
    let console = CapturingConsole(width: 100)
    let shell: Shell

    init(variant: String = "bnrelu", attention: String = "sample") {
        shell = Shell(options: ShellOptions(seed: 5, outputDirectory: folder.path + "/out", console: console))
        shell.session.experiment.autosavePath = nil
        run("data synthetic n=40 batch=8")
        run("model ultimus variant=\(variant) attention=\(attention)")
    }

    var experiment: Experiment { shell.session.experiment }
    var net: UltimusNet { experiment.model as! UltimusNet }

    /// Runs `line`, expecting success; returns what it printed.
    @discardableResult
    func run(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        console.clear()
        let status = shell.execute(line: line)
        #expect(status == .ok, "\(line): \(console.transcript)", sourceLocation: sourceLocation)
        return console.transcript
    }

    /// Runs `line`, expecting failure; returns the message.
    func fail(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        console.clear()
        let status = shell.execute(line: line)
        #expect(status != .ok, "\(line) should fail", sourceLocation: sourceLocation)
        return console.transcript
    }

    /// Weights, buffers, gradients, modes, generators and the loader position.
    func digest() -> String {
        let x = experiment
        var parts = [x.weightDigest, "\(shell.session.generator.state)", "\(x.globalStep)", "\(x.scheduleStep)"]
        if let loader = x.data?.trainLoader { parts.append("\(loader.state)") }
        for (name, m) in net.namedModules() { parts.append("\(name):\(m.isTraining)") }
        for p in net.parameters() { parts.append("\(p.grad?.storage.reduce(0, +) ?? -1)") }
        return parts.joined(separator: "|")
    }
}

@Suite(.serialized) struct InspectionCommandTests {
    @Test func inspectionCommandsChangeNothing() {
        let bench = InspectionBench()
        bench.run("train steps=1")
        let before = bench.digest()
        for line in ["inspect conv1.weight", "inspect conv1.weight[0]", "inspect conv1.weight.grad",
                     "inspect bn1.running_mean", "inspect act.ultimus2.q", "inspect act.conv3[0, 1]", "grads",
                     "attention ultimus2 sample=1", "attention all",
                     "explain ultimus3 sample=2", "gradcam layer=conv3 sample=1", "gradcam misclassified n=3",
                     "plot confusion", "misclassified n=4", "show images n=6"] {
            bench.run(line)
            #expect(bench.digest() == before, "\(line) changed the session")
        }
    }

    @Test func inspectShowsStatisticsAndValues() {
        let bench = InspectionBench()
        let text = bench.run("inspect conv1.weight[0]")
        #expect(text.contains("[3, 3, 3]") && text.contains("mean") && text.contains("norm")
                && text.contains("values:"))
        let w = Array(bench.net.convs[0].weight.storage[0..<27])
        let mean = w.reduce(0, +) / 27
        #expect(text.contains(NumberFormat.short(Double(mean), digits: 4)))
        #expect(bench.fail("inspect conv1.weight.grad").contains("no gradient yet"))
        #expect(bench.fail("inspect conv1.wieght").contains("did you mean 'conv1.weight'"))
        #expect(bench.run("inspect act.ultimus2.attention").contains("[8, 8, 8]"))
    }

    @Test func attentionFlagsTheBatchMixingMistake() {
        let bench = InspectionBench(variant: "spec", attention: "batch")
        let text = bench.run("attention ultimus1")
        #expect(text.contains("the seed notebook's mistake"))
        #expect(text.contains("B×B"))
        #expect(bench.fail("explain ultimus1").contains("mixes images"))
    }

    @Test func attentionWritesFiles() throws {
        let bench = InspectionBench()
        bench.run("attention all sample=2 to=\(bench.folder.path)/out/maps.svg")
        let svg = try String(contentsOfFile: bench.folder.path + "/out/maps.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"))
        #expect(svg.contains("</svg>"))
        bench.run("attention ultimus1 to=\(bench.folder.path)/out/map.png")
        let png = try PNGCodec.read(path: bench.folder.path + "/out/map.png")
        #expect(png.width > 8 * 24 && png.height > 8 * 24)
        _ = bench.folder.file("mine.svg", "keep")
        #expect(bench.fail("attention ultimus1 to=\(bench.folder.path)/mine.svg").contains("force=true"))
        bench.run("attention ultimus1 to=\(bench.folder.path)/mine.svg force=true")
    }

    @Test func interventionsChangeEvaluationNotWeights() {
        let bench = InspectionBench()
        let weights = bench.experiment.weightDigest
        let plain = bench.run("eval")
        let text = bench.run("intervene ultimus2 mode=uniform")
        #expect(text.contains("Effect on the probe images"))
        #expect(bench.net.blocks[1].intervention == .uniform)
        let explained = bench.run("explain ultimus2 sample=0")
        #expect(explained.contains("intervention: uniform"))
        bench.run("intervene ultimus4 mode=zero_row row=3")
        #expect(bench.net.blocks[3].intervention == .zeroRow(3))
        #expect(bench.fail("intervene ultimus4 mode=zero_row row=8").contains("outside"))
        #expect(bench.fail("intervene ultimus4 mode=zero_row").contains("row="))
        #expect(bench.experiment.weightDigest == weights)
        bench.run("intervene ultimus2 mode=bypass")
        let bypassed = bench.run("eval")
        bench.run("intervene clear")
        #expect(bench.net.blocks.allSatisfy { $0.intervention == nil })
        let testLine = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("Test set") } }
        #expect(testLine(bench.run("eval")) == testLine(plain))
        #expect(bench.experiment.weightDigest == weights)
        _ = bypassed
    }

    @Test func timelinePlaysTheRecordedFrames() throws {
        let bench = InspectionBench()
        #expect(bench.fail("timeline attention ultimus2").contains("no attention frames"))
        bench.run("train steps=3")
        let frames = bench.experiment.timeline.frames
        #expect(frames.count >= 2)
        let text = bench.run("timeline attention ultimus2 sample=1")
        #expect(text.contains("timeline ultimus2 · probe 1"))
        #expect(text.contains("entropy") && text.contains("loss") && text.contains("lr"))
        #expect(text.contains("\(frames.first!.step)") && text.contains("\(frames.last!.step)"))
        // The recorded maps (at most eight, first to last) side by side in one PNG.
        let picture = try PNGCodec.read(path: bench.folder.path + "/out/timeline-ultimus2-sample1.png")
        let one = Heatmap.image([HeatmapMatrix(rows: 8, columns: 8, values: Array(repeating: 0, count: 64),
                                               title: "step 1")])
        #expect(picture.height == one.height && picture.width > one.width)
        #expect(bench.fail("timeline attention ultimus9").contains("no attention block"))
    }

    /// Grad-CAM says which tensor it used and the raw range before scaling, and its PNG carries a
    /// jet colour bar from 0 (dark blue) to 1 (dark red).
    @Test func gradcamNamesTheTensorPrintsTheRawRangeAndDrawsAColourBar() throws {
        let bench = InspectionBench()
        let text = bench.run("gradcam layer=conv3 sample=2")
        #expect(text.contains("conv3 output before BatchNorm and ReLU"), "\(text)")
        #expect(text.contains("raw map range before scaling: "), "\(text)")
        let png = try PNGCodec.read(path: bench.folder.path + "/out/gradcam-conv3-test2.png")
        let bottom = (png.height - 30) * png.width
        let colours = Set(stride(from: 3 * bottom, to: png.rgb.count, by: 3).map {
            RGB(png.rgb[$0], png.rgb[$0 + 1], png.rgb[$0 + 2])
        })
        #expect(colours.contains(Colormap.jet.color(0)) && colours.contains(Colormap.jet.color(1)))
    }

    @Test func gradcamWritesAGridOfImageHeatmapOverlay() throws {
        let bench = InspectionBench()
        bench.run("gradcam layer=relu3 sample=2")
        let png = try PNGCodec.read(path: bench.folder.path + "/out/gradcam-relu3-test2.png")
        // Three 96-pixel tiles and padding.
        #expect(png.width >= 3 * 96 && png.width < 3 * 96 + 8 * 4 + 200)
        #expect(bench.fail("gradcam layer=fc").contains("convolution"))
        bench.run("model new")
        bench.run("layer conv out=4")
        bench.run("layer gap")
        bench.run("layer linear out=10")
        #expect(bench.fail("gradcam").contains("'gradcam' works on the convolutions of an UltimusNet (conv1…conv3); "
                                               + "this network was built layer by layer"))
    }
}
