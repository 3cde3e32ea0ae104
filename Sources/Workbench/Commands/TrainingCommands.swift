import ExperimentKit
import Foundation
import Layers

extension Command {
    static let history = Command(
        CommandSpec(
            "history", area: "Session", "list this session's commands with their numbers",
            details: """
                Shows the commands that succeeded, numbered as their prompts were. Failed commands are not kept. 'save \
                script PATH' writes this list as a script that 'run' or 'ultimus-repl PATH' replays.
                """,
            examples: ["history", "history last=10"],
            arguments: [ArgumentSpec("last", .int, range: Bounds.count, "show only the last N commands")],
            logged: false,
            effect: .shows),
        run: TrainingCommands.history)

    static let train = Command(
        CommandSpec(
            "train", area: "Training", "train N more epochs or steps",
            details: """
                Epochs are numbered from 1 and continue across commands and across save/load. Each epoch shows a \
                tqdm-style progress line, then the test (or validation) line. Ctrl-C stops at the next batch and \
                records the partial epoch. A NaN or exploding loss stops training and names the step, the LR and the \
                layer whose gradient blew up.
                """,
            examples: ["train epochs=1", "train steps=20", "train epochs=20 eval_every=5 eval_subset=1000",
                       "train epochs=30 target_valid_acc=70 patience=3 best=true"],
            arguments: [
                ArgumentSpec("epochs", .int, range: Bounds.count, "number of further epochs (default 1)"),
                ArgumentSpec("steps", .int, range: Bounds.count, "number of further batches"),
                ArgumentSpec("eval_every", .int, default: .int(1), range: Bounds.atLeastOne,
                             "evaluate after every K-th epoch (and the last)"),
                ArgumentSpec("eval_subset", .int, range: Bounds.atLeastOne,
                             "evaluate a stratified seeded sample of N images"),
                ArgumentSpec("target_valid_acc", .float, range: 0...100, "stop when validation accuracy (%) reaches X"),
                ArgumentSpec("patience", .int, range: Bounds.atLeastOne,
                             "stop after P evaluated epochs without improvement"),
                ArgumentSpec("best", .bool, default: .bool(false), "keep the best weights (by validation accuracy)"),
            ],
            exclusive: [["epochs", "steps"]],
            effect: .changesExperiment),
        run: { inv, ctx in try TeachingCommands.withQuiz(inv, ctx, TrainingCommands.train) })

    static let lrfind = Command(
        CommandSpec(
            "lrfind", area: "Training", "LR range test: sweep the LR and suggest one",
            details: """
                torch-lr-finder's semantics: raises the LR from start to end over iters batches (exponentially or \
                linearly), smooths the loss (smooth=0: the raw loss), stops when it exceeds diverge× the best, and \
                suggests LRs: the steepest gradient (torch-lr-finder's, skipping the first 10 and last 5 points) and \
                minimum/10 and valley (fastai's, over the points from iters/10 to the last 5), each kept inside the \
                swept range. It warns when the loss never fell. The terminal chart clips the divergence tail at 1.5× \
                the first loss. Afterwards the model, optimizer, generators and loader position are exactly as before.
                """,
            examples: ["lrfind", "lrfind start=1e-7 end=10 iters=100 mode=exp"],
            arguments: [
                ArgumentSpec("start", .float, default: .float(LRFinderSettings().start), range: Bounds.positive,
                             "first learning rate"),
                ArgumentSpec("end", .float, default: .float(LRFinderSettings().end), range: Bounds.positive,
                             "last learning rate"),
                ArgumentSpec("iters", .int, default: .int(LRFinderSettings().iterations), range: 2...100_000,
                             "number of batches"),
                ArgumentSpec("mode", .choice(LRFinderSettings.Mode.allCases.map(\.rawValue)),
                             default: .string(LRFinderSettings().mode.rawValue), "how the LR grows"),
                ArgumentSpec("smooth", .float, default: .float(LRFinderSettings().smooth), range: 0...0.999,
                             "EMA factor of the loss (0 = none)"),
                ArgumentSpec("diverge", .float, default: .float(LRFinderSettings().diverge),
                             range: 1 ... .greatestFiniteMagnitude, "stop when loss > diverge × best"),
            ],
            effect: .changesExperiment),
        run: TrainingCommands.lrfind)

