import CBLAS

/// Matrix products over raw row-major buffers, through OpenBLAS's `cblas_sgemm`.
public enum MatMulKernels {
    nonisolated(unsafe) static var blasThreads = 0

    /// OpenBLAS follows ``Parallel/threads``.
    @inline(__always)
    static func syncThreads() {
        if blasThreads != Parallel.threads {
            blasThreads = Parallel.threads
            openblas_set_num_threads(Int32(blasThreads))
        }
    }

    /// `C[m,n] = op(A)·op(B) + beta·C`, where `op(A)` is `[m,k]` (stored `[k,m]` when `transA`)
    /// and `op(B)` is `[k,n]` (stored `[n,k]` when `transB`). Leading dimensions are the stored row lengths.
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } }
            return
        }
        syncThreads()
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `batch` independent products of equal sizes, matrix `i` at `a + i·strideA` etc. (`beta` 0).
    /// Small products (attention's `[T, d]×[d, T]` per head) run whole matrices per thread with
    /// OpenBLAS on one thread each: one small matrix is too little work to split across threads.
    public static func gemmBatch(batch: Int, transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                                 a: UnsafePointer<Float>, lda: Int, strideA: Int,
                                 b: UnsafePointer<Float>, ldb: Int, strideB: Int,
                                 c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int) {
        let small = m * n * k <= 1 << 17
        guard batch > 1, small, k > 0, m > 0, n > 0, Parallel.threads > 1 else {
            for i in 0..<batch {
                gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a + i * strideA, lda: lda,
                     b: b + i * strideB, ldb: ldb, c: c + i * strideC, ldc: ldc)
            }
            return
        }
        if blasThreads != 1 {
            blasThreads = 1
            openblas_set_num_threads(1)
        }
        let (ta, tb) = (transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans)
        Parallel.forChunks(batch) { range in
            for i in range {
                cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), 1, a + i * strideA, Int32(lda),
                            b + i * strideB, Int32(ldb), 0, c + i * strideC, Int32(ldc))
            }
        }
    }
}
