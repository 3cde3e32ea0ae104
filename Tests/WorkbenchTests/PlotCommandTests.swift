import Autograd
import Datasets
import Foundation
import Layers
import Testing
@testable import ExperimentKit
@testable import Workbench

@Suite(.serialized) struct PlotCommandTests {
    private func svgSize(_ path: String) throws -> (Int, Int) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("</svg>"))
        func attribute(_ name: String) -> Int? {
            guard let r = text.range(of: " \(name)=\"") else { return nil }
            return Int(text[r.upperBound...].prefix { $0.isNumber })
        }
        return (attribute("width") ?? 0, attribute("height") ?? 0)
    }

    @Test func chartsNeedRecordsAndThenDrawThem() throws {
        let bench = InspectionBench()
        #expect(bench.fail("plot loss").contains("no epochs recorded"))
        #expect(bench.fail("plot lr").contains("no steps recorded"))
        #expect(bench.fail("plot lrfind").contains("lrfind"))
        #expect(bench.fail("plot schedule").contains("no schedule"))
        bench.run("sched onecycle max_lr=4e-3 epochs=2")
        let schedule = bench.run("plot schedule")
        #expect(schedule.contains("the next batch (step 0) uses LR 0.000160"))
        #expect(schedule.contains("\nOneCycleLR(max_lr=0.004, total_steps="))
        #expect(!schedule.contains("Phase("))
        #expect(try svgSize(bench.folder.path + "/out/schedule.svg") == (480, 640))
        bench.run("train epochs=1")
        bench.run("plot loss")
        #expect(try svgSize(bench.folder.path + "/out/loss-accuracy.svg") == (960, 640))
        bench.run("plot lr")
        #expect(try svgSize(bench.folder.path + "/out/lr-history.svg") == (480, 640))
        let confusion = bench.run("plot confusion")
        #expect(confusion.contains("Confusion matrix, test set  (accuracy "))
        #expect(!confusion.contains("%)  (accuracy"))
        #expect(try svgSize(bench.folder.path + "/out/confusion.svg").0 > 0)
        let elsewhere = bench.folder.file("chart.svg", "mine")
        #expect(bench.fail("plot loss to=\(elsewhere)").contains("force=true"))
        #expect(try String(contentsOfFile: elsewhere, encoding: .utf8) == "mine")
    }

    @Test func imageGridsArePNGsOfTheExpectedSize() throws {
        let bench = InspectionBench()
        let text = bench.run("show images n=7 split=test")
        #expect(text.contains("7 images"))
        let png = try PNGCodec.read(path: bench.folder.path + "/out/images-test.png")
        let tile = ImageTile(image: RGBImage(width: 32, height: 32), caption: ["x"])
        let expected = ImageGrid.compose(Array(repeating: tile, count: 7), columns: 10, scale: 3, title: "t")
        #expect(png.width == expected.width && png.height == expected.height)
        bench.run("show images n=4 augmented=true")
        #expect(FileManager.default.fileExists(atPath: bench.folder.path + "/out/images-train.png")
                || FileManager.default.fileExists(atPath: bench.folder.path + "/out/images-train-augmented.png"))
    }

    @Test func misclassifiedShowsWhatThereIs() throws {
        let bench = InspectionBench()
        let text = bench.run("misclassified n=100")
        let wrong = bench.experiment.evaluations[.test].map { $0.count - $0.correct }
        if text.contains("no test image is misclassified") { return }
        #expect(text.contains("showing them all"))
        let png = try PNGCodec.read(path: bench.folder.path + "/out/misclassified.png")
        #expect(png.width > 0)
        _ = wrong
    }

    @Test func augmentedTilesUseAPrivateGenerator() throws {
        let set = Synthetic.makeSet(count: 3, seed: 1)
        let a = try PlotCommands.showTiles(set, count: 3, augmentation: .standard, normalization: .unit, seed: 9)
        let b = try PlotCommands.showTiles(set, count: 3, augmentation: .standard, normalization: .unit, seed: 9)
        #expect(a == b)
        let plain = try PlotCommands.showTiles(set, count: 1, augmentation: .none, normalization: .unit, seed: 9)
        #expect(plain[0].image.pixels == set.rgbInterleaved(at: 0))
    }
}

@Suite struct MisclassifiedPickTests {
    @Test func classesTakeTurnsInTestOrder() {
        // Test set listed class by class, as an image folder is: 0 0 0 1 1 1 2 2.
        let labels = [0, 0, 0, 1, 1, 1, 2, 2]
        let predictions = [1, 0, 2, 0, 0, 2, 2, 0]  // wrong: 0, 2 (class 0); 3, 4, 5 (class 1); 7 (class 2)
        #expect(MisclassifiedPick.pick(labels: labels, predictions: predictions, limit: 4) == ([0, 3, 7, 2], 6))
        #expect(MisclassifiedPick.pick(labels: labels, predictions: predictions, limit: 10) == ([0, 3, 7, 2, 4, 5], 6))
        #expect(MisclassifiedPick.pick(labels: labels, predictions: labels, limit: 5) == ([], 0))
    }
}