    static let eval = Command(
        CommandSpec(
            "eval", area: "Training", "evaluate on the test, validation or training split",
            details: """
                Runs the model in eval mode over a split and prints the seed's line with the true mean loss: Test set: \
                Average loss: 1.2345, Accuracy: 5678/10000 (56.78%). Active interventions apply.
                """,
            examples: ["eval", "eval split=valid", "eval subset=1000"],
            arguments: [
                ArgumentSpec("split", .choice(["test", "valid", "train"]), default: .string("test"), "which split"),
                ArgumentSpec("subset", .int, range: Bounds.atLeastOne,
                             "a stratified seeded sample of N images (the same ones each time)"),
            ],
            effect: .changesExperiment),
        run: TrainingCommands.eval)

    static let check = Command(
        CommandSpec(
            "check", area: "Training", "check the model: batch independence, or the rank of each layer",
            details: """
                check model runs a batch-composition test in eval mode (an image's output must not change with its \
                batch-mates) and prints PASS or FAIL naming the first layer that breaks it; it uses 64 images unless \
                batch= is given. check rank uses up to 512 test images (batch= to change) and reports the effective \
                rank of each layer's output over a batch from its singular values, against the true bound for an \
                Ultimus block (h + 1 = 9: fc_out of 8 numbers plus a bias), and warns when a stack of linear layers \
                collapses. A FAIL is a finding, not an error.
                """,
            examples: ["check model", "check rank batch=256"],
            arguments: [ArgumentSpec("batch", .int, default: .int(64), range: 2...10_000,
                                     "images used (check model: 64; check rank: up to 512)")],
            subcommands: [
                SubcommandSpec("model", "an image's output must not depend on its batch-mates"),
                SubcommandSpec("rank", "effective rank of each layer's output"),
            ],
            effect: .changesExperiment),
        subcommands: [
            "model": TrainingCommands.checkModel,
            "rank": TrainingCommands.checkRank,
        ])
}

