import Foundation
import Layers

/// What one `train` command asks beyond its length: how often and on how many images to evaluate,
/// and when to stop early.
public struct TrainingPlan: Sendable, Equatable {
    /// Evaluate after every `evalEvery`-th epoch (and always after the command's last).
    public var evalEvery = 1
    /// Evaluate a stratified seeded sample of this many images instead of the whole split.
    public var evalSubset: Int?
    /// The last epoch this command trains; `nil` when it trains a number of steps.
    public var lastEpoch: Int?
    /// Stop once the monitored accuracy (validation, else test) reaches this percentage.
    public var targetAccuracy: Double?
    /// Stop after this many evaluated epochs without a better accuracy.
    public var patience: Int?
    /// Keep the weights of the best evaluated epoch (``Experiment/best``).
    public var keepBest = false

    public init() {}

    /// Whether epoch `epoch` ends with an evaluation.
    public func evaluates(epoch: Int) -> Bool { epoch % max(1, evalEvery) == 0 || epoch == lastEpoch }
}

/// The weights of the best evaluated epoch (`train ... best=true`), for `restore best`.
public struct BestWeights {
    public var epoch: Int
    public var accuracy: Double
    public var split: DataSplit
    public var state: StateDict
}

/// The running tally of early stopping within one `train` command.
struct EarlyStopping {
    var best: Double?
    var sinceBest = 0
    /// The "not learning" warning was printed in this run (it is printed once per run).
    var warnedAtChance = false

    /// Takes epoch `epoch`'s evaluation; returns why training stops, if it does.
    mutating func update(_ evaluation: EvaluationResult, epoch: Int, plan: TrainingPlan) -> String? {
        let accuracy = evaluation.accuracy
        let name = evaluation.split.noun
        if let target = plan.targetAccuracy, accuracy >= target {
            return String(format: "target reached: %@ accuracy %.2f%% ≥ %.2f%% after epoch %d", name, accuracy,
                          target, epoch)
        }
        if best.map({ accuracy > $0 }) ?? true {
            best = accuracy
            sinceBest = 0
        } else {
            sinceBest += 1
        }
        if let patience = plan.patience, sinceBest >= patience {
            return String(format: "stopped early: no better %@ accuracy for %d epochs (best %.2f%%) after epoch %d",
                          name, sinceBest, best ?? 0, epoch)
        }
        return nil
    }
}
