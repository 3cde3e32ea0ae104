/// Fused ops: one tape entry and one or two passes over memory where the composite form takes many.

/// Batch normalisation over `[N, C, H, W]` per channel as a single op, optionally with the ReLU
/// that follows it: `y = (x − μ) / √(σ² + eps) · weight + bias`, then `max(y, 0)` when `relu`.
/// Same semantics and defaults as ``batchNorm2d(_:weight:bias:runningMean:runningVar:training:momentum:eps:)``:
/// training normalises with the batch mean and biased variance over `N, H, W` and updates the running
/// statistics in place as `r ← (1 − momentum)·r + momentum·s` (unbiased variance for `runningVar`);
/// evaluation normalises with the running statistics. Weight and bias `[C]` are optional.
/// Backward (`BatchNormKernels.backward`) saves only the input and the per-channel statistics (the ReLU
/// mask is recomputed from the input).
public func batchNorm2dFused(_ x: Tensor, weight: Tensor?, bias: Tensor?, runningMean: Tensor, runningVar: Tensor,
                             training: Bool, momentum: Float = 0.1, eps: Float = 1e-5, relu: Bool = false) -> Tensor {
    precondition(x.rank == 4, "batchNorm2d: input \(x.shape) must be [N, C, H, W]")
    let (n, c) = (x.shape[0], x.shape[1])
    let plane = x.shape[2] * x.shape[3]
    precondition(runningMean.count == c && runningVar.count == c,
                 "batchNorm2d: running statistics must have \(c) elements")
    if let weight { precondition(weight.count == c, "batchNorm2d: weight \(weight.shape) should be [\(c)]") }
    if let bias { precondition(bias.count == c, "batchNorm2d: bias \(bias.shape) should be [\(c)]") }
    var mean = [Float](repeating: 0, count: c), variance = mean
    if training {
        precondition(n * plane > 1, "batchNorm2d: training needs more than one value per channel, input is \(x.shape)")
        BatchNormKernels.statistics(x.storage, batch: n, channels: c, plane: plane, mean: &mean, variance: &variance)
        let unbiased = Float(n * plane) / Float(n * plane - 1)
        for i in 0..<c {
            runningMean.storage[i] = (1 - momentum) * runningMean.storage[i] + momentum * mean[i]
            runningVar.storage[i] = (1 - momentum) * runningVar.storage[i] + momentum * variance[i] * unbiased
        }
    } else {
        mean = runningMean.storage
        variance = runningVar.storage
    }
    let invStd = variance.map { 1 / ($0 + eps).squareRoot() }
    let gamma = weight?.storage ?? [Float](repeating: 1, count: c)
    let scale = (0..<c).map { gamma[$0] * invStd[$0] }
    let shift = (0..<c).map { (bias?.storage[$0] ?? 0) - mean[$0] * scale[$0] }
    let y = x.withPointer { px in
        Tensor.filled(x.shape) {
            BatchNormKernels.scaleShift(px, batch: n, channels: c, plane: plane, scale: scale, shift: shift,
                                        relu: relu, output: $0)
        }
    }
    var inputs = [x]
    if let weight { inputs.append(weight) }
    if let bias { inputs.append(bias) }
    return Tape.record(relu ? "batch_norm2d_relu" : "batch_norm2d", inputs: inputs, output: y) { gy in
        let needX = x.requiresGrad, needW = weight?.requiresGrad ?? false, needB = bias?.requiresGrad ?? false
        var dgamma = [Float](repeating: 0, count: c), dbeta = dgamma
        func run(_ dx: UnsafeMutablePointer<Float>?) {
            gy.withPointer { dy in
                x.withPointer { px in
                    shift.withUnsafeBufferPointer { b in
                        BatchNormKernels.backward(gradOutput: dy, input: px, reluShift: relu ? b.baseAddress : nil,
                                                  batch: n, channels: c, plane: plane, batchStatistics: training,
                                                  mean: mean, invStd: invStd, weight: weight?.storage,
                                                  gradInput: dx, gradWeight: &dgamma, gradBias: &dbeta)
                    }
                }
            }
        }
        var dx: Tensor?
        if needX { dx = Tensor.filled(x.shape) { run($0) } } else { run(nil) }
        var grads: [Tensor?] = [dx]
        if weight != nil { grads.append(needW ? Tensor(shape: [c], storage: dgamma) : nil) }
        if bias != nil { grads.append(needB ? Tensor(shape: [c], storage: dbeta) : nil) }
        return grads
    }
}
