import ExperimentKit
import Foundation
import Layers

extension Command {
    static let quiz = Command(
        CommandSpec(
            "quiz", area: "Teaching", "predict, then reveal: questions before selected steps",
            details: """
                quiz on makes the workbench ask for a prediction before selected steps (a tensor's shape, which axis \
                of the attention map sums to 1, the LR the next batch will use, whether accuracy goes up) and then \
                reveals the answer with the worked computation. The score is kept in the session.
                """,
            examples: ["quiz on", "quiz off", "quiz score"],
            subcommands: [
                SubcommandSpec("on", "start asking"),
                SubcommandSpec("off", "stop asking"),
                SubcommandSpec("score", "show the score so far"),
            ],
            effect: .changesExperiment),
        subcommands: [
            "on": { _, ctx in TeachingCommands.setQuiz(true, ctx) },
            "off": { _, ctx in TeachingCommands.setQuiz(false, ctx) },
            "score": { _, ctx in ctx.console.write("quiz: " + QuizState.of(ctx.session).summary) },
        ])
}

enum TeachingCommands {
    static func setQuiz(_ on: Bool, _ ctx: ShellContext) {
        let quiz = QuizState.of(ctx.session)
        quiz.enabled = on
        let scoring = interactive(ctx)
            ? "" : " (input is not interactive: questions are shown with their answers, not scored)"
        ctx.console.write(on ? "quiz on: before train, attention, explain and inspect you are asked for a prediction, "
                               + "then shown the answer" + scoring
                          : "quiz off (\(quiz.summary))")
    }

    /// Whether the learner can answer: someone is at the keyboard and no script is running.
    static func interactive(_ ctx: ShellContext) -> Bool {
        ctx.shell.scriptDepth == 0 && ctx.shell.answerReader != nil
    }

    /// Asks `question`: reads an answer only when interactive (never blocks a script), grades it and
    /// reveals the worked answer. Returns the answer, if any.
    @discardableResult
    static func ask(_ question: QuizQuestion, _ ctx: ShellContext, reveal: Bool = true) -> String? {
        let quiz = QuizState.of(ctx.session)
        ctx.console.write(ctx.console.styled("quiz: ", .cyan) + question.prompt)
        let reader = quiz.reader ?? (interactive(ctx) ? { ctx.ask($0) } : nil)
        guard let answer = reader?("your answer> ")?.trimmingCharacters(in: .whitespaces), !answer.isEmpty else {
            if reveal, !question.reveal.isEmpty {
                ctx.console.write(ctx.console.styled("answer: ", .cyan) + question.reveal + " (not scored)")
            }
            return nil
        }
        if reveal {
            let right = question.grade(answer)
            quiz.score(right)
            ctx.console.write(ctx.console.styled(right ? "right! " : "not quite. ", right ? .green : .yellow)
                              + question.reveal + ctx.console.styled("  [\(quiz.summary)]", .dim))
        }
        return answer
    }

    /// Runs `original` with the quiz's question before it (and, for the accuracy question, its
    /// grading after it).
    static func withQuiz(_ inv: Invocation, _ ctx: ShellContext, _ original: CommandHandler) throws {
        guard QuizState.of(ctx.session).enabled else { return try original(inv, ctx) }
        let x = ctx.session.experiment
        switch inv.command {
        case "train":
            // A train that will be refused (no model yet) asks nothing.
            guard (try? x.requireModel()) != nil else { return try original(inv, ctx) }
            var accuracyGuess: (Bool?, Double, Int)?
            if x.completedEpochs > 0, let last = x.history.completeEpochs.last, let acc = last.testAccuracy,
               inv.int("steps") == nil {
                let answer = ask(QuizQuestion.accuracyUp(previous: acc, split: (last.testSplit ?? .test).rawValue), ctx,
                                 reveal: false)
                accuracyGuess = (answer.flatMap(QuizQuestion.yes), acc, x.history.epochs.count)
            } else if let lr = LRWorking.explain(x.schedule,
                                                 optimizerLR: x.optimizer?.lr ?? x.optimizerSettings?.lr ?? 1e-3,
                                                 step: x.scheduleStep) {
                ask(QuizQuestion.nextLR(step: x.scheduleStep, lr: lr.lr, working: lr.working), ctx)
            }
            try original(inv, ctx)
            if let (guess, before, count) = accuracyGuess, x.history.epochs.count > count - 1,
               let first = x.history.epochs.first(where: {
                   $0.epoch == (x.history.epochs.count > count ? x.history.epochs[count].epoch : -1)
               }),
               let after = first.testAccuracy {
                let up = after > before
                let text = String(format: "epoch %d: %.2f%% → %.2f%%, %@", first.epoch, before, after,
                                  up ? "up" : "not up")
                if let guess {
                    QuizState.of(ctx.session).score(guess == up)
                    ctx.console.write(ctx.console.styled(guess == up ? "quiz: right! " : "quiz: not quite. ",
                                                         guess == up ? .green : .yellow)
                                      + text + ctx.console.styled("  [\(QuizState.of(ctx.session).summary)]", .dim))
                } else {
                    ctx.console.write(ctx.console.styled("quiz answer: ", .cyan) + text + " (not scored)")
                }
            }
        case "attention", "explain":
            if let net = x.model as? UltimusNet, !net.isBatchMixing, let name = inv.string("block") {
                let block = name == "all" ? "ultimus1" : name
                if inv.command == "explain" {
                    ask(QuizQuestion.shape(of: "\(block)'s attention map AM for one image",
                                           shape: [net.blocks[0].heads, net.blocks[0].heads],
                                           why: "Q and K have \(net.blocks[0].heads) slots each and AM[i, j] pairs "
                                                + "query slot i with key slot j (the batch axis is separate: "
                                                + "[B, 8, 8] for a batch)"), ctx)
                } else if let probe = try? ctx.probeForward(net),
                          let map = probe.forward.attentionMap(block: block, sample: inv.int("sample") ?? 0) {
                    ask(QuizQuestion.attentionAxis(block: block, rowSums: map.map { $0.reduce(0, +) }), ctx)
                }
            }
            try original(inv, ctx)
        case "inspect":
            if let model = x.model, let name = inv.string("name"), let reference = try? TensorReference.parse(name) {
                var activations = model.activations
                if reference.kind == .activation, let probe = try? ctx.probeForward(model) {
                    activations = probe.forward.activations
                }
                if let t = try? TensorLookup.resolve(reference, model: model, activations: activations) {
                    ask(QuizQuestion.shape(of: reference.description, shape: t.shape,
                                           why: shapeReason(reference, t.shape)),
                        ctx)
                }
            }
            try original(inv, ctx)
        default:
            try original(inv, ctx)
        }
    }

