import Datasets
import Foundation
import Layers

/// What the training loop reports while it runs (the shell draws progress lines from it; tests
/// count calls). Every member is optional.
public struct TrainingCallbacks {
    /// A batch finished: its progress within the epoch.
    public var batch: ((BatchProgress) -> Void)?
    /// An epoch finished (or stopped part-way, `complete == false`), with the evaluation when complete.
    public var epochEnded: ((TrainingHistory.Epoch, EvaluationResult?) -> Void)?
    /// A warning (loss stuck at chance...).
    public var warning: ((String) -> Void)?
    /// Polled before each batch: `true` stops at the next batch (Ctrl-C).
    public var shouldStop: () -> Bool = { false }
    /// Called after each completed epoch's record (and after an interrupt), to autosave.
    public var checkpoint: (() -> Void)?
    /// Progress of the evaluation after each epoch.
    public var evaluationProgress: ((Int, Int) -> Void)?
    /// Evaluation frequency and size, early stopping, best weights.
    public var plan = TrainingPlan()

    public init() {}
}

/// One finished batch, for the progress line.
public struct BatchProgress: Sendable {
    public var epoch: Int
    /// Index of the batch within the epoch, from 0.
    public var batch: Int
    public var batchesPerEpoch: Int
    public var loss: Double
    public var lr: Double
    /// Running training accuracy of the epoch so far, in percent.
    public var accuracy: Double
    /// Seconds since the epoch's first batch (including earlier commands' part).
    public var seconds: Double
}

/// How a `train` run ended.
public enum TrainingOutcome: Equatable, Sendable {
    case finished
    /// Ctrl-C: stopped before a batch.
    case interrupted
    /// A guard stopped at a step; the session is as after the previous step.
    case guardStopped(String)
    /// The plan's target or patience stopped training after an epoch.
    case stoppedEarly(String)
}

/// The result of a `train` run.
public struct TrainingReport: Sendable {
    public var stepsDone: Int
    public var outcome: TrainingOutcome
}

extension Experiment {
    /// Loss above this multiple of ln(classes) counts as exploding.
    static let explodingLossFactor = 25.0
    /// A gradient norm above this counts as exploding.
    static let explodingGradientNorm = 1e5

    /// The number of steps `train epochs=N` means now: the rest of the current epoch, then N−1 more.
    public func steps(forEpochs n: Int, source: DataSource) throws -> Int {
        let data = try ensureData(source: source)
        let loader = data.trainLoader
        let remaining = loader.batchIndex >= loader.batchesPerEpoch
            ? loader.batchesPerEpoch : loader.batchesPerEpoch - loader.batchIndex
        let (more, overflow) = (n - 1).multipliedReportingOverflow(by: loader.batchesPerEpoch)
        guard !overflow, more <= Int.max - remaining else {
            throw ExperimentError("\(n) epochs of \(loader.batchesPerEpoch) batches are more steps than can be "
                                  + "counted; ask for fewer epochs")
        }
        return remaining + more
    }

    /// Checks that `steps` more steps fit the schedule, before any step runs.
    /// - Throws: a message with the numbers when a one-cycle schedule would run past its end.
    public func checkScheduleRoom(steps: Int, asked: String) throws {
        guard let schedule, let total = schedule.totalSteps else { return }
        guard steps > total - scheduleStep else { return }
        let left = total - scheduleStep
        guard left > 0 else {
            throw ExperimentError("\(asked) needs \(steps) steps but the one-cycle schedule is finished (all \(total) "
                                  + "steps done); start a new one with 'sched onecycle ... epochs=N', "
                                  + "or keep the LR with 'sched constant'")
        }
        let per = scheduleSettings?.stepsPerEpoch ?? 1
        let epochs = per > 0 ? String(format: " (%.4g epochs)", Double(left) / Double(per)) : ""
        throw ExperimentError("\(asked) needs \(steps) steps but the one-cycle schedule has \(left) left of "
                              + "\(total)\(epochs) (\(scheduleStep) done); train at most steps=\(left), "
                              + "or set a longer schedule with 'sched onecycle ... epochs=N'")
    }

