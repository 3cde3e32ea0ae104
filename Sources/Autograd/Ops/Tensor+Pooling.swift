/// 2-D pooling over `[N, C, H, W]` (or `[C, H, W]`), each plane independently.
extension Tensor {
    /// `(planes, H, W)` of a 3-D or 4-D input.
    func planes(_ op: String) -> (Int, Int, Int) {
        precondition(rank == 3 || rank == 4, "\(op): input \(shape) must be [N,C,H,W] or [C,H,W]")
        return (count / Swift.max(1, shape[rank - 2] * shape[rank - 1]), shape[rank - 2], shape[rank - 1])
    }

    /// `(planes, H, W, outH, outW)` for a square window, checked: padding at most half the window,
    /// and the window must fit (`outH = ⌊(H + 2p − k)/s⌋ + 1 > 0`).
    func poolGeometry(_ op: String, kernelSize: Int, stride s: Int, padding: Int) -> (Int, Int, Int, Int, Int) {
        let (planes, h, w) = planes(op)
        precondition(kernelSize >= 1 && s >= 1 && padding >= 0 && padding * 2 <= kernelSize,
                     "\(op): kernel \(kernelSize), stride \(s), padding \(padding) "
                        + "(padding must be at most half the kernel)")
        let oh = PoolKernels.outputSize(h, kernel: kernelSize, stride: s, padding: padding)
        let ow = PoolKernels.outputSize(w, kernel: kernelSize, stride: s, padding: padding)
        precondition(oh > 0 && ow > 0, "\(op): window \(kernelSize) does not fit input \(shape)")
        return (planes, h, w, oh, ow)
    }
}

/// Max pooling with a square window; `stride` defaults to `kernelSize`, padding counts as −∞.
/// Output size `⌊(H + 2p − k)/s⌋ + 1`. ∂x: each output gradient goes to its window's first maximum.
public func maxPool2d(_ x: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
    let s = stride ?? kernelSize
    let (planes, h, w, oh, ow) = x.poolGeometry("maxPool2d", kernelSize: kernelSize, stride: s, padding: padding)
    let outShape = Array(x.shape.dropLast(2)) + [oh, ow]
    var index = [Int32](repeating: 0, count: planes * oh * ow)
    let out = x.withPointer { px in index.withUnsafeMutableBufferPointer { idx in
        Tensor.filled(outShape) {
            PoolKernels.maxForward(px, planes: planes, height: h, width: w, kernel: kernelSize, stride: s,
                                   padding: padding, out: $0, index: idx.baseAddress!)
        }
    } }
    let inShape = x.shape
    return Tape.record("maxPool2d", inputs: [x], output: out) { g in
        [g.withPointer { pg in index.withUnsafeBufferPointer { idx in
            Tensor.filled(inShape) {
                PoolKernels.maxBackward(pg, index: idx.baseAddress!, planes: planes, planeIn: h * w,
                                        planeOut: oh * ow, gradInput: $0)
            }
        } }]
    }
}

/// Average pooling with a square window; `stride` defaults to `kernelSize`; zero padding is counted
/// in the divisor (PyTorch's `count_include_pad=True`). ∂x spreads each output gradient evenly.
public func avgPool2d(_ x: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
    let s = stride ?? kernelSize
    let (planes, h, w, oh, ow) = x.poolGeometry("avgPool2d", kernelSize: kernelSize, stride: s, padding: padding)
    let rows = { (i: Int) in Swift.max(i * s - padding, 0) ..< Swift.min(i * s - padding + kernelSize, h) }
    let cols = { (j: Int) in Swift.max(j * s - padding, 0) ..< Swift.min(j * s - padding + kernelSize, w) }
    // Divisor: the window clipped to the padded input.
    let divisor = { (i: Int, j: Int) -> Float in
        let r = Swift.min(i * s - padding + kernelSize, h + padding) - (i * s - padding)
        let c = Swift.min(j * s - padding + kernelSize, w + padding) - (j * s - padding)
        return Float(r * c)
    }
    return pool(x, "avgPool2d", planes: planes, h: h, w: w, oh: oh, ow: ow, rows: rows, cols: cols, divisor: divisor)
}