enum TrainingCommands {
    static func train(_ inv: Invocation, _ ctx: ShellContext) throws {
        let x = ctx.session.experiment
        let model = try x.requireModel()  // before the data is loaded: a refused command changes nothing
        let choseData = x.dataSettings != nil
        let data = try DataCommands.withLoadingProgress(ctx) {
            try x.ensureData(source: ctx.session.dataSource, progress: $0)
        }
        if !choseData {
            ctx.console.write("data: none chosen, so training uses \(data.splits.source) (\(data.countsLine)); "
                              + "choose with 'data synthetic' or 'data cifar10'")
        }
        // Checked before the default optimizer is created, so that a refused 'train' changes nothing.
        try Experiment.checkModel(model, classes: data.classNames.count, source: data.settings.source,
                                  side: data.splits.train.height)
        let steps = try inv.int("steps") ?? x.steps(forEpochs: inv.int("epochs") ?? 1, source: ctx.session.dataSource)
        let asked = inv.int("steps").map { "train steps=\($0)" } ?? "train epochs=\(inv.int("epochs") ?? 1)"
        try x.checkScheduleRoom(steps: steps, asked: asked)
        let (_, isDefault) = try x.ensureOptimizer()
        if isDefault, let settings = x.optimizerSettings {
            ctx.console.write("optimizer: \(settings.description) (the default; choose one with 'optim')")
        }
        let plan = try trainingPlan(inv, ctx, steps: steps)
        x.figures = []
        ctx.session.guardStop = nil
        ProtectionCommands.keepLastGood(ctx, label: "the start of '\(inv.text)'")
        var progress: ConsoleProgress?
        var progressEpoch = 0
        var callbacks = TrainingCallbacks()
        callbacks.shouldStop = { ctx.interruptRequested }
        callbacks.batch = { p in
            let description = String(format: "EPOCH = %d | LR = %@ | Loss = %.2f | Batch = %d | Accuracy = %.2f",
                                     p.epoch, Format.lr(p.lr), p.loss, p.batch, p.accuracy)
            if progress == nil || progressEpoch != p.epoch {
                progress?.finish()
                progress = ConsoleProgress(console: ctx.console, total: p.batchesPerEpoch, description: description,
                                           alreadyDone: p.batch, elapsed: p.seconds)
                progressEpoch = p.epoch
            }
            progress?.update(to: p.batch + 1, description: description)
            // Closed at the epoch's last batch, as the seed's log did: its time and rate are the training's,
            // not the end-of-epoch evaluation's.
            if p.batch + 1 == p.batchesPerEpoch {
                progress?.finish()
                progress = nil
            }
        }
        callbacks.epochEnded = { record, evaluation in
            progress?.finish()
            progress = nil
            if let evaluation { ctx.console.write(evaluation.line) }
            else if !record.complete {
                ctx.console.write(String(format: "epoch %d stopped after %d of %d batches (recorded as partial): "
                                                 + "train loss %.4f, accuracy %.2f%%",
                                         record.epoch, record.batches, record.batchesPerEpoch, record.trainLoss,
                                         record.trainAccuracy))
            }
        }
        callbacks.warning = { ctx.console.warning($0) }
        var autosaveFailed = false
        callbacks.plan = plan
        callbacks.checkpoint = {
            ProtectionCommands.keepLastGood(ctx, label: "the end of epoch \(x.completedEpochs)")
            guard let path = autosaveLocation(ctx) else { return }
            do { try SessionFile.save(ctx.session, to: path) } catch {
                if !autosaveFailed { ctx.console.warning("autosave to \(path) failed: \(error); training goes on") }
                autosaveFailed = true
            }
        }
        let report = try x.train(steps: steps, source: ctx.session.dataSource, callbacks: callbacks)
        progress?.finish()
        _ = data
        switch report.outcome {
        case .finished:
            ctx.recordDigest()
        case .interrupted:
            if report.stepsDone > 0 { ctx.logPartial("train steps=\(report.stepsDone)") }
            throw Interrupted("train (after \(report.stepsDone) of \(steps) steps; "
                              + "the partial epoch is "
                              + "recorded\(autosaveLocation(ctx).map { " and saved to \($0)" } ?? ""))")
        case .guardStopped(let message):
            let stop = (x.globalStep + 1, ProtectionCommands.nextLR(x))
            if report.stepsDone > 0 {
                ctx.logPartial("train steps=\(report.stepsDone)")
            } else if let good = ctx.session.lastGood {
                // No update was applied: the command changes nothing (the loader's drawn batch included).
                try? ProtectionCommands.restore(good.bytes, ctx)
            }
            ctx.session.guardStop = stop
            throw ExperimentError(message + "; 'rollback' returns to the last good state")
        case .stoppedEarly(let reason):
            // Logged as typed: replaying it stops at the same epoch.
            ctx.console.write(reason)
            ctx.recordDigest()
        }
        if plan.keepBest, let best = x.best {
            ctx.console.write(String(format: "best: epoch %d, %@ accuracy %.2f%% (kept; 'restore best' brings it back)",
                                     best.epoch, best.split.noun, best.accuracy))
        }
    }

