import CBLAS

/// Self-attention for inference, one (image, head) pair at a time while its T×T scores stay in cache,
/// reading q, k and v in place from the in-projection's output: no permuted copies, no `[B, H, T, T]` tensor.
public enum AttentionKernels {
    /// `qkv` is `[B, T, 3, H, d]` (the in-projection's `[B, T, 3·H·d]`); `out` receives `[B, T, H·d]`, each
    /// head's `softmax(q·scale·kᵀ)·v` at that head's columns. The arithmetic is that of the separate ops
    /// (q scaled first, one `sgemm` per product, the same row softmax), so the result is bit-identical.
    public static func selfAttention(_ qkv: UnsafePointer<Float>, batch: Int, tokens t: Int, heads h: Int,
                                     headDim d: Int, scale: Float, out: UnsafeMutablePointer<Float>) {
        guard batch > 0, t > 0, h > 0, d > 0 else { return }
        MatMulKernels.useOneBLASThread()
        let dim = h * d, row = 3 * dim
        Parallel.forChunks(batch * h) { pairs in
            let q = UnsafeMutablePointer<Float>.allocate(capacity: t * d + t * t)
            defer { q.deallocate() }
            let scores = q + t * d
            for pair in pairs {
                let (image, head) = (pair / h, pair % h)
                let base = qkv + image * t * row + head * d
                for i in 0..<t { for j in 0..<d { q[i * d + j] = base[i * row + j] * scale } }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(t), Int32(t), Int32(d), 1, q, Int32(d),
                            base + dim, Int32(row), 0, scores, Int32(t))
                for i in 0..<t { RowKernels.softmaxRow(scores + i * t, t) }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(t), Int32(d), Int32(t), 1,
                            scores, Int32(t), base + 2 * dim, Int32(row), 0, out + image * t * dim + head * d,
                            Int32(dim))
            }
        }
    }
}