/// Adaptive average pooling to `outputSize × outputSize`: window `i` covers rows
/// `⌊i·H/out⌋ ..< ⌈(i+1)·H/out⌉` (likewise columns). `outputSize: 1` is global average pooling.
public func adaptiveAvgPool2d(_ x: Tensor, outputSize: Int = 1) -> Tensor {
    adaptiveAvgPool2d(x, outputHeight: outputSize, outputWidth: outputSize)
}

/// Adaptive average pooling to `outputHeight × outputWidth` (PyTorch's `output_size=(oh, ow)`):
/// window `(i, j)` covers rows `⌊i·H/oh⌋ ..< ⌈(i+1)·H/oh⌉` and columns `⌊j·W/ow⌋ ..< ⌈(j+1)·W/ow⌉`.
public func adaptiveAvgPool2d(_ x: Tensor, outputHeight: Int, outputWidth: Int) -> Tensor {
    let (planes, h, w) = x.planes("adaptiveAvgPool2d")
    precondition(outputHeight >= 1 && outputWidth >= 1,
                 "adaptiveAvgPool2d: output size \(outputHeight)×\(outputWidth) must be ≥ 1")
    if outputHeight == 1 && outputWidth == 1 { return globalAvgPool2d(x, planes: planes, size: h * w) }
    let rows = { (i: Int) in PoolKernels.adaptiveWindow(i, size: h, count: outputHeight) }
    let cols = { (j: Int) in PoolKernels.adaptiveWindow(j, size: w, count: outputWidth) }
    let divisor = { (i: Int, j: Int) in Float(rows(i).count * cols(j).count) }
    return pool(x, "adaptiveAvgPool2d", planes: planes, h: h, w: w, oh: outputHeight, ow: outputWidth,
                rows: rows, cols: cols, divisor: divisor)
}

/// Shared forward and backward of the average pools.
private func pool(_ x: Tensor, _ op: String, planes: Int, h: Int, w: Int, oh: Int, ow: Int,
                  rows: @escaping (Int) -> Range<Int>, cols: @escaping (Int) -> Range<Int>,
                  divisor: @escaping (Int, Int) -> Float) -> Tensor {
    let outShape = Array(x.shape.dropLast(2)) + [oh, ow]
    let out = x.withPointer { px in
        Tensor.filled(outShape) {
            PoolKernels.average(planes: planes, height: h, width: w, oh: oh, ow: ow, rows: rows, cols: cols,
                                divisor: divisor, backward: false, a: px, b: $0)
        }
    }
    let inShape = x.shape
    return Tape.record(op, inputs: [x], output: out) { g in
        [g.withPointer { pg in
            Tensor.filled(inShape) {
                PoolKernels.average(planes: planes, height: h, width: w, oh: oh, ow: ow, rows: rows, cols: cols,
                                    divisor: divisor, backward: true, a: pg, b: $0)
            }
        }]
    }
}

/// Global average pooling: one mean per plane (SIMD sums). ∂x = g/(H·W) over each plane.
private func globalAvgPool2d(_ x: Tensor, planes: Int, size: Int) -> Tensor {
    let outShape = Array(x.shape.dropLast(2)) + [1, 1]
    let out = x.withPointer { px in
        Tensor.filled(outShape) { PoolKernels.globalAverage(px, planes: planes, size: size, out: $0) }
    }
    let inShape = x.shape
    return Tape.record("adaptiveAvgPool2d", inputs: [x], output: out) { g in
        [g.withPointer { pg in
            Tensor.filled(inShape) { PoolKernels.globalAverageBackward(pg, planes: planes, size: size, gradInput: $0) }
        }]
    }
}
