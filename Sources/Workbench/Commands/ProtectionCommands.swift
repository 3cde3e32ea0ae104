import Foundation
import Layers

extension Command {
    static let restore = Command(
        CommandSpec(
            "restore", area: "Training", "bring back the best weights kept by 'train ... best=true'",
            details: """
                restore best loads the weights of the epoch with the best validation (else test) accuracy kept during \
                'train ... best=true'. The optimizer state, schedule position and histories stay as they are.
                """,
            examples: ["restore best"],
            subcommands: [SubcommandSpec("best", "the best epoch's weights")],
            effect: .changesExperiment),
        subcommands: [
            "best": ProtectionCommands.restoreBest,
        ])

    static let rollback = Command(
        CommandSpec(
            "rollback", area: "Training", "return to the last good state after a guard stop",
            details: """
                After training stopped at a NaN or exploding loss, returns the whole branch (weights, optimizer, \
                schedule, generators, loader, histories, command log) to the state at the last finished epoch or at \
                the start of that 'train', names the LR that caused the stop and suggests one from the LR finder.
                """,
            examples: ["rollback"],
            effect: .changesExperiment),
        run: ProtectionCommands.rollback)
}

/// Training that protects itself: best weights and the way back after a guard stop.
enum ProtectionCommands {
    static func restoreBest(_ inv: Invocation, _ ctx: ShellContext) throws {
        let x = ctx.session.experiment
        let model = try x.requireModel()
        guard let best = x.best else {
            throw inv.error("no best weights kept on this branch", suggestion: "train with 'train epochs=10 best=true'")
        }
        do { _ = try model.load(stateDict: best.state) } catch let error as StateDictError {
            throw inv.error("the kept weights no longer fit the model: \(error.description)")
        }
        x.figures = [x.weightDigest]
        ctx.recordDigest()
        ctx.console.write(String(format: "restored the weights of epoch %d (%@ accuracy %.2f%%); "
                                         + "optimizer and schedule unchanged",
                                 best.epoch, best.split.noun, best.accuracy))
    }

    /// Keeps the branch's state in memory as the last good one (a failed snapshot keeps the older one).
    static func keepLastGood(_ ctx: ShellContext, label: String) {
        guard let bytes = try? SessionFile.encode(ctx.session.branchCheckpoint,
                                                  startSeed: SessionsCommands.startSeed(ctx)) else {
            return
        }
        ctx.session.lastGood = (bytes, label)
    }

    /// Puts the branch back to kept state bytes (other branches stay as they are).
    static func restore(_ bytes: [UInt8], _ ctx: ShellContext) throws {
        let loaded = try SessionFile.decode(bytes, name: "the kept state")
        let branches = ctx.session.branches
        SessionFile.install(loaded, into: ctx.session)
        ctx.session.branches = branches
    }

    /// The LR the next (failed) step used: the schedule's at the current step, else the optimizer's.
    static func nextLR(_ x: Experiment) -> Double {
        if let schedule = x.schedule, let lr = try? schedule.lr(atStep: x.scheduleStep) { return lr }
        return x.optimizer?.lr ?? .nan
    }

    static func rollback(_ inv: Invocation, _ ctx: ShellContext) throws {
        guard let stop = ctx.session.guardStop else {
            throw inv.error("training has not stopped at a NaN or exploding loss",
                            suggestion: "rollback follows a guard stop of 'train'")
        }
        guard let good = ctx.session.lastGood else { throw inv.error("no good state was kept") }
        do { try restore(good.bytes, ctx) } catch let error as ExperimentError { throw inv.error(error.message) }
        ctx.session.guardStop = nil
        let x = ctx.session.experiment
        ctx.console.write("rolled back to \(good.label): \(SessionsCommands.summary(x))")
        ctx.console.write("LR \(Format.lr(stop.lr)) at step \(stop.step) made the loss blow up. "
                          + suggestion(x, failed: stop.lr))
    }

    /// A learning rate to try instead, from the LR finder when it ran.
    static func suggestion(_ x: Experiment, failed: Double) -> String {
        if let found = x.lrFinder, let lr = found.valley ?? found.steepest ?? found.minimum {
            let safe = min(lr, failed / 10)
            return "The LR finder suggests \(Format.lr(lr)); try 'optim ... lr=\(Format.lr(safe))' (or sched "
                   + "max_lr=\(Format.lr(safe)))"
        }
        return "Run 'lrfind' for a suggestion; meanwhile try LR \(Format.lr(failed / 10)) (a tenth)"
    }
}
