import Autograd
import Foundation
import Layers
import Testing
@testable import ExperimentKit
@testable import Workbench

@Suite(.serialized) struct TeachingCommandTests {
    @Test func quizAsksScoresAndReveals() {
        let bench = InspectionBench()
        bench.run("quiz on")
        let quiz = QuizState.of(bench.shell.session)
        var answers = ["16,3,3,3", "columns", "rows"]
        quiz.reader = { _ in answers.isEmpty ? nil : answers.removeFirst() }
        let text = bench.run("inspect conv1.weight")
        #expect(text.contains("What shape is conv1.weight?"))
        #expect(text.contains("right!") && text.contains("[out channels, in channels"))
        bench.run("attention ultimus1")
        bench.run("attention ultimus2")
        #expect(quiz.asked == 3 && quiz.correct == 2)
        #expect(bench.run("quiz score").contains("2 of 3 right"))
        bench.run("quiz off")
        bench.run("inspect conv1.weight")
        #expect(quiz.asked == 3)
    }

    @Test func quizScoreTravelsWithTheSessionFile() {
        let bench = InspectionBench()
        bench.run("quiz on")
        let quiz = QuizState.of(bench.shell.session)
        var answers = ["16,3,3,3", "columns"]
        quiz.reader = { _ in answers.isEmpty ? nil : answers.removeFirst() }
        bench.run("inspect conv1.weight")
        bench.run("attention ultimus1")
        let path = bench.folder.path + "/quiz.ult-session"
        bench.run("save \(path)")
        let other = InspectionBench()
        #expect(other.run("quiz score").contains("no questions answered yet"))
        other.run("load \(path)")
        let restored = QuizState.of(other.shell.session)
        #expect(restored.enabled && restored.asked == quiz.asked && restored.correct == quiz.correct)
        #expect(other.run("quiz score").contains("\(quiz.correct) of \(quiz.asked) right"))
    }

    @Test func aTrainThatWillBeRefusedAsksNothing() {
        let bench = TrainingBench()
        #expect(bench.run(["quiz on", "data synthetic n=32 batch=16"]))
        guard case .failed(let message) = bench.run("train") else {
            Issue.record("train without a model must fail")
            return
        }
        #expect(message.contains("no model yet"))
        #expect(!bench.console.output.contains("quiz:"))
    }

    @Test func quizNeverBlocksWithoutInteractiveInput() {
        let bench = InspectionBench()
        bench.run("quiz on")
        bench.run("sched onecycle max_lr=4e-3 epochs=1")
        let text = bench.run("train steps=1")
        #expect(text.contains("What learning rate will the next batch (step 0) use?"))
        #expect(text.contains("not scored"))
        #expect(text.contains("pct = "))
        #expect(QuizState.of(bench.shell.session).asked == 0)
    }

    @Test func theAccuracyQuestionIsAnsweredInAScript() {
        let bench = InspectionBench()
        bench.run("quiz on")
        bench.run("train epochs=1")
        let text = bench.run("train epochs=1")
        #expect(text.contains("accuracy after the next epoch be higher than"), "\(text)")
        #expect(text.contains("quiz answer: epoch 2:") && text.contains("(not scored)"), "\(text)")
    }

    @Test func lrWorkingMatchesTheSchedule() throws {
        let one = try OneCycleLR(maxLR: 4e-3, totalSteps: 100, annealStrategy: .linear)
        for step in [0, 10, 29, 30, 31, 77, 100] {
            let (lr, working) = try #require(LRWorking.explain(one, optimizerLR: 1, step: step))
            #expect(lr == (try one.lr(atStep: step)))
            #expect(working.contains("phase"))
        }
        let step = try StepLR(baseLR: 0.1, stepSize: 4)
        let (stepLR, stepWorking) = try #require(LRWorking.explain(step, optimizerLR: 1, step: 5))
        #expect(stepLR == (try step.lr(atStep: 5)))
        #expect(stepWorking == "StepLR(lr=0.1, step_size=4, gamma=0.1) at step 5")
        let question = QuizQuestion.nextLR(step: 5, lr: 1e-3, working: "")
        #expect(question.grade("0.00102") && question.grade("1e-3") && !question.grade("2e-3"))
        #expect(QuizQuestion.shape(of: "x", shape: [16, 3, 3, 3], why: "").grade("[16, 3, 3, 3]"))
        #expect(!QuizQuestion.shape(of: "x", shape: [16, 3, 3, 3], why: "").grade("3,3,16,3"))
    }

