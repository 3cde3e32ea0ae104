/// Register-blocked inner kernels of the direct convolution (AVX2/FMA through `SIMD8<Float>`).
///
/// `tileMx16` computes `dst[m·stride + j] = bias[m] + Σ_kk w[kk·M + m] · x[offsets[kk] + j]`
/// for `m < M`, `j < 16`: an `M × 16` block of a GEMM whose `K = kCount` right-hand rows start at
/// `x + offsets[kk]` (unaligned). The 2·M accumulators stay in registers for the whole `kk` loop.
/// With `accumulate`, they start from `dst` instead of `bias` (for K split into chunks).
/// `tile6x16` and `tile4x16` are this one kernel written out for M = 6 and M = 4 (channel counts
/// that are multiples of 4 but not of 6): named accumulators stay in registers, where an array of
/// `SIMD8` indexed by `m` would be spilled to memory on every `kk`.
enum ConvMicro {
    @inline(never)
    static func tile6x16(_ kCount: Int, _ w: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                         _ offsets: UnsafePointer<Int>, _ bias: UnsafePointer<Float>,
                         _ dst: UnsafeMutablePointer<Float>, _ stride: Int, accumulate: Bool) {
        var a0 = SIMD8<Float>(repeating: bias[0]), b0 = a0
        var a1 = SIMD8<Float>(repeating: bias[1]), b1 = a1
        var a2 = SIMD8<Float>(repeating: bias[2]), b2 = a2
        var a3 = SIMD8<Float>(repeating: bias[3]), b3 = a3
        var a4 = SIMD8<Float>(repeating: bias[4]), b4 = a4
        var a5 = SIMD8<Float>(repeating: bias[5]), b5 = a5
        if accumulate {
            a0 = load8(dst); b0 = load8(dst + 8)
            a1 = load8(dst + stride); b1 = load8(dst + stride + 8)
            a2 = load8(dst + 2 * stride); b2 = load8(dst + 2 * stride + 8)
            a3 = load8(dst + 3 * stride); b3 = load8(dst + 3 * stride + 8)
            a4 = load8(dst + 4 * stride); b4 = load8(dst + 4 * stride + 8)
            a5 = load8(dst + 5 * stride); b5 = load8(dst + 5 * stride + 8)
        }
        var wp = w
        for kk in 0..<kCount {
            let xq = x + offsets[kk]
            let x0 = load8(xq), x1 = load8(xq + 8)
            var s = SIMD8<Float>(repeating: wp[0])
            a0.addProduct(s, x0); b0.addProduct(s, x1)
            s = SIMD8<Float>(repeating: wp[1])
            a1.addProduct(s, x0); b1.addProduct(s, x1)
            s = SIMD8<Float>(repeating: wp[2])
            a2.addProduct(s, x0); b2.addProduct(s, x1)
            s = SIMD8<Float>(repeating: wp[3])
            a3.addProduct(s, x0); b3.addProduct(s, x1)
            s = SIMD8<Float>(repeating: wp[4])
            a4.addProduct(s, x0); b4.addProduct(s, x1)
            s = SIMD8<Float>(repeating: wp[5])
            a5.addProduct(s, x0); b5.addProduct(s, x1)
            wp += 6
        }
        store8(a0, dst); store8(b0, dst + 8)
        store8(a1, dst + stride); store8(b1, dst + stride + 8)
        store8(a2, dst + 2 * stride); store8(b2, dst + 2 * stride + 8)
        store8(a3, dst + 3 * stride); store8(b3, dst + 3 * stride + 8)
        store8(a4, dst + 4 * stride); store8(b4, dst + 4 * stride + 8)
        store8(a5, dst + 5 * stride); store8(b5, dst + 5 * stride + 8)
    }

