/// Matrix products. `[M,K]×[K,N] → [M,N]`; batched `[..., M,K]×[..., K,N] → [..., M,N]` (same leading axes);
/// `[..., M, K]×[K, N]` shares the right matrix across all leading axes.
/// ∂A = g·Bᵀ, ∂B = Aᵀ·g (summed over the batch when B is shared).
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    switch (a.rank, b.rank) {
    case (2..., 2):
        let k = a.shape[a.rank - 1], n = b.shape[1]
        precondition(b.shape[0] == k, "matmul: \(a.shape) × \(b.shape): inner sizes \(k) and \(b.shape[0]) differ")
        let m = a.count / Swift.max(k, 1)
        let outShape = Array(a.shape.dropLast()) + [n]
        let out = product(a, b, batch: 1, m: m, n: n, k: k, transA: false, transB: false, shape: outShape)
        return Tape.record("matmul", inputs: [a, b], output: out) { g in
            [a.requiresGrad
                ? product(g, b, batch: 1, m: m, n: k, k: n, transA: false, transB: true, shape: a.shape) : nil,
             b.requiresGrad
                ? product(a, g, batch: 1, m: k, n: n, k: m, transA: true, transB: false, shape: b.shape) : nil]
        }
    case let (r, s) where r >= 3 && r == s:
        return batchedMatmul(a, b)
    default:
        preconditionFailure("matmul: supports [M,K]×[K,N], [...,M,K]×[...,K,N] and [...,M,K]×[K,N], "
                            + "got \(a.shape) × \(b.shape)")
    }
}

/// Batched products over equal leading axes: `[..., M, K]×[..., K, N] → [..., M, N]`, or with
/// `transposeB` the right operand stored `[..., N, K]` (`A·Bᵀ`, as `q·kᵀ` in attention, without a copy).
/// ∂A = g·op(B)ᵀ; ∂B = Aᵀ·g, or gᵀ·A when transposed.
public func batchedMatmul(_ a: Tensor, _ b: Tensor, transposeB: Bool = false) -> Tensor {
    let r = a.rank
    precondition(r >= 3 && b.rank == r && a.shape.dropLast(2) == b.shape.dropLast(2),
                 "matmul: \(a.shape) × \(b.shape): batched operands need the same leading axes")
    let (m, k) = (a.shape[r - 2], a.shape[r - 1])
    let n = transposeB ? b.shape[r - 2] : b.shape[r - 1]
    let inner = transposeB ? b.shape[r - 1] : b.shape[r - 2]
    precondition(inner == k,
                 "matmul: \(a.shape) × \(b.shape)\(transposeB ? "ᵀ" : ""): inner sizes \(k) and \(inner) differ")
    let batch = a.shape.dropLast(2).reduce(1, *)
    let outShape = Array(a.shape.dropLast(2)) + [m, n]
    let out = product(a, b, batch: batch, m: m, n: n, k: k, transA: false, transB: transposeB, shape: outShape)
    return Tape.record("bmm", inputs: [a, b], output: out) { g in
        let ga = a.requiresGrad
            ? product(g, b, batch: batch, m: m, n: k, k: n, transA: false, transB: !transposeB, shape: a.shape) : nil
        let gb: Tensor? = !b.requiresGrad ? nil : transposeB
            ? product(g, a, batch: batch, m: n, n: k, k: m, transA: true, transB: false, shape: b.shape)
            : product(a, g, batch: batch, m: k, n: n, k: m, transA: true, transB: false, shape: b.shape)
        return [ga, gb]
    }
}

/// `batch` products `op(x)·op(y)` of result size `[m, n]` with inner size `k`; `transX` means `x` is stored
/// transposed (`[k, m]` per batch), `transY` that `y` is stored `[n, k]`.
func product(_ x: Tensor, _ y: Tensor, batch: Int, m: Int, n: Int, k: Int,
             transA: Bool, transB: Bool, shape: [Int]) -> Tensor {
    x.withPointer { px in y.withPointer { py in
        Tensor.filled(shape) { c in
            MatMulKernels.gemmBatch(batch: batch, transA: transA, transB: transB, m: m, n: n, k: k,
                                    a: px, lda: transA ? m : k, strideA: m * k,
                                    b: py, ldb: transB ? k : n, strideB: k * n,
                                    c: c, ldc: n, strideC: m * n)
            if m * n > 0 && k == 0 { c.update(repeating: 0, count: batch * m * n) }
        }
    } }
}

/// `y = x·Wᵀ + b` with `W` `[out, in]` (PyTorch layout), `x` `[..., in]`, `b` `[out]`, `y` `[..., out]`.
/// ∂x = g·W, ∂W = gᵀ·x, ∂b = Σ g over rows.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    precondition(weight.rank == 2 && x.rank >= 1 && x.shape.last == weight.shape[1],
                 "linear: input \(x.shape) does not match weight \(weight.shape) ([out, in])")
    let (outF, inF) = (weight.shape[0], weight.shape[1])
    if let bias { precondition(bias.shape == [outF], "linear: bias \(bias.shape) should be [\(outF)]") }
    let rows = x.count / Swift.max(inF, 1)
    let outShape = Array(x.shape.dropLast()) + [outF]
    let out = x.withPointer { px in weight.withPointer { pw in
        Tensor.filled(outShape) { y in
            if let bias {
                bias.withPointer { pb in for r in 0..<rows { (y + r * outF).update(from: pb, count: outF) } }
            }
            if inF == 0 && bias == nil { y.update(repeating: 0, count: rows * outF) }
            MatMulKernels.gemm(transA: false, transB: true, m: rows, n: outF, k: inF, a: px, lda: inF,
                               b: pw, ldb: inF, beta: bias == nil ? 0 : 1, c: y, ldc: outF)
        }
    } }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tape.record("linear", inputs: inputs, output: out) { g in
        let gx = x.requiresGrad
            ? product(g, weight, batch: 1, m: rows, n: inF, k: outF, transA: false, transB: false, shape: x.shape)
            : nil
        let gw = weight.requiresGrad
            ? product(g, x, batch: 1, m: outF, n: inF, k: rows, transA: true, transB: false, shape: weight.shape)
            : nil
        guard let bias else { return [gx, gw] }
        return [gx, gw, bias.requiresGrad ? g.reshaped([rows, outF]).sum(axes: [0]) : nil]
    }
}
