/// A torchinfo-style summary of a model for one input shape: the rows in execution order and the
/// totals, in numbers (for tables and reports) and as text (``render()``).
public struct ModelSummary: Equatable, Sendable {
    public var modelName: String
    public var inputShape: [Int]
    public var rows: [SummaryRow]
    /// Attention work per Ultimus call, which torchinfo leaves out.
    public var attention: [AttentionCost]

    /// All parameters, counted once.
    public var totalParameters: Int {
        rows.filter { !$0.isRecursive }.reduce(0) { $0 + ($1.isLeaf ? $1.parameterCount : $1.ownParameterCount) }
    }
    public var trainableParameters: Int {
        rows.filter { !$0.isRecursive }.reduce(0) { total, row in
            total + (row.isLeaf ? row.trainableParameterCount : (row.ownParameterCount > 0 ? row.ownParameterCount : 0))
        }
    }
    /// torchinfo's total: the leaves' mult-adds.
    public var totalMultAdds: Int { rows.filter(\.isLeaf).reduce(0) { $0 + $1.multAdds } }
    /// The attention products (q·kᵀ and v·AM) of every Ultimus call.
    public var attentionMultAdds: Int { attention.reduce(0) { $0 + $1.scoreMultAdds + $1.valueMultAdds } }
    public var softmaxExps: Int { attention.reduce(0) { $0 + $1.softmaxExps } }
    /// Input bytes (float32).
    public var inputBytes: Int { inputShape.reduce(1, *) * 4 }
    /// torchinfo's forward/backward estimate: 2 × the output bytes of leaves that have parameters.
    public var forwardBackwardBytes: Int {
        rows.filter { $0.isLeaf && $0.parameterCount > 0 }.reduce(0) { $0 + 2 * 4 * $1.outputShape.reduce(1, *) }
    }
    /// Parameter bytes of the leaves (float32), as torchinfo counts them.
    public var parameterBytes: Int {
        rows.filter { $0.isLeaf && !$0.isRecursive }.reduce(0) { $0 + 4 * $1.parameterCount }
    }
    public var totalBytes: Int { inputBytes + forwardBackwardBytes + parameterBytes }
}

/// Builds model summaries.
public enum Summary {
    /// Traces one forward pass of `model` (at batch 1, in evaluation mode, without gradients, with
    /// every mode, running statistic, attention map and recording restored afterwards) and reports
    /// shapes at the batch of `inputShape`.
    /// - Throws: ``ShapeError`` when `inputShape` does not fit the model.
    public static func make(model: Module, inputShape: [Int]) throws -> ModelSummary {
        guard let batch = inputShape.first, batch > 0, inputShape.allSatisfy({ $0 > 0 }) else {
            throw ShapeError("summary needs a positive input shape [N, ...], got \(inputShape)")
        }
        try model.validateInput(shape: inputShape)
        let modules = model.namedModules().map(\.module)
        let modes = modules.map(\.isTraining)
        let attention = modules.map { ($0 as? Ultimus)?.lastAttention }
        let recorded = model.recorder?.entries
        let tracer = SummaryTracer(model: model, batch: batch)
        model.eval()
        SummaryTracer.$active.withValue(tracer) {
            _ = noGrad { model(Tensor.zeros([1] + inputShape.dropFirst())) }
        }
        for (module, mode) in zip(modules, modes) { module.setTrainingFlag(mode) }
        for (module, map) in zip(modules, attention) { (module as? Ultimus)?.restoreAttention(map) }
        if let recorded { model.recorder?.entries = recorded }
        return ModelSummary(modelName: model.typeName, inputShape: inputShape, rows: tracer.rows,
                            attention: tracer.attention)
    }

    /// The summary as torchinfo prints it (every column unless `maxWidth` is smaller), plus the
    /// attention footer.
    /// - Throws: ``ShapeError`` when `inputShape` does not fit the model.
    public static func render(model: Module, inputShape: [Int], depth: Int = 3, maxWidth: Int? = nil) throws -> String {
        try make(model: model, inputShape: inputShape).render(depth: depth, maxWidth: maxWidth)
    }
}