    @inline(never)
    static func tile4x16(_ kCount: Int, _ w: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                         _ offsets: UnsafePointer<Int>, _ bias: UnsafePointer<Float>,
                         _ dst: UnsafeMutablePointer<Float>, _ stride: Int, accumulate: Bool) {
        var a0 = SIMD8<Float>(repeating: bias[0]), b0 = a0
        var a1 = SIMD8<Float>(repeating: bias[1]), b1 = a1
        var a2 = SIMD8<Float>(repeating: bias[2]), b2 = a2
        var a3 = SIMD8<Float>(repeating: bias[3]), b3 = a3
        if accumulate {
            a0 = load8(dst); b0 = load8(dst + 8)
            a1 = load8(dst + stride); b1 = load8(dst + stride + 8)
            a2 = load8(dst + 2 * stride); b2 = load8(dst + 2 * stride + 8)
            a3 = load8(dst + 3 * stride); b3 = load8(dst + 3 * stride + 8)
        }
        var wp = w
        for kk in 0..<kCount {
            let xq = x + offsets[kk]
            let x0 = load8(xq), x1 = load8(xq + 8)
            var s = SIMD8<Float>(repeating: wp[0])
            a0.addProduct(s, x0); b0.addProduct(s, x1)
            s = SIMD8<Float>(repeating: wp[1])
            a1.addProduct(s, x0); b1.addProduct(s, x1)
            s = SIMD8<Float>(repeating: wp[2])
            a2.addProduct(s, x0); b2.addProduct(s, x1)
            s = SIMD8<Float>(repeating: wp[3])
            a3.addProduct(s, x0); b3.addProduct(s, x1)
            wp += 4
        }
        store8(a0, dst); store8(b0, dst + 8)
        store8(a1, dst + stride); store8(b1, dst + stride + 8)
        store8(a2, dst + 2 * stride); store8(b2, dst + 2 * stride + 8)
        store8(a3, dst + 3 * stride); store8(b3, dst + 3 * stride + 8)
    }

    /// `acc[m][t] = Σ_{i<rows, jv<vectors} dy_m[i·dyStride + 8jv …] · x[i·xStride + 8jv + t …]` for
    /// 4 gradient rows `m` (at `dy + m·dyPlane`) and 3 shifts `t`, reduced over the 8 lanes: the weight
    /// gradient of 4 output channels at 3 neighbouring kernel columns. Results go to `out[3m + t]`.
    @inline(never)
    static func weight4x3(rows: Int, vectors: Int, _ dy: UnsafePointer<Float>, dyPlane: Int, dyStride: Int,
                          _ x: UnsafePointer<Float>, xStride: Int, _ out: UnsafeMutablePointer<Float>) {
        var a00 = SIMD8<Float>(), a01 = a00, a02 = a00
        var a10 = a00, a11 = a00, a12 = a00
        var a20 = a00, a21 = a00, a22 = a00
        var a30 = a00, a31 = a00, a32 = a00
        let d1 = dy + dyPlane, d2 = d1 + dyPlane, d3 = d2 + dyPlane
        for i in 0..<rows {
            let xr = x + i * xStride, dr = i * dyStride
            for jv in 0..<vectors {
                let xq = xr + 8 * jv, dq = dr + 8 * jv
                let x0 = load8(xq), x1 = load8(xq + 1), x2 = load8(xq + 2)
                var d = load8(dy + dq)
                a00.addProduct(d, x0); a01.addProduct(d, x1); a02.addProduct(d, x2)
                d = load8(d1 + dq)
                a10.addProduct(d, x0); a11.addProduct(d, x1); a12.addProduct(d, x2)
                d = load8(d2 + dq)
                a20.addProduct(d, x0); a21.addProduct(d, x1); a22.addProduct(d, x2)
                d = load8(d3 + dq)
                a30.addProduct(d, x0); a31.addProduct(d, x1); a32.addProduct(d, x2)
            }
        }
        out[0] = a00.sum(); out[1] = a01.sum(); out[2] = a02.sum()
        out[3] = a10.sum(); out[4] = a11.sum(); out[5] = a12.sum()
        out[6] = a20.sum(); out[7] = a21.sum(); out[8] = a22.sum()
        out[9] = a30.sum(); out[10] = a31.sum(); out[11] = a32.sum()
    }
}
