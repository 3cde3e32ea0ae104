/// Winograd F(2×2, 3×3) convolution for stride-1 3×3 layers: each 2×2 output tile costs 16
/// multiply-adds per input channel instead of 36 (2.25× fewer).
///
/// With `d` a 4×4 input tile, `g` a 3×3 filter and
/// `Bᵀ = [[1,0,−1,0],[0,1,1,0],[0,−1,1,0],[0,1,0,−1]]`, `G = [[1,0,0],[½,½,½],[½,−½,½],[0,0,1]]`,
/// `Aᵀ = [[1,1,1,0],[0,1,−1,−1]]`, the tile is `Y = Aᵀ [Σ_c (G g Gᵀ) ⊙ (Bᵀ d B)] A`. Per image and
/// per row of tiles: the input transform `V[ξ][c][t]` (16 positions ξ, tiles t in SIMD lanes), 16 products
/// `M[ξ] = U[ξ]·V[ξ]` by the direct convolution's register-blocked micro-kernels, and the output
/// transform with bias and ReLU. Images are independent, so results do not depend on the thread count.
enum ConvWinograd {
    /// Tiles transformed and multiplied together (rounded to whole tile rows). Measured at
    /// CIFAR-10's 32×32 layers: one row of 16 tiles beats 32 and 64 (V and M then stay in L1/L2).
    static let tilesPerChunk = 16

    /// 3×3, stride 1, padding ≤ 2, an even number of output rows and output rows of a multiple of 16.
    static func supports(_ g: ConvGeometry) -> Bool {
        g.kernel == 3 && g.stride == 1 && g.padding <= 2 && g.batch > 0
            && g.outHeight > 0 && g.outHeight % 2 == 0 && g.outWidth > 0 && g.outWidth % 16 == 0
    }

    /// One stride-1 3×3 convolution laid out for the tile transforms.
    struct Plan {
        let cin, cout, h, w, p, oh, ow: Int
        /// Tiles per row (a multiple of 8), tile rows, tile rows per chunk, tile columns per chunk
        /// (a multiple of 16).
        let tilesPerRow, tileRows, rowsPerChunk, columns: Int
        /// Padded input rows, row stride and plane.
        let hp, s, plane: Int
        let blocks: [ConvDirect.Block]
        /// Output channels including the zero rows of a partial last block.
        let paddedOut: Int

        init(cin: Int, cout: Int, h: Int, w: Int, p: Int) {
            (self.cin, self.cout, self.h, self.w, self.p) = (cin, cout, h, w, p)
            oh = h + 2 * p - 2
            ow = w + 2 * p - 2
            tilesPerRow = ow / 2
            tileRows = oh / 2
            rowsPerChunk = Swift.max(1, Swift.min(tileRows, ConvWinograd.tilesPerChunk / tilesPerRow))
            columns = (rowsPerChunk * tilesPerRow + 15) / 16 * 16
            hp = h + 2 * p
            s = w + 2 * p
            plane = hp * s
            blocks = ConvDirect.Plan.blocks(cout, kCount: cin)
            paddedOut = blocks.reduce(0) { $0 + $1.mb }
        }

        var packedCount: Int { paddedOut * cin }

        /// `U[ξ] = G g Gᵀ` for every (o, c), packed per ξ and block as `[c][mb]`; `value(o, c, u, v)` reads g.
        func pack(_ value: (Int, Int, Int, Int) -> Float) -> [Float] {
            var packed = [Float](repeating: 0, count: 16 * packedCount)
            for b in blocks {
                for m in 0..<b.rows {
                    for c in 0..<cin {
                        let u = ConvWinograd.filterTransform { value(b.o0 + m, c, $0, $1) }
                        for xi in 0..<16 { packed[xi * packedCount + b.packOffset + c * b.mb + m] = u[xi] }
                    }
                }
            }
            return packed
        }

        /// Copies image `x` (`[cin, h, w]`) into the interior of the zero-bordered `xp`.
        func fill(_ xp: UnsafeMutablePointer<Float>, from x: UnsafePointer<Float>) {
            for c in 0..<cin {
                for r in 0..<h { (xp + c * plane + (r + p) * s + p).update(from: x + (c * h + r) * w, count: w) }
            }
        }

        /// Scratch floats per thread: padded image, V, M.
        var scratchCount: Int { cin * plane + 16 * cin * columns + 16 * paddedOut * columns + 64 }
    }

