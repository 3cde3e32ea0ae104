/// Batch-normalisation kernels over raw NCHW buffers `x[n, c, p]` (`p` runs over the `H·W` plane),
/// each one or two passes over memory instead of one pass per elementwise primitive.
///
/// Statistics are per channel over `N·H·W` values. Work is split over channels (statistics,
/// backward reductions) or planes (elementwise) in fixed chunks, so results are bit-identical
/// run to run for a given ``Parallel/threads``.
public enum BatchNormKernels {
    /// `mean[c] = (1/M) Σ x[·, c, ·]` and biased `variance[c] = (1/M) Σ (x − mean)²`, `M = batch·plane`.
    /// Sums are shifted by the channel's first value and accumulated per plane in 8 float lanes,
    /// then across planes in `Double`.
    public static func statistics(_ x: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int,
                                  mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>) {
        let m = Double(batch * plane)
        ConvWorkspace.forParts(channels, parts: ConvWorkspace.parts(channels)) { _, range in
            for c in range {
                let shift = batch * plane > 0 ? x[c * plane] : 0
                var s1 = 0.0, s2 = 0.0
                for n in 0..<batch {
                    let (a, b) = shiftedSums(x + (n * channels + c) * plane, count: plane, shift: shift)
                    s1 += a; s2 += b
                }
                let d = s1 / m
                mean[c] = Float(Double(shift) + d)
                variance[c] = Float(Swift.max(0, s2 / m - d * d))
            }
        }
    }

    /// `(Σ (p[i] − shift), Σ (p[i] − shift)²)` over `count` values.
    @inline(__always)
    static func shiftedSums(_ p: UnsafePointer<Float>, count: Int, shift: Float) -> (Double, Double) {
        let k = SIMD8<Float>(repeating: shift)
        var a = SIMD8<Float>(), b = SIMD8<Float>(), i = 0
        while i + 8 <= count {
            let v = load8(p + i) - k
            a += v; b.addProduct(v, v)
            i += 8
        }
        var sa = Double(a.sum()), sb = Double(b.sum())
        while i < count { let v = Double(p[i] - shift); sa += v; sb += v * v; i += 1 }
        return (sa, sb)
    }

    /// `y[n, c, p] = x[n, c, p] · scale[c] + shift[c]`, then `max(0, ·)` when `relu` (in place allowed).
    public static func scaleShift(_ x: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int,
                                  scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, relu: Bool = false,
                                  output y: UnsafeMutablePointer<Float>) {
        let planes = batch * channels
        ConvWorkspace.forParts(planes, parts: ConvWorkspace.parts(planes)) { _, range in
            for q in range {
                let c = q % channels
                let a = SIMD8<Float>(repeating: scale[c]), b = SIMD8<Float>(repeating: shift[c])
                let xp = x + q * plane, yp = y + q * plane
                var i = 0
                if relu {
                    let zero = SIMD8<Float>()
                    // `replacing(with:where:)` lowers to a compare and a blend; `pointwiseMax` does not vectorise.
                    while i + 8 <= plane {
                        let v = load8(xp + i) * a + b
                        store8(v.replacing(with: zero, where: v .< zero), yp + i)
                        i += 8
                    }
                    while i < plane { yp[i] = Swift.max(0, xp[i] * scale[c] + shift[c]); i += 1 }
                } else {
                    while i + 8 <= plane { store8(load8(xp + i) * a + b, yp + i); i += 8 }
                    while i < plane { yp[i] = xp[i] * scale[c] + shift[c]; i += 1 }
                }
            }
        }
    }

