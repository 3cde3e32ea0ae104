import Foundation
import Layers
import Testing
@testable import ExperimentKit
@testable import Workbench

/// A ViT session saved, loaded, replayed and forked; its head interventions travel in the file.
@Suite(.serialized) struct ViTSessionTests {
    static let recipe = ["data synthetic n=64 batch=16", ViTCommandTests.vit, "optim adamw lr=2e-3 weight_decay=0.05",
                         "sched onecycle max_lr=2e-3 epochs=2"]

    @Test func loadResumesBitIdentically() {
        let a = TrainingBench(seed: 11)
        let path = a.folder + "/vit.session"
        #expect(a.run(Self.recipe + ["train epochs=1", "save \(path)", "train epochs=1"]))
        let straight = a.experiment.weightDigest
        let b = TrainingBench(seed: 99)
        #expect(b.run(["load \(path)", "train epochs=1"]))
        #expect(b.experiment.weightDigest == straight)
        #expect(b.experiment.history.steps.map(\.loss) == a.experiment.history.steps.map(\.loss))
        let c = TrainingBench(seed: 11)
        #expect(c.run(Self.recipe + ["train epochs=2"]))
        #expect(c.experiment.weightDigest == straight)
    }

    @Test func replayAndForkReproduceTheRun() {
        let a = TrainingBench(seed: 4)
        let path = a.folder + "/vit.session"
        #expect(a.run(Self.recipe + ["train steps=2", "eval", "train steps=2", "save \(path)"]))
        let b = TrainingBench(seed: 4)
        #expect(b.run(["replay \(path) verify=true"]))
        #expect(b.console.output.contains("verified identical"))
        #expect(b.experiment.weightDigest == a.experiment.weightDigest)
        let afterTwo = TrainingBench(seed: 4)
        #expect(afterTwo.run(Self.recipe + ["train steps=2"]))
        let n = a.shell.session.commandLog.first { $0.text == "eval" }!.number
        #expect(a.run(["fork \(n)"]))
        #expect(a.experiment.weightDigest == afterTwo.experiment.weightDigest)
        #expect(a.experiment.globalStep == 2)
    }

    @Test func headInterventionsAreSavedAndLoaded() throws {
        let a = TrainingBench(seed: 2)
        let path = a.folder + "/heads.session"
        #expect(a.run(Self.recipe + ["train steps=1", "intervene blocks.1 head=0 mode=uniform",
                                     "intervene blocks.0 head=1 mode=zero", "eval", "save \(path)"]))
        let b = TrainingBench(seed: 9)
        #expect(b.run(["load \(path)", "eval"]))
        let vit = try #require(b.experiment.model as? ViT)
        #expect(vit.blocks.map(\.selfAttn.headInterventions) == [[nil, .zero], [.uniform, nil]])
        #expect(b.experiment.evaluations[.test]?.loss == a.experiment.evaluations[.test]?.loss)
    }

    @Test func badHeadInterventionsInAFileAreRefused() throws {
        let a = TrainingBench(seed: 2)
        let path = a.folder + "/heads.session"
        #expect(a.run(Self.recipe + ["intervene blocks.0 head=1 mode=zero", "save \(path)"]))
        let file = try SafeTensors.read(path: path)
        for (key, value, problem) in [("blocks.7 head=0", "zero", "which the model does not have"),
                                      ("blocks.0 head=2", "zero", "which the model does not have"),
                                      ("blocks.0 head=x", "zero", "which the model does not have"),
                                      ("blocks.0 head=0", "bypass", "unknown intervention 'bypass'")] {
            var record = try SessionFile.read(path: path).record
            record.interventions = [key: value]
            let json = try SessionFile.encoder().encode(record)
            let bad = a.folder + "/bad.session"
            try? FileManager.default.removeItem(atPath: bad)
            let metadata = [SessionFile.metadataKey: String(decoding: json, as: UTF8.self)]
            try SafeTensors.write(file.entries, metadata: metadata, to: bad)
            let b = TrainingBench(seed: 5)
            #expect(b.run(["data synthetic n=32 batch=16", "model ultimus variant=bnrelu"]))
            let digest = b.experiment.weightDigest
            guard case .failed(let message) = b.run("load \(bad)") else {
                Issue.record("\(key)=\(value) must be refused")
                continue
            }
            #expect(message.contains(problem), "\(message)")
            #expect(b.experiment.weightDigest == digest)
            #expect(b.experiment.model is UltimusNet)
        }
    }
}