    /// The plan of a `train` command from its arguments.
    static func trainingPlan(_ inv: Invocation, _ ctx: ShellContext, steps: Int) throws -> TrainingPlan {
        let x = ctx.session.experiment
        var plan = TrainingPlan()
        plan.evalEvery = inv.int("eval_every") ?? 1
        plan.evalSubset = inv.int("eval_subset")
        if let epochs = inv.int("epochs") ?? (inv.isExplicit("steps") ? nil : 1) {
            plan.lastEpoch = x.completedEpochs + epochs
        }
        plan.targetAccuracy = inv.double("target_valid_acc")
        plan.patience = inv.int("patience")
        plan.keepBest = inv.bool("best") ?? false
        if plan.targetAccuracy != nil, x.data?.splits.valid == nil {
            ctx.console.write("note: no validation split ('data ... valid=N'); target_valid_acc watches the test "
                              + "accuracy")
        }
        return plan
    }

    /// The command list (the shell's `history`), then the per-epoch training record when there is one.
    static func history(_ inv: Invocation, _ ctx: ShellContext) {
        ctx.shell.history(last: inv.int("last"))
        let epochs = ctx.session.experiment.history.epochs
        guard !epochs.isEmpty else { return }
        ctx.console.write("")
        ctx.console.write("epoch  batches  train loss  train acc  test loss  test acc     time")
        for e in epochs.suffix(inv.int("last") ?? epochs.count) {
            let test = e.testLoss.map { String(format: "%9.4f", $0) } ?? "        -"
            let acc = e.testAccuracy.map { String(format: "%8.2f%%", $0) } ?? "        -"
            let batches = e.complete ? "\(e.batches)" : "\(e.batches)/\(e.batchesPerEpoch)"
            ctx.console.write(String(format: "%5d  %@  %10.4f  %8.2f%%  %@  %@  %7.1f s", e.epoch, batches.leftPad(7),
                                     e.trainLoss, e.trainAccuracy, test, acc, e.seconds)
                + (e.complete ? "" : "  (partial)") + (e.testSplit == .valid ? "  (valid)" : ""))
        }
    }

    /// The autosave file, or `nil` when autosave is off.
    static func autosaveLocation(_ ctx: ShellContext) -> String? {
        guard !ctx.session.isRerunning, let name = ctx.session.experiment.autosavePath else { return nil }
        let expanded = ctx.expand(name)
        return expanded.hasPrefix("/") ? expanded : ctx.session.outputPath(name)
    }

    static func eval(_ inv: Invocation, _ ctx: ShellContext) throws {
        let x = ctx.session.experiment
        let split = try inv.word(DataSplit.self, inv.string("split") ?? "test")
        _ = try x.requireModel()
        try DataCommands.withLoadingProgress(ctx) { try x.ensureData(source: ctx.session.dataSource, progress: $0) }
        var progress: ConsoleProgress?
        let result: EvaluationResult
        do {
            result = try x.evaluate(split: split, subset: inv.int("subset"),
                                    shouldStop: { ctx.interruptRequested }) { done, total in
                if progress == nil { progress = ConsoleProgress(console: ctx.console, total: total,
                                                                description: "Eval \(split.rawValue)") }
                progress?.update(to: done)
            }
        } catch {
            progress?.finish()
            throw error
        }
        progress?.finish()
        if let subset = inv.int("subset"), let all = x.data?.set(split)?.count, subset < all {
            ctx.console.write(result.line + " · stratified subset of \(DataState.grouped(all)) (seeded)")
            x.figures = [result.line]
            ctx.recordDigest()
            return
        }
        x.remember(result)
        ctx.console.write(result.line)
        x.figures = [result.line]
        ctx.recordDigest()
    }

