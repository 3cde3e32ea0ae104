import Datasets
import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

/// A shell over a tiny layer network on synthetic data (fast enough for a debug build).
final class ExplorationBench {
    let folder = TemporaryFolder()
    let console = CapturingConsole(width: 120)
    let shell: Shell

    init(setup: Bool = true) {
        shell = Shell(options: ShellOptions(seed: 7, outputDirectory: folder.path + "/out", console: console))
        shell.session.experiment.autosavePath = nil
        guard setup else { return }
        for line in ["data synthetic n=40 batch=8 valid=8", "model new", "layer flatten", "layer linear out=10",
                     "optim sgd lr=0.01"] {
            run(line)
        }
    }

    var experiment: Experiment { shell.session.experiment }

    @discardableResult
    func run(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        console.clear()
        let status = shell.execute(line: line)
        #expect(status == .ok, "\(line): \(console.transcript)", sourceLocation: sourceLocation)
        return console.transcript
    }

    @discardableResult
    func fail(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        console.clear()
        #expect(shell.execute(line: line) != .ok, "\(line) should fail", sourceLocation: sourceLocation)
        return console.transcript
    }
}

@Suite(.serialized) struct ExplorationTests {
    @Test func stratifiedSubsetsKeepClassSharesAndAreSeeded() {
        let labels = (0..<100).map { $0 < 60 ? 0 : $0 < 90 ? 1 : 2 }
        let picked = ImageSet.stratifiedIndices(labels: labels, n: 10, seed: 3)
        #expect(picked.count == 10)
        #expect(picked.filter { labels[$0] == 0 }.count == 6 && picked.filter { labels[$0] == 1 }.count == 3)
        #expect(picked == picked.sorted())
        #expect(ImageSet.stratifiedIndices(labels: labels, n: 10, seed: 3) == picked)
        #expect(ImageSet.stratifiedIndices(labels: labels, n: 10, seed: 4) != picked)
        #expect(ImageSet.stratifiedIndices(labels: labels, n: 500, seed: 3) == Array(0..<100))
    }

