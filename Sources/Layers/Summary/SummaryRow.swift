/// One module call in a model summary, in execution order (torchinfo's `LayerInfo`).
public struct SummaryRow: Equatable, Sendable {
    /// Dotted name (`ultimus1.fc_k`); empty for the model itself.
    public var name: String
    /// The name its parent gives it (torchinfo's `var_name`): `fc_k`, or `blocks.0` for a layer list's child.
    public var variableName: String
    /// The class name (`Linear`).
    public var typeName: String
    /// 0 for the model, 1 for its children, ...
    public var depth: Int
    /// Position among the rows of the same depth, from 1 (torchinfo's `depth-idx`).
    public var depthIndex: Int
    /// Whether the module has no children.
    public var isLeaf: Bool
    /// A repeated call of a module already shown (its parameters are counted once).
    public var isRecursive: Bool
    /// `[k, k]` for convolutions, `nil` otherwise.
    public var kernelShape: [Int]?
    public var inputShape: [Int]
    public var outputShape: [Int]
    /// Parameters in this module and its descendants.
    public var parameterCount: Int
    /// Parameters held by this module itself (not by its children).
    public var ownParameterCount: Int
    /// Of ``parameterCount``, those that require gradients.
    public var trainableParameterCount: Int
    /// Multiply-accumulates by torchinfo's rule (leaves with a weight or bias only), else 0.
    public var multAdds: Int

    /// "True", "False", "Partial", or "--" without parameters, as torchinfo prints it.
    public var trainable: String {
        if parameterCount == 0 { return "--" }
        if trainableParameterCount == parameterCount { return "True" }
        return trainableParameterCount == 0 ? "False" : "Partial"
    }
}

/// Attention work in one Ultimus call that torchinfo does not count (it counts only weights).
public struct AttentionCost: Equatable, Sendable {
    /// The block's dotted name.
    public var name: String
    /// Multiply-accumulates forming the scores: q·kᵀ (B·h·h per sample map, B·B·h across the batch).
    public var scoreMultAdds: Int
    /// Multiply-accumulates of Z = v·AM (same counts).
    public var valueMultAdds: Int
    /// Exponentials in the softmax (one per map entry).
    public var softmaxExps: Int
    /// Whether the map mixes images across the batch.
    public var isBatchMixing: Bool
    /// MultiheadAttention's in_proj (q, k, v from x), which torchinfo counts as 0.
    public var projectionMultAdds = 0
}