    static func lrfind(_ inv: Invocation, _ ctx: ShellContext) throws {
        let x = ctx.session.experiment
        var settings = LRFinderSettings()
        settings.start = inv.double("start") ?? settings.start
        settings.end = inv.double("end") ?? settings.end
        settings.iterations = inv.int("iters") ?? settings.iterations
        settings.mode = try inv.string("mode").map { try inv.word(LRFinderSettings.Mode.self, $0) } ?? settings.mode
        settings.smooth = inv.double("smooth") ?? settings.smooth
        settings.diverge = inv.double("diverge") ?? settings.diverge
        guard settings.end > settings.start else {
            throw inv.error("end=\(Format.number(settings.end)) must be above start=\(Format.number(settings.start))",
                            at: "end")
        }
        let model = try x.requireModel()
        let data = try DataCommands.withLoadingProgress(ctx) {
            try x.ensureData(source: ctx.session.dataSource, progress: $0)
        }
        try Experiment.checkModel(model, classes: data.classNames.count, source: data.settings.source,
                                  side: data.splits.train.height)
        let (_, isDefault) = try x.ensureOptimizer()
        if isDefault, let s = x.optimizerSettings {
            ctx.console.write("optimizer: \(s.description) (the default; choose one with 'optim')")
        }
        let progress = ConsoleProgress(console: ctx.console, total: settings.iterations, description: "lrfind")
        let result: LRFinderResult
        do {
            result = try x.findLR(settings, source: ctx.session.dataSource,
                                  shouldStop: { ctx.interruptRequested }) { i, _, lr, loss in
                progress.update(to: i, description: String(format: "lrfind LR = %@ | Loss = %.3f", Format.lr(lr), loss))
            }
        } catch {
            progress.finish()
            throw error
        }
        progress.finish()
        x.lrFinder = result
        let n = result.losses.count
        let stop = result.diverged ? "; stopped at iteration \(n): the loss diverged" : ""
        ctx.console.write("lrfind: \(n) iterations from \(Format.number(settings.start)) to "
                          + "\(Format.number(result.lrs.last ?? settings.end)) (\(settings.mode.rawValue))\(stop)")
        ctx.console.write(chart(result, ctx))
        let line = suggestionLine(result)
        ctx.console.write(line)
        if result.lossNeverFell {
            ctx.console.warning("the loss never fell below its first value, so these suggestions mean little: "
                                + "try a lower start= or check the model and data")
        }
        ctx.console.write("model, optimizer, generators and loader position are as before the test")
        x.figures = [line]
        ctx.recordDigest()
    }

    static func suggestionLine(_ r: LRFinderResult) -> String {
        func s(_ v: Double?) -> String { v.map { String(format: "%.2e", $0) } ?? "n/a (too few points)" }
        return "Suggested LRs: steepest gradient \(s(r.steepest)) · minimum/10 \(s(r.minimum)) · valley "
               + "\(s(r.valley))"
    }

    /// The LR-finder curve as a terminal chart with the suggestions marked.
    static func chart(_ r: LRFinderResult, _ ctx: ShellContext) -> String {
        let finite = zip(r.lrs, r.losses).filter { $0.1.isFinite }
        guard finite.count >= 2 else { return "(too few points to draw)" }
        var markers: [ChartMarker] = []
        if let v = r.steepest { markers.append(ChartMarker(x: v, label: "steepest")) }
        if let v = r.valley { markers.append(ChartMarker(x: v, label: "valley")) }
        let low = finite.map(\.1).min() ?? 0
        let first = finite.first?.1 ?? low
        let top = max(first * 1.5, low + 1e-6)
        let chart = Chart(title: "LR range test", xLabel: "learning rate (log)", yLabel: "loss",
                          series: [ChartSeries(name: r.settings.smooth == 0 ? "loss" : "smoothed loss",
                                               x: finite.map(\.0), y: finite.map { min($0.1, top) })],
                          markers: markers, logX: r.settings.mode != .linear)
        let style = RenderStyle(color: ctx.console.color, unicode: ctx.console.unicode,
                                width: min(ctx.console.width, 100))
        return LineChart.render(chart, style: style, height: 12)
    }

