/// Attention rollout (Abnar & Zuidema, 2020): how much each output token draws on each input token
/// through all blocks, with the residual path counted.
///
/// Per block, the heads are averaged, `A = residual·A + (1 − residual)·I`, each row renormalised to sum
/// 1; then `rollout = A_last · … · A_first`. Maps `[B, H, T, T]` per block (first block first) in,
/// `[B, T, T]` out. Computed in Double and returned as Float.
public func attentionRollout(_ maps: [Tensor], residual: Double = 0.5) -> Tensor? {
    guard let first = maps.first else { return nil }
    let (b, h, t) = (first.shape[0], first.shape[1], first.shape[2])
    var out = [Float](repeating: 0, count: b * t * t)
    for i in 0..<b {
        var acc: [Double]? = nil
        for map in maps {
            let a = mixedRows(map.storage, sample: i, heads: h, tokens: t, residual: residual)
            acc = acc.map { multiply(a, $0, t) } ?? a
        }
        for j in 0..<(t * t) { out[i * t * t + j] = Float(acc![j]) }
    }
    return Tensor(shape: [b, t, t], storage: out)
}

/// One sample's head-averaged map mixed with the identity, rows renormalised: `[T, T]` row-major.
private func mixedRows(_ maps: [Float], sample: Int, heads: Int, tokens t: Int, residual: Double) -> [Double] {
    var a = [Double](repeating: 0, count: t * t)
    for head in 0..<heads {
        let base = (sample * heads + head) * t * t
        for j in 0..<(t * t) { a[j] += Double(maps[base + j]) }
    }
    for r in 0..<t {
        var sum = 0.0
        for c in 0..<t {
            a[r * t + c] = residual * a[r * t + c] / Double(heads) + (r == c ? 1 - residual : 0)
            sum += a[r * t + c]
        }
        for c in 0..<t { a[r * t + c] /= sum }
    }
    return a
}

/// `x·y` for `t × t` matrices, row-major.
private func multiply(_ x: [Double], _ y: [Double], _ t: Int) -> [Double] {
    var out = [Double](repeating: 0, count: t * t)
    for r in 0..<t {
        for k in 0..<t where x[r * t + k] != 0 {
            let s = x[r * t + k]
            for c in 0..<t { out[r * t + c] += s * y[k * t + c] }
        }
    }
    return out
}
