/// The fused ops a transformer block runs over its last axis: layer normalisation, GELU and softmax.
/// Each is one tape entry with its own backward (each has a gradient check).

/// How GELU is computed: `none` is the exact `x·Φ(x)` through erf (PyTorch's default), `tanh` its
/// tanh approximation. Raw values are PyTorch's `approximate` strings.
public enum GELUApproximation: String, Sendable, CaseIterable {
    case none, tanh
}

/// Layer normalisation over the last axis (`torch.nn.functional.layer_norm` with
/// `normalized_shape = [D]`): `y = (x − μ)/√(σ² + eps)·weight + bias`, μ and σ² (biased) per row of
/// `D`. Input `[..., D]`; weight and bias `[D]`, either optional. Default eps 1e-5 as PyTorch.
public func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) -> Tensor {
    precondition(x.rank >= 1, "layerNorm: input must have a last axis, got \(x.shape)")
    let n = x.shape[x.rank - 1], rows = x.count / Swift.max(n, 1)
    if let weight { precondition(weight.shape == [n], "layerNorm: weight \(weight.shape) should be [\(n)]") }
    if let bias { precondition(bias.shape == [n], "layerNorm: bias \(bias.shape) should be [\(n)]") }
    var mean = [Float](repeating: 0, count: rows), invStd = mean
    let w = weight?.storage, b = bias?.storage
    let y = x.withPointer { px in
        Tensor.filled(x.shape) { out in
            mean.withUnsafeMutableBufferPointer { m in invStd.withUnsafeMutableBufferPointer { s in
                w.withOptionalPointer { pw in b.withOptionalPointer { pb in
                    RowKernels.layerNorm(px, rows: rows, n: n, eps: eps, weight: pw, bias: pb, y: out,
                                         mean: m.baseAddress!, invStd: s.baseAddress!)
                } }
            } }
        }
    }
    let inputs = [x] + [weight, bias].compactMap { $0 }
    return Tape.record("layer_norm", inputs: inputs, output: y) { g in
        var dw = weight?.requiresGrad == true ? [Float](repeating: 0, count: n) : nil
        var db = bias?.requiresGrad == true ? [Float](repeating: 0, count: n) : nil
        var dx: Tensor?
        let run = { (out: UnsafeMutablePointer<Float>?) in
            g.withPointer { pg in x.withPointer { px in w.withOptionalPointer { pw in
                dw.withOptionalMutablePointer { pdw in db.withOptionalMutablePointer { pdb in
                    RowKernels.layerNormBackward(pg, px, rows: rows, n: n, weight: pw, mean: mean, invStd: invStd,
                                                 dx: out, dw: pdw, db: pdb)
                } }
            } } }
        }
        if x.requiresGrad { dx = Tensor.filled(x.shape) { run($0) } } else { run(nil) }
        var grads: [Tensor?] = [dx]
        if weight != nil { grads.append(dw.map { Tensor(shape: [n], storage: $0) }) }
        if bias != nil { grads.append(db.map { Tensor(shape: [n], storage: $0) }) }
        return grads
    }
}

/// GELU elementwise (`torch.nn.functional.gelu`): exact `x·Φ(x)` or the tanh approximation.
/// ∂x = g·GELU′(x).
public func gelu(_ x: Tensor, approximate: GELUApproximation = .none) -> Tensor {
    let tanh = approximate == .tanh
    let out = x.withPointer { px in
        Tensor.filled(x.shape) { GELUKernels.forward(px, count: x.count, tanh: tanh, y: $0) }
    }
    return Tape.record("gelu", inputs: [x], output: out) { g in
        [g.withPointer { pg in x.withPointer { px in
            Tensor.filled(x.shape) { GELUKernels.backward(pg, px, count: x.count, tanh: tanh, dx: $0) }
        } }]
    }
}

/// Multi-head self-attention for inference from packed projections `qkv` `[B, T, 3·D]` (q, k, v of `heads`
/// heads of D/heads features each): `[B, T, D]`, each head's `softmax(q·kᵀ/√d)·v` at its columns. Records
/// nothing on the tape: for evaluation under ``noGrad(_:)``. Bit-identical to the separate ops.
public func packedSelfAttention(_ qkv: Tensor, heads: Int) -> Tensor {
    precondition(qkv.rank == 3 && heads > 0 && qkv.shape[2] % (3 * heads) == 0,
                 "packedSelfAttention: \(qkv.shape) is not [B, T, 3·D] with D divisible by \(heads) heads")
    let (b, t, dim) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
    let d = dim / heads
    let scale = Float(1 / Double(d).squareRoot())
    return qkv.withPointer { p in
        Tensor.filled([b, t, dim]) {
            AttentionKernels.selfAttention(p, batch: b, tokens: t, heads: heads, headDim: d, scale: scale, out: $0)
        }
    }
}

/// Softmax over the last axis as one op: `yᵢ = e^(xᵢ − m)/Σⱼ e^(xⱼ − m)` with `m` the row maximum.
/// Same values as ``softmax(_:axis:)`` with `axis: -1`, in one pass each way. ∂x = y·(g − Σ g·y).
public func softmaxLastAxis(_ x: Tensor) -> Tensor {
    precondition(x.rank >= 1, "softmaxLastAxis: input must have a last axis, got \(x.shape)")
    let n = x.shape[x.rank - 1], rows = x.count / Swift.max(n, 1)
    let y = x.withPointer { px in Tensor.filled(x.shape) { RowKernels.softmax(px, rows: rows, n: n, y: $0) } }
    let saved = y.storage, shape = x.shape
    return Tape.record("softmax", inputs: [x], output: y) { g in
        [g.withPointer { pg in saved.withUnsafeBufferPointer { py in
            Tensor.filled(shape) { RowKernels.softmaxBackward(pg, py.baseAddress!, rows: rows, n: n, dx: $0) }
        } }]
    }
}

extension Optional where Wrapped == [Float] {
    /// Runs `body` with a pointer to the elements, or `nil` when there is no array.
    func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let array = self else { return body(nil) }
        return array.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    /// Runs `body` with a mutable pointer to the elements, or `nil` when there is no array.
    mutating func withOptionalMutablePointer<R>(_ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
        guard self != nil else { return body(nil) }
        return self!.withUnsafeMutableBufferPointer { body($0.baseAddress) }
    }
}
