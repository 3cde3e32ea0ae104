/// Direct ("implicit GEMM") convolution for stride 1: no im2col matrix is built.
///
/// Each image is copied once into a zero-padded scratch copy `xp[c, r, col]` (rows of stride `S`).
/// An output tile of `MB` channels × 16 pixels of one row is then
/// `y[o, i, j…j+15] = b[o] + Σ_{kk=(c,u,v)} w[o, kk] · xp[c, i+u, j+v … j+v+15]`:
/// a GEMM whose right-hand panel rows are read straight from `xp` at the offsets
/// `c·plane + u·S + v`, with `MB × 2` `SIMD8<Float>` accumulators (MB = 6 or 4) held in registers.
/// Images are split over ``Parallel/threads`` in fixed chunks; each image is independent,
/// so results do not depend on the thread count.
enum ConvDirect {
    /// Stride 1 and padding below the kernel size (so the input-gradient is again such a convolution).
    static func supports(_ g: ConvGeometry) -> Bool {
        g.stride == 1 && g.padding < g.kernel && g.outHeight > 0 && g.outWidth > 0 && g.batch > 0
    }

    /// One output-channel block: channels `o0 ..< o0 + rows`, computed `mb` at a time (6 or 4),
    /// its packed weights at `packOffset` (`[K][mb]`) and biases at `biasOffset`.
    struct Block { var o0, rows, mb, packOffset, biasOffset: Int }

    /// A stride-1 convolution with its padded-input layout and weight packing.
    struct Plan {
        let cin, cout, h, w, k, p, oh, ow: Int
        /// Padded rows, padded row stride, padded plane size, 16-pixel tiles per output row.
        let hp, s, plane, tiles: Int
        let blocks: [Block]
        var kCount: Int { cin * k * k }

        init(cin: Int, cout: Int, h: Int, w: Int, k: Int, p: Int) {
            (self.cin, self.cout, self.h, self.w, self.k, self.p) = (cin, cout, h, w, k, p)
            oh = h + 2 * p - k + 1
            ow = w + 2 * p - k + 1
            tiles = (ow + 15) / 16
            hp = h + 2 * p
            s = Swift.max(w + 2 * p, tiles * 16 + k + 2)
            plane = hp * s
            blocks = Plan.blocks(cout, kCount: cin * k * k)
        }

        /// Splits `cout` into blocks of 6 and 4 (as many 6s as keep the rest a multiple of 4);
        /// a last partial block is padded with zero weights.
        static func blocks(_ cout: Int, kCount: Int) -> [Block] {
            var sixes = cout / 6
            while sixes > 0 && (cout - 6 * sixes) % 4 != 0 { sixes -= 1 }
            if (cout - 6 * sixes) % 4 != 0 { sixes = cout / 6 }
            var result: [Block] = [], o0 = 0, pack = 0, bias = 0
            while o0 < cout {
                let rest = cout - o0
                let mb = o0 < 6 * sixes ? 6 : (rest <= 4 ? 4 : (rest % 4 == 0 ? 4 : 6))
                let rows = Swift.min(mb, rest)
                result.append(Block(o0: o0, rows: rows, mb: mb, packOffset: pack, biasOffset: bias))
                o0 += rows; pack += mb * kCount; bias += mb
            }
            return result
        }

        var packedCount: Int { blocks.reduce(0) { $0 + $1.mb * kCount } }
        var biasCount: Int { blocks.reduce(0) { $0 + $1.mb } }

        /// `offsets[kk]` for `kk = (c·k + u)·k + v`: where row `kk` of the implicit panel starts in `xp`.
        func offsets() -> [Int] {
            var result = [Int](repeating: 0, count: kCount)
            for c in 0..<cin {
                for u in 0..<k {
                    for v in 0..<k { result[(c * k + u) * k + v] = c * plane + u * s + v }
                }
            }
            return result
        }

        /// Weights packed per block as `[kk][mb]`, from `value(o, c, u, v)`; padding rows are zero.
        func pack(_ value: (Int, Int, Int, Int) -> Float) -> [Float] {
            var packed = [Float](repeating: 0, count: packedCount)
            for b in blocks {
                for m in 0..<b.rows {
                    for c in 0..<cin { for u in 0..<k { for v in 0..<k {
                        packed[b.packOffset + ((c * k + u) * k + v) * b.mb + m] = value(b.o0 + m, c, u, v)
                    } } }
                }
            }
            return packed
        }

        /// Biases laid out per block (zero for padding rows, or all zero without a bias).
        func packBias(_ bias: UnsafePointer<Float>?) -> [Float] {
            var packed = [Float](repeating: 0, count: biasCount)
            if let bias { for b in blocks { for m in 0..<b.rows { packed[b.biasOffset + m] = bias[b.o0 + m] } } }
            return packed
        }

        /// Copies image `x` (`[cin, h, w]`) into the interior of the zero-bordered `xp`.
        func fill(_ xp: UnsafeMutablePointer<Float>, from x: UnsafePointer<Float>) {
            for c in 0..<cin {
                for r in 0..<h {
                    (xp + c * plane + (r + p) * s + p).update(from: x + (c * h + r) * w, count: w)
                }
            }
        }
    }

    /// `y = conv(x, w) + b` for stride 1, then `max(y, 0)` when `relu`.
    static func forward(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>?, relu: Bool = false, output: UnsafeMutablePointer<Float>) {
        let plan = Plan(cin: g.inChannels, cout: g.outChannels, h: g.height, w: g.width, k: g.kernel, p: g.padding)
        let (c, k) = (g.inChannels, g.kernel)
        let packed = plan.pack { o, ci, u, v in weight[((o * c + ci) * k + u) * k + v] }
        run(plan, batch: g.batch, input: input, packed: packed, bias: plan.packBias(bias), relu: relu, output: output)
    }