    /// `G g Gᵀ` (4×4, row-major) of one 3×3 filter read through `g(u, v)`.
    static func filterTransform(_ g: (Int, Int) -> Float) -> [Float] {
        var t = [Float](repeating: 0, count: 12)  // G g: 4×3
        for v in 0..<3 {
            let (g0, g1, g2) = (g(0, v), g(1, v), g(2, v))
            t[v] = g0; t[3 + v] = 0.5 * (g0 + g1 + g2); t[6 + v] = 0.5 * (g0 - g1 + g2); t[9 + v] = g2
        }
        var u = [Float](repeating: 0, count: 16)
        for r in 0..<4 {
            let (a, b, c) = (t[3 * r], t[3 * r + 1], t[3 * r + 2])
            u[4 * r] = a; u[4 * r + 1] = 0.5 * (a + b + c); u[4 * r + 2] = 0.5 * (a - b + c); u[4 * r + 3] = c
        }
        return u
    }

    /// `y = conv(x, w) + b`, then `max(y, 0)` when `relu`.
    static func forward(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>?, relu: Bool = false, output: UnsafeMutablePointer<Float>) {
        let plan = Plan(cin: g.inChannels, cout: g.outChannels, h: g.height, w: g.width, p: g.padding)
        let c = g.inChannels
        let packed = plan.pack { o, ci, u, v in weight[((o * c + ci) * 3 + u) * 3 + v] }
        let b = (0..<g.outChannels).map { bias?[$0] ?? 0 }
        run(plan, batch: g.batch, input: input, packed: packed, bias: b, relu: relu, output: output)
    }

    /// The input gradient: a stride-1 convolution of `dy` padded by `2 − p` with the flipped,
    /// transposed filters `w'[c, o, u, v] = w[o, c, 2−u, 2−v]`.
    static func backwardInput(_ g: ConvGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                              gradInput: UnsafeMutablePointer<Float>) {
        let c = g.inChannels
        let plan = Plan(cin: g.outChannels, cout: c, h: g.outHeight, w: g.outWidth, p: 2 - g.padding)
        let packed = plan.pack { ci, o, u, v in weight[((o * c + ci) * 3 + (2 - u)) * 3 + (2 - v)] }
        run(plan, batch: g.batch, input: gradOutput, packed: packed, bias: [Float](repeating: 0, count: c),
            output: gradInput)
    }

    /// Whether the input gradient of `g` takes this path (its geometry is that of a forward convolution).
    static func supportsBackwardInput(_ g: ConvGeometry) -> Bool {
        g.kernel == 3 && g.stride == 1 && g.padding <= 2 && g.batch > 0 && g.outHeight > 0 && g.outWidth > 0
            && g.height % 2 == 0 && g.width % 16 == 0
    }

