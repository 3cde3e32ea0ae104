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
    /// d = g·w, `dx = s·(d − mean(d) − x̂·mean(d·x̂))`; `dw = Σ_rows g·x̂`, `db = Σ_rows g` (summed in
    /// row order).
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
            for r in range { softmaxRow(x + r * n, n, y + r * n) }
        }
    }

    /// One row of ``softmax(_:rows:n:y:)``; `out` may be `x` itself.
    @inline(__always)
    static func softmaxRow(_ x: UnsafePointer<Float>, _ n: Int, _ out: UnsafeMutablePointer<Float>) {
        var m = -Float.infinity
        for j in 0..<n { m = Swift.max(m, x[j]) }
        let inv = 1 / expShiftedRow(x, n, m, out)
        for j in 0..<n { out[j] *= inv }
    }

    /// ``softmaxRow(_:_:_:)`` in place.
    @inline(__always)
    static func softmaxRow(_ x: UnsafeMutablePointer<Float>, _ n: Int) { softmaxRow(UnsafePointer(x), n, x) }

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

extension RowKernels {
    /// `out[j] = e^(x[j] − m)` for `n` floats, eight lanes at a time; returns their sum.
    @inline(__always)
    static func expShiftedRow(_ x: UnsafePointer<Float>, _ n: Int, _ m: Float,
                              _ out: UnsafeMutablePointer<Float>) -> Float {
        let rx = UnsafeRawPointer(x), ro = UnsafeMutableRawPointer(out)
        let shift = SIMD8<Float>(repeating: m)
        var acc = SIMD8<Float>(), j = 0
        while j + 8 <= n {
            let e = exp8(rx.loadUnaligned(fromByteOffset: 4 * j, as: SIMD8<Float>.self) - shift)
            ro.storeBytes(of: e, toByteOffset: 4 * j, as: SIMD8<Float>.self)
            acc += e
            j += 8
        }
        var s = acc.sum()
        while j < n { let e = expf(x[j] - m); out[j] = e; s += e; j += 1 }
        return s
    }

    /// `eˣ` on eight lanes (Cephes' expf: x = k·ln2 + r, a degree-6 polynomial in r, scaled by 2ᵏ);
    /// within 2 ulp of `expf` for x ≤ 0 down to −87, and 0 below.
    @inline(__always)
    static func exp8(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let low = SIMD8<Float>(repeating: -87.3)
        let x = v.replacing(with: low, where: v .< low)
        let k = (x * 1.44269504088896341).rounded(.toNearestOrEven)
        let r = x - k * 0.693359375 + k * 2.12194440e-4
        var p = SIMD8<Float>(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * r * r + r + 1
        // k is a whole number in −126…127: adding 1.5·2²³ puts it in the low mantissa bits, an exact integer
        // conversion without the generic SIMD8<Int32>(_:rounding:), which converts lane by lane.
        let kInt = unsafeBitCast(k + 12_582_912, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let bits = (kInt &+ 127) &<< 23
        let y = p * unsafeBitCast(bits, to: SIMD8<Float>.self)
        return y.replacing(with: SIMD8<Float>(), where: v .< low)
    }
}

/// GELU, `x·Φ(x)`, exact (through erf, PyTorch's default) or with PyTorch's tanh approximation
/// `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`, and its derivative. The exact form runs eight lanes at a
/// time with the erf of PyTorch's vectorised CPU kernel (Abramowitz & Stegun 7.1.26, |error| ≤ 1.5e-7).
public enum GELUKernels {
    static let sqrtHalf: Float = 0.70710678118654752
    static let invSqrt2Pi: Float = 0.39894228040143268
    static let sqrt2OverPi: Float = 0.79788456080286536
    static let cubic: Float = 0.044715

    /// `y = GELU(x)` for `count` elements.
    public static func forward(_ x: UnsafePointer<Float>, count: Int, tanh approximate: Bool,
                               y: UnsafeMutablePointer<Float>) {
        if approximate {
            ElementwiseKernels.map(count: count, x, y) {
                0.5 * $0 * (1 + tanhf(sqrt2OverPi * ($0 + cubic * $0 * $0 * $0)))
            }
        } else {
            ElementwiseKernels.map8(count: count, x, y) { 0.5 * $0 * (1 + erf8($0 * sqrtHalf)) }
        }
    }

    /// `dx = g·GELU′(x)` for `count` elements.
    public static func backward(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, count: Int,
                                tanh approximate: Bool, dx: UnsafeMutablePointer<Float>) {
        if approximate {
            ElementwiseKernels.zip(count: count, g, x, dx) { gi, xi in
                let t = tanhf(sqrt2OverPi * (xi + cubic * xi * xi * xi))
                return gi * (0.5 * (1 + t) + 0.5 * xi * (1 - t * t) * sqrt2OverPi * (1 + 3 * cubic * xi * xi))
            }
        } else {
            ElementwiseKernels.zip8(count: count, g, x, dx) { gi, xi in
                gi * (0.5 * (1 + erf8(xi * sqrtHalf)) + xi * invSqrt2Pi * RowKernels.exp8(-0.5 * xi * xi))
            }
        }
    }

    /// erf on eight lanes: `sign(x)·(1 − t·P(t)·e^(−x²))` with `t = 1/(1 + 0.3275911·|x|)`.
    @inline(__always)
    static func erf8(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let negative = x .< 0
        let a = x.replacing(with: -x, where: negative)
        let t = 1 / (0.3275911 * a + 1)
        var r = SIMD8<Float>(repeating: 1.061405429)
        r = r * t - 1.453152027
        r = r * t + 1.421413741
        r = r * t - 0.284496736
        r = r * t + 0.254829592
        let y = 1 - r * t * RowKernels.exp8(-(x * x))
        return y.replacing(with: -y, where: negative)
    }
}