    /// Trains `steps` more optimizer steps (the caller has checked the schedule's room).
    ///
    /// Per step, as PyTorch's loop: set LR/β1 from the schedule, forward, cross-entropy, zero
    /// grads, backward, guard checks, `optimizer.step()`, schedule step. At each epoch's end the
    /// monitored split is evaluated and the epoch recorded. A guard stop restores the loader
    /// position, running statistics and generators to before the failing step.
    public func train(steps: Int, source: DataSource,
                      callbacks: TrainingCallbacks = TrainingCallbacks()) throws -> TrainingReport {
        let data = try ensureData(source: source)
        let model = try requireModel()
        try Self.checkModel(model, classes: data.classNames.count, source: data.settings.source,
                            side: data.splits.train.height)
        let (optimizer, _) = try ensureOptimizer()
        let loader = data.trainLoader
        var done = 0
        var outcome = TrainingOutcome.finished
        var stopping = EarlyStopping()
        model.train()
        while done < steps {
            if callbacks.shouldStop() { outcome = .interrupted; break }
            if loader.batchIndex >= loader.batchesPerEpoch { _ = loader.next() }
            let step: TakenStep
            switch try trainStep(model: model, optimizer: optimizer, loader: loader, classes: data.classNames.count) {
            case .noBatch: return finishRun(done: done, outcome: outcome, loader: loader, callbacks: callbacks)
            case .stopped(let message):
                outcome = .guardStopped(message)
                return finishRun(done: done, outcome: outcome, loader: loader, callbacks: callbacks)
            case .taken(let taken): step = taken
            }
            done += 1
            record(step, done: done, of: steps, loader: loader, callbacks: callbacks)
            if loader.batchIndex >= loader.batchesPerEpoch,
               let reason = try finishEpoch(step.epoch, data: data, callbacks: callbacks, stopping: &stopping) {
                outcome = .stoppedEarly(reason)
                break
            }
        }
        return finishRun(done: done, outcome: outcome, loader: loader, callbacks: callbacks)
    }

    /// A step the loop took: what recording it needs.
    private struct TakenStep {
        var epoch: Int, batchIndex: Int
        var batch: Batch
        var logits: Tensor
        var loss: Double, lr: Double, beta1: Double
        /// When the step started (`DispatchTime` nanoseconds).
        var start: UInt64
    }

    /// What became of one step.
    private enum StepResult {
        /// The loader had no batch: nothing changed beyond the schedule's LR.
        case noBatch
        /// A guard refused the step; the state is as before it.
        case stopped(String)
        case taken(TakenStep)
    }

    /// One optimizer step on the loader's next batch, or the guard message that refused it.
    private func trainStep(model: Module, optimizer: Optimizer, loader: DataLoader, classes: Int) throws -> StepResult {
        let epoch = loader.epoch + 1, batchIndex = loader.batchIndex
        let volatile = captureVolatile()
        if let schedule { try schedule.apply(step: scheduleStep, to: optimizer) }
        let start = DispatchTime.now().uptimeNanoseconds
        guard let batch = loader.next() else { return .noBatch }
        let lr = optimizer.lr, beta1 = optimizer.beta1
        let logits = model(batch.images)
        guard logits.rank == 2, logits.shape[1] >= classes else {
            restoreVolatile(volatile)
            throw ExperimentError("the model's output \(logits.shape) is not [batch, \(classes)] class scores")
        }
        let loss = crossEntropy(logits, labels: batch.labels)
        let lossValue = Double(loss.item)
        let place = "step \(globalStep + 1) (epoch \(epoch), batch \(batchIndex)) at LR \(Format.lr(lr))"
        let refusal: String?
        if !lossValue.isFinite || lossValue > Self.explodingLossFactor * log(Double(classes)) {
            refusal = diagnoseLoss(lossValue, lr: lr, epoch: epoch, batchIndex: batchIndex, batch: batch)
        } else {
            optimizer.zeroGrad()
            loss.backward()
            refusal = gradientRefusal(model, loss: lossValue, at: place) ?? updateRefusal(model, optimizer, at: place)
        }
        if let refusal {
            restoreVolatile(volatile)
            return .stopped(refusal)
        }
        scheduleStep += 1
        globalStep += 1
        return .taken(TakenStep(epoch: epoch, batchIndex: batchIndex, batch: batch, logits: logits, loss: lossValue,
                                lr: lr, beta1: beta1, start: start))
    }

