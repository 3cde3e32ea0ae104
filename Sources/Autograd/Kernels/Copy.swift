/// Data movement over raw buffers: strided gathers (permute, expand) and row-block copies
/// (slice, pad, concatenate).
public enum CopyKernels {
    /// `out[i] = x[Σ index·strides]` for every multi-index of `shape`; `out` is contiguous.
    /// Permutation passes permuted strides, broadcasting passes 0 on stretched axes.
    public static func gather(_ x: UnsafePointer<Float>, shape: [Int], strides: [Int],
                              out: UnsafeMutablePointer<Float>) {
        let total = shape.reduce(1, *)
        guard total > 0 else { return }
        let c = Broadcast.coalesce(shape, [strides, Broadcast.contiguousStrides(shape)])
        let n = c.shape.last!, s = c.strides[0].last!
        let rows = StridedRows(shape: c.shape, strides: c.strides)
        Parallel.forChunks(rows.count, minimumChunk: Swift.max(1, ElementwiseKernels.parallelGrain / n)) { range in
            rows.forEach(range) { off in
                let src = x + off[0], dst = out + off[1]
                switch s {
                case 1: dst.update(from: src, count: n)
                case 0: dst.update(repeating: src[0], count: n)
                default: for j in 0..<n { dst[j] = src[j * s] }
                }
            }
        }
    }

    /// For each of `rows` rows: copies `count` floats from `src + r·srcRow + srcOffset`
    /// to `dst + r·dstRow + dstOffset`.
    public static func copyBlocks(rows: Int, count: Int, src: UnsafePointer<Float>, srcRow: Int, srcOffset: Int,
                                  dst: UnsafeMutablePointer<Float>, dstRow: Int, dstOffset: Int) {
        guard count > 0 else { return }
        Parallel.forChunks(rows, minimumChunk: Swift.max(1, ElementwiseKernels.parallelGrain / count)) { range in
            for r in range {
                (dst + r * dstRow + dstOffset).update(from: src + r * srcRow + srcOffset, count: count)
            }
        }
    }
}
