import Foundation
import Testing
@testable import Workbench

/// `status`, `optim` and `sched` alone, `summary depth=` and width, `model ultimus blocks=`, the
/// default-data notice and Tab on `act.`.
@Suite(.serialized) struct StatusTests {
    @Test func statusShowsEveryPartOfTheSession() {
        let bench = InspectionBench()
        bench.run("optim sgd lr=0.05 momentum=0.9")
        bench.run("intervene ultimus2 mode=uniform")
        let text = bench.run("status")
        let labels = ["data", "model", "optimizer", "schedule", "progress", "seed", "interventions", "probes", "output"]
        for label in labels {
            #expect(text.contains("\n\(label) ") || text.hasPrefix("\(label) "), "no \(label) line in\n\(text)")
        }
        #expect(text.contains("normalised with mean ("))
        #expect(text.contains("SGD(lr=0.05"))
        #expect(text.contains("threads \(bench.shell.session.threads)"))
        #expect(text.contains("ultimus2 uniform"))
        #expect(text.contains("step 0"))
    }

    @Test func optimAndSchedAloneShowTheCurrentSetting() {
        let bench = InspectionBench()
        #expect(bench.run("optim").contains("none chosen yet; 'train' uses the default Adam("))
        #expect(bench.run("sched").contains("schedule: none"))
        bench.run("optim adam lr=2e-3")
        bench.run("sched onecycle max_lr=3e-3 epochs=2")
        #expect(bench.run("optim").contains("optimizer: Adam(lr=0.002"))
        #expect(bench.run("sched").contains("OneCycleLR(max_lr=0.003") && bench.run("sched").contains("step 0 of 10"))
        #expect(bench.fail("optim lr=1").contains("say which optimizer"))
    }

    @Test func summaryFoldsAtDepthAndFitsTheWidth() {
        let bench = InspectionBench()
        let full = bench.run("summary")
        let folded = bench.run("summary depth=1")
        #expect(full.contains("Linear (fc_k): 2-"))
        #expect(!folded.contains("Linear (fc_k)"))
        #expect(folded.contains("├─Ultimus (ultimus1): 1-7"))
        #expect(folded.contains("1,608"), "a folded block shows its parameters")
        #expect(folded.contains("Total params: 26,074") && folded.contains("Total mult-adds (M): 388.44"))
        for line in full.split(separator: "\n") where line.hasPrefix("├") || line.hasPrefix("=") {
            #expect(line.count <= 100, "wider than the console: \(line)")
        }
        #expect(full.contains("left out to fit the terminal"))
        #expect(full.contains("input pixels normalised with mean"))
    }

    @Test func ultimusBlocksOtherThanFourExplainTheWay() {
        let bench = InspectionBench()
        let message = bench.fail("model ultimus blocks=3")
        #expect(message.contains("always has 4 attention blocks"))
        #expect(message.contains("'layer ultimus' once per block"))
        bench.run("model ultimus blocks=4 variant=bnrelu")
    }

    @Test func trainingWithoutDataSaysWhatItUses() {
        let folder = TemporaryFolder()
        let console = CapturingConsole(width: 100)
        let shell = Shell(options: ShellOptions(seed: 5, dataDirectory: folder.path + "/none",
                                                outputDirectory: folder.path + "/out", console: console))
        shell.session.experiment.autosavePath = nil
        #expect(shell.execute(line: "model new") == .ok)
        _ = shell.execute(line: "layer flatten")
        _ = shell.execute(line: "layer linear out=10")
        console.clear()
        #expect(shell.execute(line: "train steps=1") == .ok, "\(console.transcript)")
        #expect(console.transcript.contains("data: none chosen, so training uses synthetic"))
    }

    @Test func tabCompletesActivationNames() {
        let bench = InspectionBench()
        let words = bench.shell.completions(line: "inspect act.ult", cursor: 15)
        #expect(words.contains("act.ultimus1.q"), "\(words.prefix(8))")
    }
}
