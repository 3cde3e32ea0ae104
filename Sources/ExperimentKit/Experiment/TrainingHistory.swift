/// Everything measured while training: per step and per epoch. Saved with the session; read by
/// `history`, the plots and the report.
public struct TrainingHistory: Codable, Equatable, Sendable {
    /// One optimizer step.
    public struct Step: Codable, Equatable, Sendable {
        /// Global step number, from 1.
        public var step: Int
        /// Epoch number, from 1.
        public var epoch: Int
        /// The batch's mean cross-entropy.
        public var loss: Double
        /// The learning rate the update used.
        public var lr: Double
        /// The momentum (SGD) or β1 (Adam) the update used.
        public var beta1: Double
        /// Share of the batch classified correctly, 0...1.
        public var accuracy: Double
    }

    /// One epoch (or the part of one that ran, when `complete` is false).
    public struct Epoch: Codable, Equatable, Sendable {
        /// Epoch number, from 1.
        public var epoch: Int
        /// Mean training loss over the batches run.
        public var trainLoss: Double
        /// Training accuracy over the batches run, in percent.
        public var trainAccuracy: Double
        /// Batches run in this epoch, of `batchesPerEpoch`.
        public var batches: Int
        public var batchesPerEpoch: Int
        /// Loss and accuracy (percent) on the monitored split (test, or valid when held out) at its end.
        public var testLoss: Double?
        public var testAccuracy: Double?
        /// The monitored split: test or valid.
        public var testSplit: DataSplit?
        /// Last global step of the epoch.
        public var lastStep: Int
        /// Whether every batch of the epoch ran.
        public var complete: Bool
        /// Seconds of training (excluding evaluation).
        public var seconds: Double
    }

    public var steps: [Step] = []
    public var epochs: [Epoch] = []

    public init() {}

    /// Adds an epoch record, replacing an earlier partial record of the same epoch.
    mutating func record(_ epoch: Epoch) {
        if let i = epochs.lastIndex(where: { $0.epoch == epoch.epoch }) {
            epochs[i] = epoch
        } else {
            epochs.append(epoch)
        }
    }

    /// Complete epochs only.
    public var completeEpochs: [Epoch] { epochs.filter(\.complete) }
}

/// Running sums of the epoch in progress: kept across `train steps=` commands and saves, so an
/// epoch split over several commands is reported as one.
public struct EpochAccumulator: Codable, Equatable, Sendable {
    public var lossSum = 0.0
    public var correct = 0
    public var seen = 0
    public var batches = 0
    public var seconds = 0.0

    public var meanLoss: Double { batches == 0 ? .nan : lossSum / Double(batches) }
    public var accuracy: Double { seen == 0 ? 0 : 100 * Double(correct) / Double(seen) }
}

/// The outcome of evaluating a split.
public struct EvaluationResult: Codable, Equatable, Sendable {
    public var split: DataSplit
    public var loss: Double
    public var correct: Int
    public var count: Int
    /// Predicted class per image, in split order.
    public var predictions: [Int]

    public var accuracy: Double { count == 0 ? 0 : 100 * Double(correct) / Double(count) }

    /// `Test set: Average loss: 1.2345, Accuracy: 5678/10000 (56.78%)`.
    public var line: String {
        return "\(split.title) set: Average loss: \(String(format: "%.4f", loss)), Accuracy: "
               + "\(correct)/\(count) (\(String(format: "%.2f", accuracy))%)"
    }
}
