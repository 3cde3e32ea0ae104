import CBLAS

/// Matrix products over raw row-major buffers, through OpenBLAS's `cblas_sgemm`.
public enum MatMulKernels {
    nonisolated(unsafe) static var blasSingleThreaded = false

    /// OpenBLAS runs on the calling thread only: products are split over ``Parallel`` here, so OpenBLAS's
    /// own worker threads never wait (yielding the CPU in a loop) beside the workbench's threads.
    @inline(__always)
    static func useOneBLASThread() {
        if !blasSingleThreaded {
            blasSingleThreaded = true
            openblas_set_num_threads(1)
        }
    }

    /// `C[m,n] = op(A)·op(B) + beta·C`, where `op(A)` is `[m,k]` (stored `[k,m]` when `transA`)
    /// and `op(B)` is `[k,n]` (stored `[n,k]` when `transB`). Leading dimensions are the stored row lengths.
    /// Large products are split into ``Parallel/threads`` bands of rows of C (of columns when C is wider
    /// than tall), each one single-threaded `sgemm`; the bands depend only on the sizes and the threads.
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } }
            return
        }
        useOneBLASThread()
        let (ta, tb) = (transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans)
        let bandWork = 1 << 17
        if m >= n {
            Parallel.forChunks(m, minimumChunk: Swift.max(1, bandWork / (n * k))) { rows in
                let i = rows.lowerBound
                cblas_sgemm(CblasRowMajor, ta, tb, Int32(rows.count), Int32(n), Int32(k), 1,
                            transA ? a + i : a + i * lda, Int32(lda), b, Int32(ldb), beta, c + i * ldc, Int32(ldc))
            }
        } else {
            Parallel.forChunks(n, minimumChunk: Swift.max(1, bandWork / (m * k))) { cols in
                let j = cols.lowerBound
                cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(cols.count), Int32(k), 1, a, Int32(lda),
                            transB ? b + j * ldb : b + j, Int32(ldb), beta, c + j, Int32(ldc))
            }
        }
    }

    /// `batch` independent products of equal sizes, matrix `i` at `a + i·strideA` etc. (`beta` 0).
    /// Small products (attention's `[T, d]×[d, T]` per head) run whole matrices per thread: one small
    /// matrix is too little work to split across threads.
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
        useOneBLASThread()
        let (ta, tb) = (transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans)
        Parallel.forChunks(batch) { range in
            for i in range {
                cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), 1, a + i * strideA, Int32(lda),
                            b + i * strideB, Int32(ldb), 0, c + i * strideC, Int32(ldc))
            }
        }
    }
}