    /// `dx = conv_full(dy, flip(w)ᵀ)`: the stride-1 input gradient is a stride-1 convolution of `dy`
    /// padded by `k − 1 − p`, with weights `w'[c, o, u, v] = w[o, c, k−1−u, k−1−v]`.
    static func backwardInput(_ g: ConvGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                              gradInput: UnsafeMutablePointer<Float>) {
        let (c, k) = (g.inChannels, g.kernel)
        let plan = Plan(cin: g.outChannels, cout: c, h: g.outHeight, w: g.outWidth, k: k, p: k - 1 - g.padding)
        let packed = plan.pack { ci, o, u, v in weight[((o * c + ci) * k + (k - 1 - u)) * k + (k - 1 - v)] }
        run(plan, batch: g.batch, input: gradOutput, packed: packed, bias: plan.packBias(nil), output: gradInput)
    }

    /// Runs `plan` over `batch` images split across threads; `relu` clamps each image's output at 0
    /// right after it is computed, while it is still in cache.
    static func run(_ plan: Plan, batch: Int, input: UnsafePointer<Float>, packed: [Float], bias: [Float],
                    relu: Bool = false, output: UnsafeMutablePointer<Float>) {
        let offsets = plan.offsets()
        let parts = ConvWorkspace.parts(batch)
        let inCount = plan.cin * plan.h * plan.w, outCount = plan.cout * plan.oh * plan.ow
        ConvWorkspace.withScratch(parts) { scratch in
            packed.withUnsafeBufferPointer { packed in
                bias.withUnsafeBufferPointer { bias in
                    offsets.withUnsafeBufferPointer { offsets in
                        ConvWorkspace.forParts(batch, parts: parts) { part, images in
                            let buffer = scratch[part].floats(plan.cin * plan.plane + 6 * 16 + 64)
                            let xp = buffer, tile = buffer + plan.cin * plan.plane + 32
                            xp.update(repeating: 0, count: plan.cin * plan.plane)
                            for n in images {
                                plan.fill(xp, from: input + n * inCount)
                                image(plan, xp: xp, packed: packed.baseAddress!, bias: bias.baseAddress!,
                                      offsets: offsets.baseAddress!, tile: tile, y: output + n * outCount)
                                if relu { clampNegatives(output + n * outCount, count: outCount) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `y = max(y, 0)` in place (NaN stays NaN, as ``ElementwiseKernels/relu(count:_:_:)``), on the calling thread.
    static func clampNegatives(_ y: UnsafeMutablePointer<Float>, count: Int) {
        let zero = SIMD8<Float>()
        var i = 0
        while i + 8 <= count { let v = load8(y + i); store8(v.replacing(with: zero, where: v .< zero), y + i); i += 8 }
        while i < count { if y[i] < 0 { y[i] = 0 }; i += 1 }
    }

    /// Input channels per pass over an image: three input rows of each channel (≈ 3 × 192 bytes at
    /// width 32) plus the block's packed weights must stay in the 32 KiB L1 cache while a row of
    /// tiles is computed; wider layers split K into channel chunks and accumulate.
    static let channelsPerChunk = 32

    /// All output tiles of one image.
    static func image(_ plan: Plan, xp: UnsafePointer<Float>, packed: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                      offsets: UnsafePointer<Int>, tile: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>) {
        let (oh, ow) = (plan.oh, plan.ow)
        let planeOut = oh * ow
        let kPerChannel = plan.k * plan.k
        let chunks = (plan.cin + channelsPerChunk - 1) / channelsPerChunk
        // Block-outer order keeps one block's packed weights (≤ 6·K floats) in L1 while the
        // three input rows a tile reads are reused by the next row.
        for b in plan.blocks {
            for chunk in 0..<chunks {
                let c0 = plan.cin * chunk / chunks, c1 = plan.cin * (chunk + 1) / chunks
                let kk0 = c0 * kPerChannel, kCount = (c1 - c0) * kPerChannel
                let w = packed + b.packOffset + kk0 * b.mb, bb = bias + b.biasOffset, off = offsets + kk0
                let accumulate = chunk > 0
                for i in 0..<oh {
                    for t in 0..<plan.tiles {
                        let x = xp + i * plan.s + 16 * t
                        let cols = Swift.min(16, ow - 16 * t)
                        let direct = cols == 16 && b.rows == b.mb
                        let dst = direct ? y + (b.o0 * oh + i) * ow + 16 * t : tile
                        let stride = direct ? planeOut : 16
                        if !direct && accumulate {
                            for m in 0..<b.rows {
                                (tile + 16 * m).update(from: y + ((b.o0 + m) * oh + i) * ow + 16 * t, count: cols)
                            }
                        }
                        if b.mb == 6 {
                            ConvMicro.tile6x16(kCount, w, x, off, bb, dst, stride, accumulate: accumulate)
                        } else {
                            ConvMicro.tile4x16(kCount, w, x, off, bb, dst, stride, accumulate: accumulate)
                        }
                        if !direct {
                            for m in 0..<b.rows {
                                (y + ((b.o0 + m) * oh + i) * ow + 16 * t).update(from: tile + 16 * m, count: cols)
                            }
                        }
                    }
                }
            }
        }
    }
}
