/// 2-D pooling over NCHW buffers, one `[H, W]` plane at a time.
public enum PoolKernels {
    /// Output size `⌊(size + 2·padding − kernel) / stride⌋ + 1` (floor mode, as PyTorch's default).
    public static func outputSize(_ size: Int, kernel: Int, stride: Int, padding: Int) -> Int {
        (size + 2 * padding - kernel) / stride + 1
    }

    /// Max over each window (padding never wins); `index` gets the flat in-plane position of the
    /// first maximum, for the backward pass.
    public static func maxForward(_ x: UnsafePointer<Float>, planes: Int, height: Int, width: Int,
                                  kernel: Int, stride: Int, padding: Int,
                                  out: UnsafeMutablePointer<Float>, index: UnsafeMutablePointer<Int32>) {
        let oh = outputSize(height, kernel: kernel, stride: stride, padding: padding)
        let ow = outputSize(width, kernel: kernel, stride: stride, padding: padding)
        Parallel.forChunks(planes, minimumChunk: Swift.max(1, 4096 / Swift.max(1, oh * ow))) { range in
            for p in range {
                let src = x + p * height * width
                let dst = out + p * oh * ow, idx = index + p * oh * ow
                for i in 0..<oh {
                    let r0 = Swift.max(i * stride - padding, 0), r1 = Swift.min(i * stride - padding + kernel, height)
                    for j in 0..<ow {
                        let c0 = Swift.max(j * stride - padding, 0)
                        let c1 = Swift.min(j * stride - padding + kernel, width)
                        var best = -Float.infinity, at = r0 * width + c0
                        for r in r0..<r1 {
                            for c in c0..<c1 {
                                let v = src[r * width + c]
                                if v > best || v.isNaN { best = v; at = r * width + c; if v.isNaN { break } }
                            }
                            if best.isNaN { break }
                        }
                        dst[i * ow + j] = best
                        idx[i * ow + j] = Int32(at)
                    }
                }
            }
        }
    }

    /// Routes each output gradient to its window's maximum; `gradInput` is overwritten.
    public static func maxBackward(_ gradOutput: UnsafePointer<Float>, index: UnsafePointer<Int32>, planes: Int,
                                   planeIn: Int, planeOut: Int, gradInput: UnsafeMutablePointer<Float>) {
        gradInput.update(repeating: 0, count: planes * planeIn)
        Parallel.forChunks(planes, minimumChunk: Swift.max(1, 4096 / Swift.max(1, planeOut))) { range in
            for p in range {
                let g = gradOutput + p * planeOut, idx = index + p * planeOut, dst = gradInput + p * planeIn
                for q in 0..<planeOut { dst[Int(idx[q])] += g[q] }
            }
        }
    }

    /// The rows `[start, end)` of window `i` out of `count` windows for adaptive pooling:
    /// `start = ⌊i·size/count⌋`, `end = ⌈(i+1)·size/count⌉`.
    @inline(__always)
    public static func adaptiveWindow(_ i: Int, size: Int, count: Int) -> Range<Int> {
        (i * size / count) ..< (((i + 1) * size + count - 1) / count)
    }

    /// Average pooling with explicit windows: `rows(i)` and `cols(j)` give the clipped window and
    /// `divisor(i, j)` the count to divide by. With `backward` the roles flip: `a` is the output
    /// gradient and `b` (overwritten) the input gradient.
    public static func average(planes: Int, height: Int, width: Int, oh: Int, ow: Int,
                               rows: (Int) -> Range<Int>, cols: (Int) -> Range<Int>, divisor: (Int, Int) -> Float,
                               backward: Bool, a: UnsafePointer<Float>, b: UnsafeMutablePointer<Float>) {
        if backward { b.update(repeating: 0, count: planes * height * width) }
        Parallel.forChunks(planes, minimumChunk: Swift.max(1, 4096 / Swift.max(1, height * width))) { range in
            for p in range {
                for i in 0..<oh {
                    let rr = rows(i)
                    for j in 0..<ow {
                        let cc = cols(j)
                        let scale = 1 / divisor(i, j)
                        if backward {
                            let g = a[p * oh * ow + i * ow + j] * scale
                            let plane = b + p * height * width
                            for r in rr { for c in cc { plane[r * width + c] += g } }
                        } else {
                            let plane = a + p * height * width
                            var s: Float = 0
                            for r in rr { for c in cc { s += plane[r * width + c] } }
                            b[p * oh * ow + i * ow + j] = s * scale
                        }
                    }
                }
            }
        }
    }

    /// `out[p] = mean(x[p, 0..<size])` for each plane.
    public static func globalAverage(_ x: UnsafePointer<Float>, planes: Int, size: Int,
                                     out: UnsafeMutablePointer<Float>) {
        let scale = 1 / Float(Swift.max(size, 1))
        let chunk = Swift.max(1, ElementwiseKernels.parallelGrain / Swift.max(size, 1))
        Parallel.forChunks(planes, minimumChunk: chunk) { range in
            for p in range { out[p] = ReduceKernels.sumRun(x + p * size, size) * scale }
        }
    }

    /// `dx[p, i] = g[p] / size` for each plane.
    public static func globalAverageBackward(_ g: UnsafePointer<Float>, planes: Int, size: Int,
                                             gradInput: UnsafeMutablePointer<Float>) {
        let scale = 1 / Float(Swift.max(size, 1))
        let chunk = Swift.max(1, ElementwiseKernels.parallelGrain / Swift.max(size, 1))
        Parallel.forChunks(planes, minimumChunk: chunk) { range in
            for p in range { (gradInput + p * size).update(repeating: g[p] * scale, count: size) }
        }
    }
}