    @Test func evalSubsetEvaluatesASampleAndCachesNothing() {
        let bench = ExplorationBench()
        let out = bench.run("eval subset=5")
        #expect(out.contains("Test set: Average loss: ") && out.contains("/5 (")
                && out.contains("stratified subset of "))
        #expect(bench.experiment.evaluations[.test] == nil)
        let line = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("Test set") } }
        #expect(line(bench.run("eval subset=5")) == line(out))
    }

    @Test func evalEveryAndEvalSubsetInTraining() {
        let bench = ExplorationBench()
        bench.run("train epochs=3 eval_every=2 eval_subset=4")
        let epochs = bench.experiment.history.epochs
        #expect(epochs.map { $0.testAccuracy != nil } == [false, true, true])
        #expect(bench.experiment.evaluations[.valid] == nil)
    }

    @Test func targetPatienceAndBestWeights() {
        let bench = ExplorationBench()
        let out = bench.run("train epochs=5 target_valid_acc=0")
        #expect(out.contains("target reached: validation accuracy"))
        #expect(bench.experiment.completedEpochs == 1)
        bench.run("optim sgd lr=1e-9")
        let patient = bench.run("train epochs=6 patience=2 best=true")
        #expect(patient.contains("stopped early: no better validation accuracy for 2 epochs"))
        #expect(bench.experiment.completedEpochs == 4)
        #expect(patient.contains("best: epoch 2"))
        bench.run("optim sgd lr=0.05")
        bench.run("train epochs=1")
        let trained = bench.experiment.weightDigest
        #expect(bench.run("restore best").contains("restored the weights of epoch 2"))
        #expect(bench.experiment.weightDigest != trained)
    }

    @Test func restoreBestWithoutKeptWeightsFails() {
        #expect(ExplorationBench().fail("restore best").contains("no best weights"))
    }

    @Test func rollbackAfterAGuardStopNamesTheLR() {
        let bench = ExplorationBench()
        bench.run("train epochs=1")
        let good = bench.experiment.weightDigest
        #expect(bench.fail("rollback").contains("has not stopped"))
        bench.run("optim sgd lr=1e4")
        let stop = bench.fail("train epochs=3")
        #expect(stop.contains("'rollback' returns to the last good state"))
        let out = bench.run("rollback")
        #expect(out.contains("rolled back to the start of 'train epochs=3'"))
        #expect(out.contains("LR 1e+04") || out.contains("LR 10000"), "\(out)")
        #expect(out.contains("try LR"))
        #expect(bench.experiment.completedEpochs == 1)
        _ = good
    }

    @Test func branchesKeepEveryState() throws {
        let bench = ExplorationBench()
        bench.run("train epochs=1")
        let mainDigest = bench.experiment.weightDigest
        bench.run("branch new fast")
        bench.run("optim sgd lr=0.1")
        bench.run("train epochs=1")
        let fastDigest = bench.experiment.weightDigest
        #expect(fastDigest != mainDigest)
        let list = bench.run("branch")
        #expect(list.contains("* fast") && list.contains("  main"))
        bench.run("branch switch main")
        #expect(bench.experiment.weightDigest == mainDigest)
        #expect(bench.experiment.completedEpochs == 1)
        #expect(bench.fail("branch delete main").contains("in use"))
        #expect(bench.fail("branch new fast").contains("already a branch"))
        #expect(bench.fail("branch switch fsat").contains("fast"))
        bench.run("branch switch fast")
        #expect(bench.experiment.weightDigest == fastDigest)
        bench.run("branch delete main")
        #expect(bench.shell.session.branches.names == ["fast"])
    }

    @Test func forkKeepsTheCurrentBranch() {
        let bench = ExplorationBench()
        bench.run("train epochs=1")
        let trained = bench.experiment.weightDigest
        #expect(bench.run("fork 4").contains("branch fork-4 from main after command 4"))
        #expect(bench.experiment.completedEpochs == 0)
        bench.run("branch switch main")
        #expect(bench.experiment.weightDigest == trained)
    }

    @Test func saveAndLoadResumeThreeBranchesBitIdentically() throws {
        let a = ExplorationBench()
        a.run("train epochs=1")
        a.run("branch new b")
        a.run("optim sgd lr=0.05")
        a.run("train steps=3")
        a.run("branch new c from=5")
        a.run("train steps=2")
        let path = a.folder.path + "/three.session"
        a.run("save \(path)")
        let b = ExplorationBench(setup: false)
        b.run("load \(path)")
        #expect(b.shell.session.branches.names == ["main", "b", "c"])
        #expect(b.shell.session.branches.current == "c")
        for name in ["c", "main", "b"] {
            for bench in [a, b] {
                if bench.shell.session.branches.current != name { bench.run("branch switch \(name)") }
            }
            #expect(a.experiment.weightDigest == b.experiment.weightDigest, "\(name) after load")
            a.run("train steps=3")
            b.run("train steps=3")
            #expect(a.experiment.weightDigest == b.experiment.weightDigest, "\(name) after training on")
            #expect(a.experiment.history.steps.map(\.loss) == b.experiment.history.steps.map(\.loss))
            // The 'save' itself is logged after the file was written, so only the saving session lists it.
            let log = { (bench: ExplorationBench) in
                bench.shell.session.commandLog.map(\.text).filter { !$0.hasPrefix("save ") }
            }
            #expect(log(a) == log(b))
        }
    }

    @Test func branchListAndCompareWorkAfterALoadAndTheListIsChecksummed() throws {
        let a = ExplorationBench()
        a.run("train epochs=1")
        a.run("branch new slow")
        a.run("optim sgd lr=0.001")
        a.run("train epochs=1")
        let path = a.folder.path + "/two.session"
        a.run("save \(path)")
        let b = ExplorationBench(setup: false)
        let loaded = b.run("load \(path)")
        #expect(!loaded.contains("cannot be verified"), "\(loaded)")
        let list = b.run("branch")
        #expect(list.contains("  main") && list.contains("* slow"), "\(list)")
        #expect(b.run("compare metric=loss").contains("Branches: training loss"))
        let svg = try String(contentsOfFile: b.folder.path + "/out/compare-loss.svg", encoding: .utf8)
        #expect(svg.contains(">main<") && svg.contains(">slow<"))
        // A branch list changed after saving (here only its order) is refused; the session stays as it was.
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var (header, data) = try TrainingTests.HostileFileTests.split(bytes)
        var metadata = try #require(header["__metadata__"] as? [String: String])
        let list0 = try #require(metadata[BranchSet.metadataKey])
        metadata[BranchSet.metadataKey] = list0.replacingOccurrences(of: #"["main","slow"]"#, with: #"["slow","main"]"#)
        #expect(metadata[BranchSet.metadataKey] != list0)
        header["__metadata__"] = metadata
        let edited = a.folder.path + "/edited.session"
        try Data(try TrainingTests.HostileFileTests.join(header, data)).write(to: URL(fileURLWithPath: edited))
        let c = ExplorationBench(setup: false)
        #expect(c.fail("load \(edited)").contains("the branch list does not match its checksum"))
        #expect(c.shell.session.branches.names == ["main"] && c.experiment.model == nil)
    }

    @Test func compareOverlaysBranchesWithALegend() throws {
        let bench = ExplorationBench()
        bench.run("train epochs=2")
        bench.run("branch new slow from=5")
        bench.run("optim sgd lr=0.001")
        bench.run("train epochs=2")
        let out = bench.run("compare metric=accuracy")
        #expect(out.contains("Branches: accuracy per epoch"))
        #expect(out.contains("≠ optimizer") && out.contains("same in every branch: data synthetic"))
        let svg = try String(contentsOfFile: bench.folder.path + "/out/compare-accuracy.svg", encoding: .utf8)
        #expect(svg.contains(">main<") && svg.contains(">slow<"))
        let unknown = bench.fail("compare main nope")
        #expect(unknown.contains("no branch called 'nope'"))
        // The caret points at the unknown name.
        #expect(unknown.contains("compare main nope\n" + String(repeating: " ", count: 15) + "^~~~\n"), "\(unknown)")
        bench.run("set images=kitty")
        #expect(bench.run("compare main slow").contains("\u{1B}_Ga=T,f=100"))
    }
}