    /// Records the gradient norms; why the step must not be applied when one is non-finite or exploding.
    private func gradientRefusal(_ model: Module, loss: Double, at place: String) -> String? {
        let norms = gradientNorms(model)
        lastGradientNorms = norms
        let exploding = norms.max(by: { $0.norm < $1.norm }).flatMap { $0.norm > Self.explodingGradientNorm ? $0 : nil }
        guard let bad = norms.first(where: { !$0.norm.isFinite }) ?? exploding else { return nil }
        return "training stopped at \(place): the gradient of \(bad.name) blew up (norm \(Format.number(bad.norm))), "
               + "loss \(String(format: "%.4f", loss)); the update was not applied. Lower the LR (try 'lrfind') or add "
               + "BatchNorm"
    }

    /// Applies `optimizer.step()`. A finite gradient can still make a non-finite update (NaN in the
    /// optimizer state, an overflowing step): if a weight went bad, undoes the step and says why.
    private func updateRefusal(_ model: Module, _ optimizer: Optimizer, at place: String) -> String? {
        let parameters = model.namedParameters()
        let weightsBefore = parameters.map { $0.tensor.storage }
        let optimizerBefore = optimizer.stateTensors()
        optimizer.step()
        guard let bad = parameters.first(where: { !$0.tensor.storage.allSatisfy(\.isFinite) }) else { return nil }
        for (p, saved) in zip(parameters, weightsBefore) { p.tensor.storage = saved }
        try? optimizer.loadStateTensors(optimizerBefore)
        let state = optimizerBefore.first { !$0.value.isAllFinite }
        // `state.3.exp_avg_sq` names the 4th parameter's state: show it by the parameter's name.
        let stateName = state.map { entry -> String in
            let parts = entry.key.split(separator: ".", maxSplits: 2).map(String.init)
            guard parts.count == 3, let i = Int(parts[1]), parameters.indices.contains(i) else { return entry.key }
            return "\(parameters[i].name) \(parts[2])"
        }
        let cause = stateName.map { "the optimizer state \($0) holds NaN or Inf" } ?? "the step overflowed"
        return "training stopped at \(place): the update made weight \(bad.name) NaN or Inf (\(cause)); "
               + "the update was not applied. Rebuild the optimizer with 'optim ...' or lower the LR"
    }