    static func checkModel(_ inv: Invocation, _ ctx: ShellContext) throws {
        let x = ctx.session.experiment
        _ = try x.requireModel()
        try DataCommands.withLoadingProgress(ctx) { try x.ensureData(source: ctx.session.dataSource, progress: $0) }
        let result = try x.checkBatchComposition(count: inv.int("batch") ?? 64, source: ctx.session.dataSource)
        ctx.console.write(result.passed
                          ? result.line
                          : result.line.replacingOccurrences(of: "FAIL", with: ctx.console.styled("FAIL", .red)))
        x.figures = [result.line]
        ctx.recordDigest()
    }

    /// The true rank bound of an Ultimus block's output: fc_out maps h numbers plus a bias (h + 1, not 48).
    static func rankBound(_ model: Module, _ layer: String) -> (bound: Int, why: String)? {
        guard let block = model.children.first(where: { $0.0 == layer })?.1 as? Ultimus else { return nil }
        return (block.heads + 1, "fc_out maps \(block.heads) numbers plus a bias")
    }

    static func checkRank(_ inv: Invocation, _ ctx: ShellContext) throws {
        let x = ctx.session.experiment
        let model = try x.requireModel()
        let data = try DataCommands.withLoadingProgress(ctx) {
            try x.ensureData(source: ctx.session.dataSource, progress: $0)
        }
        let count = inv.isExplicit("batch") ? (inv.int("batch") ?? 512) : min(512, data.splits.test.count)
        let ranks = try x.layerRanks(count: count, source: ctx.session.dataSource)
        ctx.console.write("check rank: singular values of each layer's output over "
                          + "\(min(count, data.splits.test.count)) test images (rank = values above 1% of the largest)")
        let width = max(6, ranks.map(\.layer.count).max() ?? 6)
        for r in ranks {
            let name = r.layer.padding(toLength: width, withPad: " ", startingAt: 0)
            let shown = r.singularValues.prefix(8).map { Format.number(($0 * 100).rounded() / 100) }
                .joined(separator: " ")
            let more = r.singularValues.count > 8 ? " …" : ""
            let bound = rankBound(model, r.layer).map { "  (at most \($0.bound): \($0.why))" } ?? ""
            ctx.console.write("  \(name)  rank \(String(r.effectiveRank).leftPad(3)) of "
                              + "\(String(r.singularValues.count).leftPad(3))   σ: \(shown)\(more)\(bound)")
        }
        let bottlenecks = ranks.filter { $0.effectiveRank == 1 }.compactMap { r in
            rankBound(model, r.layer).map { (r.layer, $0.bound) }
        }
        if let bound = bottlenecks.first?.1 {
            let names = bottlenecks.map(\.0).joined(separator: ", ")
            ctx.console.warning("\(names) pass\(bottlenecks.count == 1 ? "es" : "") one number per image: "
                                + "output rank 1 of at most \(bound), "
                                + "so the outputs collapse onto one direction (a one-number bottleneck)")
        }
        x.figures = ranks.map { "\($0.layer) rank \($0.effectiveRank)" }
        if let collapse = ranks.first(where: { r in
            r.shape.count == 2 && r.singularValues.count >= 8 && r.effectiveRank <= max(4, r.singularValues.count / 8)
                && x.isLinearStack(upTo: r.layer)
        }) {
            let sv = collapse.singularValues
            let k = collapse.effectiveRank
            let big = sv.prefix(k).map { Format.number(($0 * 10).rounded() / 10) }.joined(separator: ", ")
            let rest = sv.count > k ? Format.number((sv[k] * 100).rounded() / 100) : "0"
            ctx.console.warning("linear collapse at \(collapse.layer): only \(k) of \(sv.count) singular values are "
                                + "large (\(big); the next is \(rest)). The layers before it have no activation, "
                                + "so they compose into one linear map and after pooling the features carry about \(k) "
                                + "numbers per image (essentially its mean colour). Add BatchNorm+ReLU after each "
                                + "convolution: 'model ultimus variant=bnrelu'")
            x.figures.append("collapse at \(collapse.layer)")
        }
        ctx.recordDigest()
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
