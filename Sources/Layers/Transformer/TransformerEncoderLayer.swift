/// The pre-norm transformer block, equal to `torch.nn.TransformerEncoderLayer(dModel, nhead,
/// dimFeedforward, dropout=0, activation="gelu", batch_first=True, norm_first=True)`:
///
///     x = x + self_attn(norm1(x))
///     x = x + linear2(gelu(linear1(norm2(x))))
///
/// Tokens `[B, T, D]` in and out. Keys `self_attn.*`, `linear1.*`, `linear2.*`, `norm1.*`, `norm2.*`,
/// in PyTorch's order; weights drawn in that order.
public final class TransformerEncoderLayer: Module {
    public let selfAttn: MultiheadAttention
    public let linear1: Linear
    public let linear2: Linear
    public let norm1: LayerNorm
    public let norm2: LayerNorm
    public let activation: GELUApproximation

    /// - Throws: ``ShapeError`` when `dModel` is not divisible by `nhead`.
    public init(dModel: Int, nhead: Int, dimFeedforward: Int, layerNormEps: Float = 1e-5,
                activation: GELUApproximation = .none, generator: inout SeededGenerator) throws {
        selfAttn = try MultiheadAttention(embedDim: dModel, numHeads: nhead, generator: &generator)
        linear1 = Linear(inputFeatures: dModel, outputFeatures: dimFeedforward, generator: &generator)
        linear2 = Linear(inputFeatures: dimFeedforward, outputFeatures: dModel, generator: &generator)
        norm1 = LayerNorm(dModel, eps: layerNormEps)
        norm2 = LayerNorm(dModel, eps: layerNormEps)
        self.activation = activation
    }

    public override var children: [(String, Module)] {
        [("self_attn", selfAttn), ("linear1", linear1), ("linear2", linear2), ("norm1", norm1), ("norm2", norm2)]
    }

    public override func validateInput(shape: [Int]) throws { try selfAttn.validateInput(shape: shape) }

    public override func forward(_ x: Tensor) -> Tensor {
        let h = x + selfAttn(norm1(x))
        return h + linear2(gelu(linear1(norm2(h)), approximate: activation))
    }

    /// The block's output and its attention maps `[B, H, T, T]` (from `norm1(x)`).
    public func attend(_ x: Tensor) -> (output: Tensor, attention: Tensor) {
        let keeps = selfAttn.keepsAttention
        selfAttn.keepsAttention = true
        defer { selfAttn.keepsAttention = keeps }
        let y = forward(x)
        return (y, selfAttn.lastAttention!)
    }
}