    /// Gradients of batch norm `y = γ·x̂ + β`, `x̂ = (x − μ)·invStd`: `dβ = Σ dy`, `dγ = Σ dy·x̂`, and
    /// with batch statistics (training) `dx = γ·invStd·(dy − dβ/M − x̂·dγ/M)` (`M = batch·plane`),
    /// with fixed (running) statistics `dx = γ·invStd·dy`.
    /// `weight` `nil` means `γ = 1`. When `reluShift` is given, a ReLU followed the forward
    /// ``scaleShift(_:batch:channels:plane:scale:shift:relu:output:)`` with `scale = γ·invStd` and
    /// `shift = reluShift`: `dy` is first masked by `x·scale + shift > 0`, recomputed from `x` (the
    /// same expression as the forward), so the output need not be read back. Any of the outputs may be `nil`.
    public static func backward(gradOutput dy: UnsafePointer<Float>, input x: UnsafePointer<Float>,
                                reluShift: UnsafePointer<Float>? = nil,
                                batch: Int, channels: Int, plane: Int, batchStatistics: Bool = true,
                                mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, weight: UnsafePointer<Float>?,
                                gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>?,
                                gradBias: UnsafeMutablePointer<Float>?) {
        var sumDy = [Float](repeating: 0, count: channels), sumDyXhat = sumDy
        let m = Float(batch * plane)
        /// The ReLU mask's affine map of channel `c`, if any.
        func mask(_ c: Int) -> ReLUMask? {
            reluShift.map { ReLUMask(scale: (weight?[c] ?? 1) * invStd[c], shift: $0[c]) }
        }
        sumDy.withUnsafeMutableBufferPointer { sumDy in
            sumDyXhat.withUnsafeMutableBufferPointer { sumDyXhat in
                ConvWorkspace.forParts(channels, parts: ConvWorkspace.parts(channels)) { _, range in
                    for c in range {
                        var s1 = 0.0, s2 = 0.0
                        for n in 0..<batch {
                            let o = (n * channels + c) * plane
                            let (a, b) = gradientSums(dy + o, x + o, mask(c), count: plane, mean: mean[c])
                            s1 += a; s2 += b
                        }
                        sumDy[c] = Float(s1)
                        sumDyXhat[c] = Float(s2) * invStd[c]
                    }
                }
                for c in 0..<channels {
                    gradBias?[c] = sumDy[c]
                    gradWeight?[c] = sumDyXhat[c]
                }
                guard let dx = gradInput else { return }
                let planes = batch * channels
                ConvWorkspace.forParts(planes, parts: ConvWorkspace.parts(planes)) { _, range in
                    for q in range {
                        let c = q % channels
                        let g = (weight?[c] ?? 1) * invStd[c]
                        // dx = g·dy' − g·(dβ/M) − g·x̂·(dγ/M) = g·dy' + (x − μ)·k1 + k0
                        let k1 = batchStatistics ? -g * invStd[c] * sumDyXhat[c] / m : 0
                        let k0 = batchStatistics ? -g * sumDy[c] / m - mean[c] * k1 : 0
                        let o = q * plane
                        maskedAffine(dy + o, x + o, mask(c), dx + o, count: plane, g: g, k1: k1, k0: k0)
                    }
                }
            }
        }
    }

    /// A following ReLU's mask, recomputed: `x·scale + shift > 0`.
    struct ReLUMask { var scale, shift: Float }

    /// `(Σ dy', Σ dy'·(x − mean))` with `dy' = dy·[x·scale + shift > 0]` under a `mask`, else `dy`.
    @inline(__always)
    static func gradientSums(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ mask: ReLUMask?,
                             count: Int, mean: Float) -> (Double, Double) {
        let mu = SIMD8<Float>(repeating: mean), zero = SIMD8<Float>()
        var a = SIMD8<Float>(), b = SIMD8<Float>(), i = 0
        if let mask {
            let sv = SIMD8<Float>(repeating: mask.scale), bv = SIMD8<Float>(repeating: mask.shift)
            while i + 8 <= count {
                let xv = load8(x + i)
                let d = load8(dy + i).replacing(with: zero, where: xv * sv + bv .<= zero)
                a += d; b.addProduct(d, xv - mu)
                i += 8
            }
        } else {
            while i + 8 <= count {
                let d = load8(dy + i)
                a += d; b.addProduct(d, load8(x + i) - mu)
                i += 8
            }
        }
        var sa = Double(a.sum()), sb = Double(b.sum())
        while i < count {
            let d = mask.map { x[i] * $0.scale + $0.shift > 0 ? dy[i] : 0 } ?? dy[i]
            sa += Double(d); sb += Double(d * (x[i] - mean)); i += 1
        }
        return (sa, sb)
    }

    /// `dx = g·dy' + x·k1 + k0` with `dy'` masked by `x·scale + shift > 0` under a `mask`.
    @inline(__always)
    static func maskedAffine(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ mask: ReLUMask?,
                             _ dx: UnsafeMutablePointer<Float>, count: Int, g: Float, k1: Float, k0: Float) {
        let gv = SIMD8<Float>(repeating: g), k1v = SIMD8<Float>(repeating: k1), k0v = SIMD8<Float>(repeating: k0)
        let zero = SIMD8<Float>()
        var i = 0
        if let mask {
            let sv = SIMD8<Float>(repeating: mask.scale), bv = SIMD8<Float>(repeating: mask.shift)
            while i + 8 <= count {
                let xv = load8(x + i)
                let d = load8(dy + i).replacing(with: zero, where: xv * sv + bv .<= zero)
                store8(d * gv + (xv * k1v + k0v), dx + i)
                i += 8
            }
        } else {
            while i + 8 <= count {
                store8(load8(dy + i) * gv + (load8(x + i) * k1v + k0v), dx + i)
                i += 8
            }
        }
        while i < count {
            let d = mask.map { x[i] * $0.scale + $0.shift > 0 ? dy[i] : 0 } ?? dy[i]
            dx[i] = d * g + (x[i] * k1 + k0); i += 1
        }
    }
}