    static func run(_ plan: Plan, batch: Int, input: UnsafePointer<Float>, packed: [Float], bias: [Float],
                    relu: Bool = false, output: UnsafeMutablePointer<Float>) {
        let parts = ConvWorkspace.parts(batch)
        let inCount = plan.cin * plan.h * plan.w, outCount = plan.cout * plan.oh * plan.ow
        let offsets = (0..<plan.cin).map { $0 * plan.columns }
        let zeros = [Float](repeating: 0, count: 8)
        ConvWorkspace.withScratch(parts) { scratch in
            packed.withUnsafeBufferPointer { packed in
                bias.withUnsafeBufferPointer { bias in
                    offsets.withUnsafeBufferPointer { offsets in
                        zeros.withUnsafeBufferPointer { zeros in
                            ConvWorkspace.forParts(batch, parts: parts) { part, images in
                                let buffer = scratch[part].floats(plan.scratchCount)
                                buffer.update(repeating: 0, count: plan.scratchCount)
                                let xp = buffer, v = xp + plan.cin * plan.plane
                                let m = v + 16 * plan.cin * plan.columns
                                for n in images {
                                    plan.fill(xp, from: input + n * inCount)
                                    for row0 in stride(from: 0, to: plan.tileRows, by: plan.rowsPerChunk) {
                                        let rows = row0..<Swift.min(plan.tileRows, row0 + plan.rowsPerChunk)
                                        for row in rows { inputTransform(plan, xp: xp, row: row, row0: row0, v: v) }
                                        products(plan, v: v, packed: packed.baseAddress!, offsets: offsets.baseAddress!,
                                                 zeros: zeros.baseAddress!, tiles: rows.count * plan.tilesPerRow, m: m)
                                        for row in rows {
                                            outputTransform(plan, m: m, row: row, row0: row0, bias: bias.baseAddress!,
                                                            relu: relu, y: output + n * outCount)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `V[ξ][c][t] = (Bᵀ d B)[ξ]` for the tiles `t` of tile row `row`, eight tiles per vector.
    static func inputTransform(_ plan: Plan, xp: UnsafePointer<Float>, row: Int, row0: Int,
                               v: UnsafeMutablePointer<Float>) {
        let step = plan.cin * plan.columns
        for c in 0..<plan.cin {
            let r0 = xp + c * plan.plane + 2 * row * plan.s
            let r1 = r0 + plan.s, r2 = r1 + plan.s, r3 = r2 + plan.s
            for q in 0..<plan.tilesPerRow / 8 {
                let o = 16 * q
                let dst = v + c * plan.columns + (row - row0) * plan.tilesPerRow + 8 * q
                // Bᵀ over rows for the 16 columns at o and at o + 2, then B over each tile's 4 columns.
                let (a0, a1, a2, a3) = (load16(r0 + o), load16(r1 + o), load16(r2 + o), load16(r3 + o))
                let (b0, b1, b2, b3) = (load16(r0 + o + 2), load16(r1 + o + 2), load16(r2 + o + 2), load16(r3 + o + 2))
                columnsTransform(a0 - a2, b0 - b2, dst, step: step)
                columnsTransform(a1 + a2, b1 + b2, dst + 4 * step, step: step)
                columnsTransform(a2 - a1, b2 - b1, dst + 8 * step, step: step)
                columnsTransform(a1 - a3, b1 - b3, dst + 12 * step, step: step)
            }
        }
    }

    /// One row of `Bᵀ d` for eight tiles: `a` holds columns 2t, 2t+1 and `b` columns 2t+2, 2t+3;
    /// writes `(d0 − d2, d1 + d2, d2 − d1, d1 − d3)` to `dst`, `dst + step`, … .
    @inline(__always)
    static func columnsTransform(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ dst: UnsafeMutablePointer<Float>,
                                 step: Int) {
        let d0 = a.evenHalf, d1 = a.oddHalf, d2 = b.evenHalf, d3 = b.oddHalf
        store8(d0 - d2, dst)
        store8(d1 + d2, dst + step)
        store8(d2 - d1, dst + 2 * step)
        store8(d1 - d3, dst + 3 * step)
    }

    /// `M[ξ][o][t] = Σ_c U[ξ][o][c] · V[ξ][c][t]` for the 16 positions ξ.
    static func products(_ plan: Plan, v: UnsafePointer<Float>, packed: UnsafePointer<Float>,
                         offsets: UnsafePointer<Int>, zeros: UnsafePointer<Float>, tiles: Int,
                         m: UnsafeMutablePointer<Float>) {
        let cols = plan.columns
        for xi in 0..<16 {
            let vx = v + xi * plan.cin * cols, u = packed + xi * plan.packedCount
            let mx = m + xi * plan.paddedOut * cols
            for b in plan.blocks {
                for t in stride(from: 0, to: tiles, by: 16) {
                    let dst = mx + b.o0 * cols + t
                    let w = u + b.packOffset
                    if b.mb == 6 {
                        ConvMicro.tile6x16(plan.cin, w, vx + t, offsets, zeros, dst, cols, accumulate: false)
                    } else {
                        ConvMicro.tile4x16(plan.cin, w, vx + t, offsets, zeros, dst, cols, accumulate: false)
                    }
                }
            }
        }
    }

    /// `y = Aᵀ M A + b` (then ReLU) for the tiles of tile row `row`, eight tiles per vector.
    static func outputTransform(_ plan: Plan, m: UnsafePointer<Float>, row: Int, row0: Int, bias: UnsafePointer<Float>,
                                relu: Bool, y: UnsafeMutablePointer<Float>) {
        let cols = plan.columns, step = plan.paddedOut * cols
        let zero = SIMD8<Float>()
        for o in 0..<plan.cout {
            let bo = SIMD8<Float>(repeating: bias[o])
            let top = y + (o * plan.oh + 2 * row) * plan.ow
            for q in 0..<plan.tilesPerRow / 8 {
                let src = m + o * cols + (row - row0) * plan.tilesPerRow + 8 * q
                @inline(__always) func rowsOf(_ k: Int) -> (SIMD8<Float>, SIMD8<Float>) {
                    let m0 = load8(src + k * step), m1 = load8(src + (4 + k) * step)
                    let m2 = load8(src + (8 + k) * step), m3 = load8(src + (12 + k) * step)
                    return (m0 + m1 + m2, m1 - m2 - m3)
                }
                let (s0, t0) = rowsOf(0), (s1, t1) = rowsOf(1), (s2, t2) = rowsOf(2), (s3, t3) = rowsOf(3)
                var y00 = s0 + s1 + s2 + bo, y01 = s1 - s2 - s3 + bo
                var y10 = t0 + t1 + t2 + bo, y11 = t1 - t2 - t3 + bo
                if relu {
                    y00.replace(with: zero, where: y00 .< zero); y01.replace(with: zero, where: y01 .< zero)
                    y10.replace(with: zero, where: y10 .< zero); y11.replace(with: zero, where: y11 .< zero)
                }
                var upper = SIMD16<Float>(), lower = SIMD16<Float>()
                upper.evenHalf = y00; upper.oddHalf = y01
                lower.evenHalf = y10; lower.oddHalf = y11
                store16(upper, top + 16 * q)
                store16(lower, top + plan.ow + 16 * q)
            }
        }
    }
}

@inline(__always) func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}
@inline(__always) func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
}
