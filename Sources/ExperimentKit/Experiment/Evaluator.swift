import Datasets
import Foundation
import Layers

extension Experiment {
    /// Runs the model in evaluation mode over a split without gradients: mean cross-entropy over
    /// all images (Σ loss·batch / count, the true mean) and accuracy. Changes no state; the model's
    /// mode is restored afterwards.
    /// - Parameters:
    ///   - shouldStop: polled before each batch; `true` throws ``Interrupted``.
    ///   - progress: (batches done, batches in all), from (0, n) before the first batch.
    /// - Throws: ``ExperimentError`` for a missing split or model; ``Interrupted`` on Ctrl-C.
    ///   - subset: evaluate a stratified seeded sample of this many images (``DataState/evaluationSubset(_:size:)``).
    public func evaluate(split: DataSplit, subset: Int? = nil, shouldStop: () -> Bool = { false },
                         progress: ((Int, Int) -> Void)? = nil) throws -> EvaluationResult {
        guard let data else { throw ExperimentError("no data loaded yet; run 'data ...' first") }
        let model = try requireModel()
        guard let loader = data.evaluationLoader(split, subset: subset) else {
            throw ExperimentError("the data has no \(split.rawValue) split; hold one out with 'data ... valid=N'")
        }
        let classes = data.classNames.count
        let wasTraining = model.isTraining
        model.eval()
        defer { model.train(wasTraining) }
        var lossSum = 0.0, correct = 0, count = 0, done = 0
        var predictions: [Int] = []
        predictions.reserveCapacity(loader.set.count)
        // Told before the first batch too, so a progress line's clock includes that batch.
        progress?(0, loader.batchesPerEpoch)
        while let batch = loader.next() {
            if shouldStop() { throw Interrupted("eval") }
            let logits = noGrad { model(batch.images) }
            guard logits.rank == 2, logits.shape[1] >= classes else {
                throw ExperimentError("the model's output \(logits.shape) is not [batch, \(classes)] class scores")
            }
            let loss = noGrad { crossEntropy(logits, labels: batch.labels) }
            lossSum += Double(loss.item) * Double(batch.count)
            let predicted = logits.argmax(axis: 1)
            predictions += predicted
            correct += zip(predicted, batch.labels).filter { $0 == $1 }.count
            count += batch.count
            done += 1
            progress?(done, loader.batchesPerEpoch)
        }
        return EvaluationResult(split: split, loss: count > 0 ? lossSum / Double(count) : .nan, correct: correct,
                                count: count, predictions: predictions)
    }
}

extension Experiment {
    /// What an evaluation depends on: the weights and buffers, the interventions and the data.
    var evaluationKey: String {
        let interventions = (model?.namedModules() ?? []).compactMap { _, module -> String? in
            if let block = module as? Ultimus { return block.intervention.map { "\($0)" } ?? "-" }
            guard let attention = module as? MultiheadAttention else { return nil }
            return attention.headInterventions.map { $0?.rawValue ?? "-" }.joined(separator: "/")
        }
        return [weightDigest, interventions.joined(separator: ","),
                dataSettings.map { "\($0)" } ?? "none"].joined(separator: "|")
    }

    /// Keeps `result` as the split's evaluation of the current weights.
    public func remember(_ result: EvaluationResult) {
        evaluations[result.split] = result
        evaluationKeys[result.split] = evaluationKey
    }

    /// The split's last evaluation when nothing it depends on has changed since (weights,
    /// interventions, data), else `nil`.
    public func cachedEvaluation(split: DataSplit) -> EvaluationResult? {
        guard let result = evaluations[split], let key = evaluationKeys[split], key == evaluationKey else { return nil }
        return result
    }
}