    /// Current weights continue where the session is (optimizer state, schedule step), and every
    /// file the export writes obeys the overwrite rule.
    @Test func exportTorchContinuesTheSessionAndGuardsEveryFile() throws {
        let bench = InspectionBench()
        bench.run("optim adam lr=1e-3")
        bench.run("sched onecycle max_lr=4e-3 epochs=2")
        bench.run("train steps=2")
        let dir = bench.folder.path
        try "mine".write(toFile: dir + "/run.safetensors", atomically: true, encoding: .utf8)
        guard case .failed(let refused) = bench.shell.execute(line: "export torch \(dir)/run.py") else {
            Issue.record("an existing run.safetensors outside the output folder needs force=true")
            return
        }
        #expect(refused.contains("run.safetensors") && refused.contains("force=true"), "\(refused)")
        #expect(try String(contentsOfFile: dir + "/run.safetensors", encoding: .utf8) == "mine")
        #expect(!FileManager.default.fileExists(atPath: dir + "/run.py"))
        bench.run("export torch \(dir)/run.py force=true")
        let script = try String(contentsOfFile: dir + "/run.py", encoding: .utf8)
        #expect(script.contains("SCHEDULE_STEP = 2"))
        #expect(script.contains("OPTIMIZER_FILE = \"run.optim.safetensors\""))
        let optim = try SafeTensors.read(path: dir + "/run.optim.safetensors")
        #expect(optim.entries.contains { $0.name == "state.0.exp_avg" })
        bench.run("train epochs=2")
        let done = bench.run("export torch \(bench.folder.path)/out/done.py")
        #expect(done.contains("nothing left to train"), "\(done)")
        let finished = try String(contentsOfFile: bench.folder.path + "/out/done.py", encoding: .utf8)
        #expect(finished.contains("START_EPOCH = 2"))
    }

    @Test func exportTorchFromTheSession() throws {
        let bench = InspectionBench()
        bench.run("optim adam lr=1e-3")
        bench.run("sched onecycle max_lr=4e-3 epochs=2")
        let text = bench.run("export torch \(bench.folder.path)/out/run.py")
        #expect(text.contains("run.safetensors"))
        let script = try String(contentsOfFile: bench.folder.path + "/out/run.py", encoding: .utf8)
        #expect(script.contains("VARIANT = \"bnrelu\""))
        #expect(script.contains("OneCycleLR(optimizer, max_lr=0.004, total_steps=steps(10)"))
        #expect(script.contains("DATA_FILE = \"run.data.safetensors\""))
        let file = try SafeTensors.read(path: bench.folder.path + "/out/run.safetensors")
        #expect(try file.tensor("conv1.weight").storage == bench.net.convs[0].weight.storage)
        bench.run("train steps=1")
        bench.run("export torch \(bench.folder.path)/out/initial.py weights=initial")
        let initial = try SafeTensors.read(path: bench.folder.path + "/out/initial.safetensors")
        let current = try SafeTensors.read(path: bench.folder.path + "/out/run.safetensors")
        // The initial weights are the model as built, before the training step.
        #expect(try initial.tensor("conv1.weight").storage == (try current.tensor("conv1.weight")).storage)
        #expect(try initial.tensor("conv1.weight").storage != bench.net.convs[0].weight.storage)
    }
}