    /// Why a tensor has its shape, in PyTorch's layout conventions.
    static func shapeReason(_ r: TensorReference, _ shape: [Int]) -> String {
        let base = r.name.split(separator: ".").last.map(String.init) ?? r.name
        var why: String
        switch (r.kind, base, shape.count) {
        case (.activation, _, 4): why = "activations are [batch, channels, height, width]"
        case (.activation, "attention", 3): why = "one 8×8 map per image: [batch, query slot i, key slot j]"
        case (.activation, _, 2): why = "one feature vector per image: [batch, features]"
        case (_, "weight", 4): why = "Conv2d weights are [out channels, in channels, kernel height, kernel width]"
        case (_, "weight", 2): why = "Linear weights are [out features, in features]"
        case (_, "bias", 1): why = "one bias per output"
        default: why = "one value per channel or feature"
        }
        if r.kind == .gradient { why = "a gradient has its parameter's shape; " + why }
        if !r.index.isEmpty { why += "; indexing \(r.index) removes the first \(r.index.count) axes" }
        return why
    }

    static func exportTorch(_ inv: Invocation, _ ctx: ShellContext) throws {
        guard let path = inv.string("path") else { return }
        let x = ctx.session.experiment
        let model = try x.requireModel()
        guard model is UltimusNet || model is ViT else {
            throw inv.error("export torch writes UltimusNet and ViT models; this one was built layer by layer",
                            suggestion: "use 'export weights PATH' for its state dict")
        }
        let full = ctx.expand(path)
        let data = try ctx.data()
        let weights = inv.string("weights") ?? "current"
        let exportedModel: Module
        if weights == "initial" {
            exportedModel = try initialModel(inv, ctx)
        } else {
            exportedModel = model
        }
        var spec = try torchSpec(x, data: data, net: model, seed: ctx.session.seed, weights: weights,
                                 startEpoch: weights == "initial" ? 0 : x.completedEpochs)
        if weights != "initial" {
            // Current weights continue where the session is: its optimizer state and schedule position.
            spec.scheduleStep = x.scheduleStep
            spec.optimizerState = x.optimizer?.stateTensors()
        }
        // The overwrite rule holds for every file the export writes, not only the script.
        for file in TorchExport.files(for: spec, path: full) where FileManager.default.fileExists(atPath: file) {
            if !ctx.isInsideOutput(file), inv.bool("force") != true {
                throw inv.error("'\(file)' exists", at: "path", suggestion: "add force=true to overwrite it")
            }
        }
        let written = try InspectionCommands.wrap(inv, at: "path") {
            try TorchExport.write(spec, model: exportedModel, to: full)
        }
        ctx.console.write("wrote \(written.script) and \(written.weights) (\(written.parameters.count) tensors, "
                          + "\(weights) weights)"
                          + (written.data.map { " and \($0) (the session's images)" } ?? ""))
        if spec.startEpoch >= spec.epochs {
            ctx.console.write("nothing left to train: the session has done all \(spec.epochs) planned epochs; "
                              + "the script goes on only with --epochs N above \(spec.epochs)")
        }
        ctx.console.write("run it with: python3 \(path)" + (written.data == nil ? " --data DIR" : "")
                          + " [--max-steps N]; torchrun --nproc_per_node=N \(path) --distributed for several GPUs")
    }

