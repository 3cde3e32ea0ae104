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
}
