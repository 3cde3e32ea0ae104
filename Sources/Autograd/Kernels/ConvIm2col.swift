/// The general convolution path, for any stride and padding: per image, an im2col matrix
/// `col[(c·k+u)·k+v, i·OW+j] = x[c, i·s+u−p, j·s+v−p]` (zero outside) and one OpenBLAS `sgemm`.
/// Images run one after another; each product is split over the threads by ``MatMulKernels/gemm``.
enum ConvIm2col {
    static func forward(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>) {
        let (kk, pixels, o) = (g.inChannels * g.kernel * g.kernel, g.outHeight * g.outWidth, g.outChannels)
        ConvWorkspace.withScratch(1) { scratch in
            let col = scratch[0].floats(kk * pixels)
            for n in 0..<g.batch {
                let y = output + n * o * pixels
                im2col(g, input + n * g.inChannels * g.height * g.width, col)
                MatMulKernels.gemm(transA: false, transB: false, m: o, n: pixels, k: kk,
                                   a: weight, lda: kk, b: col, ldb: pixels, c: y, ldc: pixels)
                if let bias { for c in 0..<o { let b = bias[c]; for q in 0..<pixels { y[c * pixels + q] += b } } }
            }
        }
    }

    static func backwardInput(_ g: ConvGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                              gradInput: UnsafeMutablePointer<Float>) {
        let (kk, pixels, o) = (g.inChannels * g.kernel * g.kernel, g.outHeight * g.outWidth, g.outChannels)
        let image = g.inChannels * g.height * g.width
        gradInput.update(repeating: 0, count: g.inputCount)
        ConvWorkspace.withScratch(1) { scratch in
            let col = scratch[0].floats(kk * pixels)
            for n in 0..<g.batch {
                MatMulKernels.gemm(transA: true, transB: false, m: kk, n: pixels, k: o, a: weight, lda: kk,
                                   b: gradOutput + n * o * pixels, ldb: pixels, c: col, ldc: pixels)
                col2im(g, col, gradInput + n * image)
            }
        }
    }

    static func backwardWeight(_ g: ConvGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                               gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?) {
        let (kk, pixels, o) = (g.inChannels * g.kernel * g.kernel, g.outHeight * g.outWidth, g.outChannels)
        gradWeight.update(repeating: 0, count: g.weightCount)
        gradBias?.update(repeating: 0, count: o)
        ConvWorkspace.withScratch(1) { scratch in
            let col = scratch[0].floats(kk * pixels)
            for n in 0..<g.batch {
                let dy = gradOutput + n * o * pixels
                im2col(g, input + n * g.inChannels * g.height * g.width, col)
                MatMulKernels.gemm(transA: false, transB: true, m: o, n: kk, k: pixels, a: dy, lda: pixels,
                                   b: col, ldb: pixels, beta: 1, c: gradWeight, ldc: kk)
                if let gradBias { ConvDirect.sumPlanes(dy, count: o, plane: pixels, into: gradBias) }
            }
        }
    }

    /// Fills `col` (`[C·k·k, OH·OW]`) from one image `x` (`[C, H, W]`).
    static func im2col(_ g: ConvGeometry, _ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>) {
        let (oh, ow, k, s, p) = (g.outHeight, g.outWidth, g.kernel, g.stride, g.padding)
        var row = col
        for c in 0..<g.inChannels {
            let plane = x + c * g.height * g.width
            for u in 0..<k {
                for v in 0..<k {
                    for i in 0..<oh {
                        let r = i * s + u - p
                        let dst = row + i * ow
                        guard r >= 0 && r < g.height else { dst.update(repeating: 0, count: ow); continue }
                        for j in 0..<ow {
                            let q = j * s + v - p
                            dst[j] = q >= 0 && q < g.width ? plane[r * g.width + q] : 0
                        }
                    }
                    row += oh * ow
                }
            }
        }
    }

    /// Adds `col` (`[C·k·k, OH·OW]`) back into image gradient `dx` (`[C, H, W]`): the adjoint of ``im2col``.
    static func col2im(_ g: ConvGeometry, _ col: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>) {
        let (oh, ow, k, s, p) = (g.outHeight, g.outWidth, g.kernel, g.stride, g.padding)
        var row = col
        for c in 0..<g.inChannels {
            let plane = dx + c * g.height * g.width
            for u in 0..<k {
                for v in 0..<k {
                    for i in 0..<oh {
                        let r = i * s + u - p
                        guard r >= 0 && r < g.height else { continue }
                        for j in 0..<ow {
                            let q = j * s + v - p
                            if q >= 0 && q < g.width { plane[r * g.width + q] += row[i * ow + j] }
                        }
                    }
                    row += oh * ow
                }
            }
        }
    }
}