    /// The model as it was built, before any training: the session's setup commands (`set`, `data`,
    /// `model`, `layer`, `optim`, `sched`) replayed up to the last `model`/`layer` in a fresh shell
    /// started with the same seed.
    static func initialModel(_ inv: Invocation, _ ctx: ShellContext) throws -> Module {
        let log = ctx.session.commandLog
        guard let last = log.lastIndex(where: { $0.text.hasPrefix("model") || $0.text.hasPrefix("layer") }) else {
            throw inv.error("the command log does not show how the model was built",
                            suggestion: "export weights=current instead")
        }
        let setup: Set<String> = ["set", "data", "model", "layer", "optim", "sched"]
        let scratch = NSTemporaryDirectory() + "ultimus-export-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let replay = Shell(options: ShellOptions(seed: ctx.shell.options.seed, dataDirectory: ctx.session.dataDirectory,
                                                 outputDirectory: scratch, console: CapturingConsole()))
        replay.session.experiment.autosavePath = nil
        for entry in log[...last] where setup.contains(String(entry.text.split(separator: " ").first ?? "")) {
            if case .failed(let message) = replay.execute(line: entry.text) {
                throw inv.error("rebuilding the initial model failed at '\(entry.text)': \(message)",
                                suggestion: "export weights=current instead")
            }
        }
        guard let model = replay.session.experiment.model else {
            throw inv.error("rebuilding the initial model gave no model")
        }
        return model
    }

    static func torchSpec(_ x: Experiment, data: DataState, net: Module, seed: UInt64, weights: String,
                          startEpoch: Int) throws -> TorchExportSpec {
        let ultimus = net as? UltimusNet
        let o = x.optimizerSettings ?? .standard
        let optimizer: TorchExportSpec.Optimizer
        switch o.kind {
        case .sgd:
            optimizer = .sgd(lr: o.lr, momentum: o.value("momentum"), dampening: o.value("dampening"),
                             nesterov: o.nesterov, weightDecay: o.value("weight_decay"))
        case .adam:
            optimizer = .adam(lr: o.lr, betas: o.betas, eps: o.value("eps"), weightDecay: o.value("weight_decay"),
                              amsgrad: o.amsgrad)
        case .adamw:
            optimizer = .adamw(lr: o.lr, betas: o.betas, eps: o.value("eps"), weightDecay: o.value("weight_decay"),
                               amsgrad: o.amsgrad)
        }
        var schedule: TorchExportSpec.Schedule?
        var epochs = max(1, x.completedEpochs)
        if let s = x.scheduleSettings {
            switch s.kind {
            case .onecycle:
                if let one = x.schedule as? OneCycleLR {
                    schedule = .oneCycle(maxLR: one.maxLR, totalSteps: one.totalSteps ?? 1, pctStart: one.pctStart,
                                         annealStrategy: one.annealStrategy.rawValue,
                                         divFactor: one.divFactor, finalDivFactor: one.finalDivFactor,
                                         threePhase: one.threePhase, cycleMomentum: one.cycleMomentum,
                                         baseMomentum: one.baseMomentum, maxMomentum: one.maxMomentum)
                    epochs = max(epochs,
                                 Int(((Double(one.totalSteps ?? 1)) / Double(max(1, s.stepsPerEpoch))).rounded(.up)))
                }
            case .step:
                schedule = .step(stepSize: max(1, Int(s.value("step_size")) * s.stepsPerEpoch), gamma: s.value("gamma"))
            case .constant:
                break
            }
            if let planned = s.plannedEpochs { epochs = max(epochs, planned) }
        }
        let aug = (try? Augmentation(spec: data.settings.augment)) ?? .none
        let source: TorchExportSpec.Data
        if data.settings.source == .cifar10, data.splits.train.count >= 50_000 {
            source = .folder(path: data.settings.path ?? "")
        } else {
            let tr = data.splits.train, te = data.splits.test
            source = .embedded(train: (tr.images, tr.labels), test: (te.images, te.labels), height: tr.height,
                               width: tr.width)
        }
        var spec = TorchExportSpec(
            variant: ultimus?.variant.rawValue ?? "vit", attention: ultimus?.attention.rawValue ?? "tokens",
            optimizer: optimizer, schedule: schedule,
            data: source, classNames: data.classNames, mean: data.normalization.mean, std: data.normalization.std,
            crop: aug.crop, flip: aug.flip, cutout: aug.cutout, padding: aug.padding, cutoutSize: aug.cutoutSize,
            flipProbability: Double(aug.flipProbability), cutoutProbability: Double(aug.cutoutProbability),
            epochs: epochs, startEpoch: startEpoch, batchSize: data.settings.batchSize, seed: seed,
            weightsLabel: weights)
        spec.vit = (net as? ViT)?.config
        return spec
    }
}
