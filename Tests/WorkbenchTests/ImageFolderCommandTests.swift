import Datasets
import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

extension TrainingTests {
    @Suite(.serialized) struct ImageFolderCommandTests {
        /// `root/{train,test}/{a,b,c}/`: a 48×40 PNG, a 20×20 JPEG and a 32×32 PNG per class.
        static func mixedFolder(_ root: String) throws {
            for split in ["train", "test"] {
                for (k, cls) in ["a", "b", "c"].enumerated() {
                    let dir = "\(root)/\(split)/\(cls)"
                    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                    let tone = UInt8(60 * k + 20)
                    try PNGCodec.write(rgb: [UInt8](repeating: tone, count: 48 * 40 * 3), width: 48, height: 40,
                                       to: dir + "/0.png")
                    let jpeg = try JPEGCodec.encode(rgb: [UInt8](repeating: tone &+ 10, count: 20 * 20 * 3), width: 20,
                                                    height: 20)
                    try Data(jpeg).write(to: URL(fileURLWithPath: dir + "/1.jpg"))
                    try PNGCodec.write(rgb: [UInt8](repeating: tone &+ 5, count: 32 * 32 * 3), width: 32, height: 32,
                                       to: dir + "/2.png")
                }
            }
        }

        @Test func aFolderOfMixedSizesTrainsAStepFromTheCommandLanguage() throws {
            let bench = TrainingBench()
            let root = bench.folder + "/images"
            try Self.mixedFolder(root)
            #expect(bench.run(["data folder path=\(root) size=16 fit=crop batch=3 augment=none"]))
            #expect(bench.console.output.contains("18 files resized to 16×16 (crop)"))
            #expect(bench.experiment.data?.splits.train.height == 16)
            #expect(bench.experiment.dataSettings?.size == 16 && bench.experiment.dataSettings?.fit == "crop")
            #expect(bench.run(["model vit patch=4 dim=16 depth=1 heads=2", "train steps=1"]))
            #expect(bench.experiment.model.map { try? Experiment.outputClasses($0, side: 16) } == 3)
        }

        @Test func modelUltimusTakesTheFolderClassCount() throws {
            let bench = TrainingBench()
            let root = bench.folder + "/images"
            try Self.mixedFolder(root)
            #expect(bench.run(["data folder path=\(root) size=16 batch=3 augment=none", "model ultimus"]))
            #expect(bench.console.output.contains("model: UltimusNet variant=spec attention=sample classes=3"))
            let model = try #require(bench.experiment.model)
            #expect(try Experiment.outputClasses(model, side: 16) == 3)
            #expect(bench.experiment.modelRecipe == .ultimus(variant: .spec, attention: .sample, classes: 3))
            #expect(bench.run(["train steps=2", "save \(bench.folder)/three.session"]))
            let digest = bench.experiment.weightDigest
            let fresh = TrainingBench()
            #expect(fresh.run(["load \(bench.folder)/three.session"]))
            #expect(fresh.experiment.weightDigest == digest)
            // A recipe saved before the head was sized reads as the 10-class network.
            let json = #"{"ultimus":{"variant":"spec","attention":"batch"}}"#
            let old = try JSONDecoder().decode(ModelRecipe.self, from: Data(json.utf8))
            #expect(old == .ultimus(variant: .spec, attention: .batch))
        }

        @Test func aHeadThatDoesNotMatchTheFolderIsRefusedInOneLine() throws {
            let bench = TrainingBench()
            let root = bench.folder + "/images"
            try Self.mixedFolder(root)
            #expect(bench.run(["data folder path=\(root)", "model new", "layer flatten", "layer linear out=10"]))
            guard case .failed(let message) = bench.run("train steps=1") else {
                Issue.record("a 10-class head on a 3-class folder must be refused")
                return
            }
            #expect(bench.experiment.globalStep == 0)
            #expect(message.contains("the model gives 10 class scores but the image folder has 3 classes"),
                    "\(message)")
            #expect(!message.contains("CIFAR-10") && !message.contains("\n"))
            // The other way round: a folder loaded under a model whose head does not match.
            #expect(bench.run(["data synthetic n=64 batch=16", "model ultimus"]))
            guard case .failed(let second) = bench.run("data folder path=\(root)") else {
                Issue.record("a 3-class folder under a 10-class model must be refused")
                return
            }
            #expect(second.contains("the image folder has 3 classes")
                    && bench.experiment.dataSettings?.source == .synthetic)
        }
    }
}