    /// Adds a taken step to the epoch's running figures, the history and the attention time-lapse,
    /// and reports it.
    private func record(_ step: TakenStep, done: Int, of steps: Int, loader: DataLoader, callbacks: TrainingCallbacks) {
        let correct = zip(step.logits.argmax(axis: 1), step.batch.labels).filter { $0 == $1 }.count
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - step.start) / 1e9
        accumulator.lossSum += step.loss
        accumulator.correct += correct
        accumulator.seen += step.batch.count
        accumulator.batches += 1
        accumulator.seconds += seconds
        history.steps.append(.init(step: globalStep, epoch: step.epoch, loss: step.loss, lr: step.lr, beta1: step.beta1,
                                   accuracy: Double(correct) / Double(max(1, step.batch.count))))
        let every = timeline.every ?? AttentionTimeLapse.interval(batchesPerEpoch: loader.batchesPerEpoch)
        if done == 1 || globalStep % every == 0 || done == steps { recordAttentionFrame(epoch: step.epoch) }
        callbacks.batch?(BatchProgress(epoch: step.epoch, batch: step.batchIndex,
                                       batchesPerEpoch: loader.batchesPerEpoch,
                                       loss: step.loss, lr: step.lr, accuracy: accumulator.accuracy,
                                       seconds: accumulator.seconds))
    }

    /// Ends a run: the last attention frame, the partial epoch's record, the autosave after an interrupt.
    private func finishRun(done: Int, outcome: TrainingOutcome, loader: DataLoader,
                           callbacks: TrainingCallbacks) -> TrainingReport {
        if done > 0, timeline.frames.last?.step != globalStep { recordAttentionFrame(epoch: loader.epoch + 1) }
        if accumulator.batches > 0 {
            let partial = epochRecord(epoch: loader.epoch + 1, complete: false, batchesPerEpoch: loader.batchesPerEpoch)
            history.record(partial)
            callbacks.epochEnded?(partial, nil)
        }
        if outcome == .interrupted, done > 0 { callbacks.checkpoint?() }
        return TrainingReport(stepsDone: done, outcome: outcome)
    }

    /// Records epoch `epoch`, evaluating it when the plan says so; returns why training stops early, if it does.
    private func finishEpoch(_ epoch: Int, data: DataState, callbacks: TrainingCallbacks,
                             stopping: inout EarlyStopping) throws -> String? {
        let split = data.monitoredSplit
        let plan = callbacks.plan
        let evaluation = plan.evaluates(epoch: epoch)
            ? try? evaluate(split: split, subset: plan.evalSubset, shouldStop: { false },
                            progress: callbacks.evaluationProgress)
            : nil
        var record = epochRecord(epoch: epoch, complete: true, batchesPerEpoch: data.trainLoader.batchesPerEpoch)
        if let evaluation {
            record.testLoss = evaluation.loss
            record.testAccuracy = evaluation.accuracy
            record.testSplit = split
            // A subset's predictions do not cover the split: they are not the split's cached evaluation.
            if plan.evalSubset == nil { remember(evaluation) }
        }
        history.record(record)
        accumulator = EpochAccumulator()
        figures.append(String(format: "epoch %d: train loss %.4f, accuracy %.2f%%", epoch, record.trainLoss,
                              record.trainAccuracy))
        if let evaluation { figures.append(evaluation.line) }
        callbacks.epochEnded?(record, evaluation)
        if !stopping.warnedAtChance, let warning = chanceWarning(record, classes: data.classNames.count) {
            stopping.warnedAtChance = true
            callbacks.warning?(warning)
        }
        guard let evaluation else {
            callbacks.checkpoint?()
            return nil
        }
        if plan.keepBest, best.map({ evaluation.accuracy > $0.accuracy }) ?? true, let model {
            best = BestWeights(epoch: epoch, accuracy: evaluation.accuracy, split: split, state: model.stateDict())
        }
        callbacks.checkpoint?()
        return stopping.update(evaluation, epoch: epoch, plan: plan)
    }

    func epochRecord(epoch: Int, complete: Bool, batchesPerEpoch: Int) -> TrainingHistory.Epoch {
        TrainingHistory.Epoch(epoch: epoch, trainLoss: accumulator.meanLoss, trainAccuracy: accumulator.accuracy,
                              batches: accumulator.batches, batchesPerEpoch: batchesPerEpoch, lastStep: globalStep,
                              complete: complete, seconds: accumulator.seconds)
    }

    /// Steps before a loss at chance counts as "not learning": a one-cycle warm-up or a small LR
    /// keeps the loss near ln(classes) for the first dozens of steps of a run that then learns.
    static let chanceWarningMinimumSteps = 100

    /// A warning when a whole epoch's loss stayed at chance level, ln(classes), once at least
    /// ``chanceWarningMinimumSteps`` steps have been trained.
    func chanceWarning(_ record: TrainingHistory.Epoch, classes: Int) -> String? {
        let chance = log(Double(classes))
        // The epoch's mean and the mean of its last quarter of steps both at chance: a warm-up
        // epoch whose loss falls late does not count.
        let losses = history.steps.filter { $0.epoch == record.epoch }.map(\.loss)
        let tail = losses.suffix(max(1, losses.count / 4))
        let tailMean = tail.isEmpty ? record.trainLoss : tail.reduce(0, +) / Double(tail.count)
        guard record.complete, record.lastStep >= Self.chanceWarningMinimumSteps,
              abs(record.trainLoss - chance) < 0.02 * chance, abs(tailMean - chance) < 0.02 * chance,
              record.trainAccuracy < 100 * 1.5 / Double(classes) else { return nil }
        var causes = ["the LR is too high (the weights jumped to a flat region) or too low: run 'lrfind'"]
        if (model as? UltimusNet)?.isBatchMixing == true {
            causes.append("attention=batch mixes images across the batch: run 'check model'")
        }
        if let cycle = schedule as? OneCycleLR, cycle.finalDivFactor < 1 {
            causes.append("final_div_factor < 1 makes the LR end above its start")
        }
        if (model as? UltimusNet)?.variant == .spec {
            causes.append("the spec network has no activation between its convolutions: run 'check rank'")
        }
        return String(format: "epoch %d: the training loss stayed at %.3f ≈ ln %d (chance) and accuracy at %.1f%%: "
                              + "the model is not learning. Likely causes: ",
                      record.epoch, record.trainLoss, classes, record.trainAccuracy)
            + causes.joined(separator: "; ")
    }

    /// Per-parameter gradient norms (√Σg²) in parameter order; missing gradients count as 0.
    func gradientNorms(_ model: Module) -> [(name: String, norm: Double)] {
        model.namedParameters().map { entry in
            guard let g = entry.tensor.grad else { return (entry.name, 0) }
            var sum = 0.0
            for v in g.storage { sum += Double(v) * Double(v) }
            return (entry.name, sum.squareRoot())
        }
    }

    /// The guard message for a non-finite or exploding loss: the step, the LR, the parameter
    /// whose gradient was largest at the previous step, and the first non-finite weight or activation.
    func diagnoseLoss(_ loss: Double, lr: Double, epoch: Int, batchIndex: Int, batch: Batch) -> String {
        let shown = loss.isFinite
            ? (loss > 0 ? "exploding (" + Format.number(loss) + ")" : Format.number(loss)) : String(describing: loss)
        var parts = ["training stopped at step \(globalStep + 1) (epoch \(epoch), batch \(batchIndex)) "
                     + "at LR \(Format.lr(lr)): the loss is \(shown)"]
        if let worst = lastGradientNorms.max(by: { $0.norm < $1.norm }), worst.norm > 0 {
            parts.append("the largest gradient at the previous step was \(worst.name) (norm "
                         + "\(Format.number(worst.norm)))")
        }
        if let model {
            if let bad = model.namedParameters().first(where: { !$0.tensor.storage.allSatisfy(\.isFinite) }) {
                parts.append("weight \(bad.name) holds NaN or Inf")
            } else {
                let recording = model.recordActivations
                model.recordActivations = true
                _ = noGrad { model(batch.images) }
                if let first = model.activations.first(where: { !$0.tensor.storage.allSatisfy(\.isFinite) }) {
                    parts.append("the first non-finite activation is \(first.name)")
                }
                model.recordActivations = recording
            }
        }
        return parts.joined(separator: "; ") + "; the update was not applied. Lower the LR (try 'lrfind')"
    }

    /// State a failed step may have moved: loader position, running statistics, dropout generators.
    struct Volatile {
        var loader: LoaderState?
        var buffers: [(Buffer, [Float], Int64)]
        var dropout: [(Dropout, SeededGenerator)]
        /// The optimizer's LR and β1 before the schedule set them for the step.
        var lr: Double?, beta1: Double?
    }

    func captureVolatile() -> Volatile {
        let buffers = (model?.namedBuffers() ?? []).map { entry -> (Buffer, [Float], Int64) in
            switch entry.buffer {
            case .tensor(let t): return (entry.buffer, t.storage, 0)
            case .counter(let c): return (entry.buffer, [], c.value)
            }
        }
        let dropout = (model?.namedModules() ?? []).compactMap { ($0.module as? Dropout).map { ($0, $0.generator) } }
        return Volatile(loader: data?.trainLoader.state, buffers: buffers, dropout: dropout, lr: optimizer?.lr,
                        beta1: optimizer?.beta1)
    }

    func restoreVolatile(_ v: Volatile) {
        if let state = v.loader { try? data?.trainLoader.restore(state) }
        for (buffer, values, count) in v.buffers {
            switch buffer {
            case .tensor(let t): t.storage = values
            case .counter(let c): c.value = count
            }
        }
        for (layer, generator) in v.dropout { layer.generator = generator }
        if let lr = v.lr { optimizer?.lr = lr }
        if let beta1 = v.beta1 { optimizer?.beta1 = beta1 }
    }
}
