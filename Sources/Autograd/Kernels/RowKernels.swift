#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Kernels over the rows of a `[rows, n]` matrix (the last axis of a tensor): layer normalisation and
/// softmax, forward and backward. Rows are split over threads in fixed chunks, so results repeat exactly.
public enum RowKernels {
    /// Rows per chunk below which a kernel stays on one thread.
    @inline(__always)
    static func grain(_ n: Int) -> Int { Swift.max(1, ElementwiseKernels.parallelGrain / Swift.max(n, 1)) }

    /// `y = (x − μ)/√(σ² + eps)·w + b` per row (μ, σ² the row's mean and biased variance), keeping μ and
    /// 1/√(σ² + eps) per row for the backward. `w`, `b` have `n` elements (either may be absent).
    public static func layerNorm(_ x: UnsafePointer<Float>, rows: Int, n: Int, eps: Float,
                                 weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
                                 y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                                 invStd: UnsafeMutablePointer<Float>) {
        Parallel.forChunks(rows, minimumChunk: grain(n)) { range in
            for r in range {
                let row = x + r * n, out = y + r * n
                var s = 0.0, ss = 0.0
                for j in 0..<n { s += Double(row[j]) }
                let m = s / Double(n)
                for j in 0..<n { let d = Double(row[j]) - m; ss += d * d }
                let inv = Float(1 / (ss / Double(n) + Double(eps)).squareRoot())
                let mf = Float(m)
                mean[r] = mf
                invStd[r] = inv
                for j in 0..<n {
                    let h = (row[j] - mf) * inv
                    out[j] = h * (weight?[j] ?? 1) + (bias?[j] ?? 0)
                }
            }
        }
    }

    /// Backward of ``layerNorm(_:rows:n:eps:weight:bias:y:mean:invStd:)``: with x̂ = (x − μ)·s and
    /// d = g·w, `dx = s·(d − mean(d) − x̂·mean(d·x̂))`; `dw = Σ_rows g·x̂`, `db = Σ_rows g` (summed in row order).
    public static func layerNormBackward(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, n: Int,
                                         weight: UnsafePointer<Float>?, mean: UnsafePointer<Float>,
                                         invStd: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                                         dw: UnsafeMutablePointer<Float>?, db: UnsafeMutablePointer<Float>?) {
        if let dx {
            Parallel.forChunks(rows, minimumChunk: grain(n)) { range in
                for r in range {
                    let gr = g + r * n, xr = x + r * n, out = dx + r * n
                    let m = mean[r], s = invStd[r]
                    var sumD: Float = 0, sumDX: Float = 0
                    for j in 0..<n {
                        let d = gr[j] * (weight?[j] ?? 1)
                        sumD += d
                        sumDX += d * (xr[j] - m) * s
                    }
                    let meanD = sumD / Float(n), meanDX = sumDX / Float(n)
                    for j in 0..<n {
                        let d = gr[j] * (weight?[j] ?? 1)
                        out[j] = s * (d - meanD - (xr[j] - m) * s * meanDX)
                    }
                }
            }
        }
        guard dw != nil || db != nil else { return }
        dw?.update(repeating: 0, count: n)
        db?.update(repeating: 0, count: n)
        for r in 0..<rows {
            let gr = g + r * n, xr = x + r * n, m = mean[r], s = invStd[r]
            if let dw { for j in 0..<n { dw[j] += gr[j] * (xr[j] - m) * s } }
            if let db { for j in 0..<n { db[j] += gr[j] } }
        }
    }

    /// `y = softmax(x)` along each row of `n`: `e^(x − max)/Σ e^(x − max)`.
    public static func softmax(_ x: UnsafePointer<Float>, rows: Int, n: Int, y: UnsafeMutablePointer<Float>) {
        Parallel.forChunks(rows, minimumChunk: grain(n)) { range in
            for r in range {
                let row = x + r * n, out = y + r * n
                var m = -Float.infinity
                for j in 0..<n where row[j] > m || row[j].isNaN { m = row[j] }
                var s: Float = 0
                for j in 0..<n { let e = expf(row[j] - m); out[j] = e; s += e }
                let inv = 1 / s
                for j in 0..<n { out[j] *= inv }
            }
        }
    }

    /// Backward of ``softmax(_:rows:n:y:)`` from its output: `dx = y·(g − Σ g·y)` per row.
    public static func softmaxBackward(_ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, rows: Int, n: Int,
                                       dx: UnsafeMutablePointer<Float>) {
        Parallel.forChunks(rows, minimumChunk: grain(n)) { range in
            for r in range {
                let gr = g + r * n, yr = y + r * n, out = dx + r * n
                var dot: Float = 0
                for j in 0..<n { dot += gr[j] * yr[j] }
                for j in 0..<n { out[j] = yr[j] * (gr[j] - dot) }
            }
        }
    }
}

/// GELU, `x·Φ(x)`, exact (through erf, PyTorch's default) or with PyTorch's tanh approximation
/// `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`, and its derivative.
public enum GELUKernels {
    static let sqrtHalf: Float = 0.70710678118654752
    static let invSqrt2Pi: Float = 0.39894228040143268
    static let sqrt2OverPi: Float = 0.79788456080286536
    static let cubic: Float = 0.044715

    @inline(__always)
    public static func value(_ x: Float, tanh approximate: Bool) -> Float {
        if approximate {
            return 0.5 * x * (1 + tanhf(sqrt2OverPi * (x + cubic * x * x * x)))
        }
        return 0.5 * x * (1 + erff(x * sqrtHalf))
    }

    /// d GELU / dx at `x`.
    @inline(__always)
    public static func derivative(_ x: Float, tanh approximate: Bool) -> Float {
        if approximate {
            let t = tanhf(sqrt2OverPi * (x + cubic * x * x * x))
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * sqrt2OverPi * (1 + 3 * cubic * x * x)
        }
        return 0.5 * (1 + erff(x * sqrtHalf)) + x * invSqrt2Pi * expf(-0.5 * x * x)
    }
}
