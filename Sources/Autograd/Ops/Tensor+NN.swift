/// Neural-network functions composed from primitives (no backward of their own).

/// `softmax(x)ᵢ = e^(xᵢ − m) / Σⱼ e^(xⱼ − m)` along `axis`, with `m` the detached maximum (for stability).
public func softmax(_ x: Tensor, axis: Int = -1) -> Tensor {
    let e = (x - x.max(axes: [axis], keepDims: true).detached()).exp()
    return e / e.sum(axes: [axis], keepDims: true)
}

/// `log softmax(x)ᵢ = xᵢ − m − log Σⱼ e^(xⱼ − m)` along `axis`, `m` the detached maximum.
public func logSoftmax(_ x: Tensor, axis: Int = -1) -> Tensor {
    let shifted = x - x.max(axes: [axis], keepDims: true).detached()
    return shifted - shifted.exp().sum(axes: [axis], keepDims: true).log()
}

/// Mean cross-entropy of `logits` `[N, C]` against class indices `labels` (`N` values in `0..<C`):
/// `−(1/N) Σₙ log softmax(logitsₙ)[labelsₙ]`, a 0-d tensor.
public func crossEntropy(_ logits: Tensor, labels: [Int]) -> Tensor {
    precondition(logits.rank == 2 && logits.shape[0] == labels.count,
                 "crossEntropy: logits \(logits.shape) must be [N, C] with N = \(labels.count) labels")
    let (n, c) = (logits.shape[0], logits.shape[1])
    var oneHot = [Float](repeating: 0, count: n * c)
    for (i, label) in labels.enumerated() {
        precondition(label >= 0 && label < c, "crossEntropy: label \(label) out of range 0..<\(c)")
        oneHot[i * c + label] = -1 / Float(n)
    }
    return (logSoftmax(logits, axis: 1) * Tensor(shape: [n, c], storage: oneHot)).sum()
}

/// Batch normalisation over `[N, C, H, W]` per channel:
/// `y = (x − μ) / √(σ² + eps) · weight + bias`, weight and bias `[C]` (optional).
///
/// Training: μ and σ² are the batch's mean and biased variance over `N, H, W`; the running
/// statistics are updated in place (not recorded) as `r ← (1 − momentum)·r + momentum·s`, with the
/// unbiased variance `σ²·n/(n−1)` for `runningVar`. Evaluation: the running statistics normalise.
public func batchNorm2d(_ x: Tensor, weight: Tensor?, bias: Tensor?, runningMean: Tensor, runningVar: Tensor,
                        training: Bool, momentum: Float = 0.1, eps: Float = 1e-5) -> Tensor {
    // One fused op (two passes over memory each way) instead of a dozen full-size primitives.
    batchNorm2dFused(x, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                     training: training, momentum: momentum, eps: eps)
}
