/// Batch normalisation over channels, `torch.nn.BatchNorm2d(numFeatures, eps, momentum)`.
///
/// Input and output `[N, C, H, W]`. Training: normalise with the batch's statistics over `N, H, W`
/// and update `running_mean`/`running_var` as `r ← (1−momentum)·r + momentum·s` (unbiased variance),
/// counting `num_batches_tracked`. Evaluation: normalise with the running statistics.
/// Defaults: eps 1e-5, momentum 0.1; weight 1, bias 0, running mean 0, running variance 1.
public final class BatchNorm2d: Module {
    public let numFeatures: Int
    public var eps: Float
    public var momentum: Float
    public let weight: Tensor
    public let bias: Tensor
    public let runningMean: Tensor
    public let runningVar: Tensor
    public let numBatchesTracked = Counter()

    public init(_ numFeatures: Int, eps: Float = 1e-5, momentum: Float = 0.1) {
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        weight = Tensor.ones([numFeatures], requiresGrad: true)
        bias = Tensor.zeros([numFeatures], requiresGrad: true)
        runningMean = Tensor.zeros([numFeatures])
        runningVar = Tensor.ones([numFeatures])
    }

    public override var localParameters: [(String, Tensor)] { [("weight", weight), ("bias", bias)] }
    public override var localBuffers: [(String, Buffer)] {
        [("running_mean", .tensor(runningMean)), ("running_var", .tensor(runningVar)),
         ("num_batches_tracked", .counter(numBatchesTracked))]
    }

    public override func validateInput(shape: [Int]) throws {
        guard shape.count == 4, shape[1] == numFeatures else {
            throw ShapeError("BatchNorm2d expects input [N, \(numFeatures), H, W], got \(shape)")
        }
    }

    public override func forward(_ x: Tensor) -> Tensor { normalized(x, relu: false) }

    /// `max(0, forward(x))` as one fused op (one tape entry; two passes over memory each way), with
    /// the same statistics and buffer updates as ``forward(_:)``. Not recorded as this module's output.
    public func normalizedReLU(_ x: Tensor) -> Tensor { normalized(x, relu: true) }

    private func normalized(_ x: Tensor, relu: Bool) -> Tensor {
        if isTraining { numBatchesTracked.value += 1 }
        return batchNorm2dFused(x, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                                training: isTraining, momentum: momentum, eps: eps, relu: relu)
    }

    /// Evaluation-mode normalisation as a per-channel affine map `y = x·scale + shift`:
    /// `scale = γ / √(running_var + eps)`, `shift = β − running_mean · scale`, each `[C]`.
    public func evaluationAffine() -> (scale: [Float], shift: [Float]) {
        let scale = (0..<numFeatures).map { weight.storage[$0] / (runningVar.storage[$0] + eps).squareRoot() }
        let shift = (0..<numFeatures).map { bias.storage[$0] - runningMean.storage[$0] * scale[$0] }
        return (scale, shift)
    }
}
