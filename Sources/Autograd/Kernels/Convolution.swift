/// The shape of one 2-D convolution: input `[batch, inChannels, height, width]`,
/// weight `[outChannels, inChannels, kernel, kernel]`, output `[batch, outChannels, outHeight, outWidth]`.
public struct ConvGeometry: Hashable, Sendable {
    public var batch, inChannels, height, width, outChannels, kernel, stride, padding: Int

    public init(batch: Int, inChannels: Int, height: Int, width: Int, outChannels: Int,
                kernel: Int, stride: Int = 1, padding: Int = 0) {
        (self.batch, self.inChannels, self.height, self.width) = (batch, inChannels, height, width)
        (self.outChannels, self.kernel, self.stride, self.padding) = (outChannels, kernel, stride, padding)
    }

    /// `⌊(H + 2p − k) / s⌋ + 1`
    public var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    /// `⌊(W + 2p − k) / s⌋ + 1`
    public var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    public var inputCount: Int { batch * inChannels * height * width }
    public var weightCount: Int { outChannels * inChannels * kernel * kernel }
    public var outputCount: Int { batch * outChannels * outHeight * outWidth }
    /// Multiply-adds of the forward pass.
    public var multiplyAdds: Int { batch * outChannels * outHeight * outWidth * inChannels * kernel * kernel }
}


/// Which implementation ``Conv2dKernels`` uses.
public enum Conv2dAlgorithm: String, CaseIterable, Sendable {
    /// Direct kernels where they apply (stride 1, padding < kernel), otherwise im2col.
    case automatic
    /// Per-image im2col + OpenBLAS `sgemm` (any geometry).
    case im2col
    /// The naive loops of ``Conv2dReference``.
    case reference
}

/// Fast convolution kernels over raw NCHW / OIHW buffers (cross-correlation, as PyTorch).
/// Every function overwrites its output buffer. Results are bit-identical run to run for a given
/// ``Parallel/threads``; they agree with ``Conv2dReference`` to float tolerance.
public enum Conv2dKernels {
    /// The implementation in use (for benchmarks and tests); `.automatic` by default.
    nonisolated(unsafe) public static var algorithm = Conv2dAlgorithm.automatic

    /// Seconds spent in each pass since profiling was switched on (`nil`: off, the default).
    nonisolated(unsafe) public static var profile: KernelProfile?

    @inline(__always)
    static func timed(_ pass: KernelProfile.Pass, _ body: () -> Void) {
        guard profile != nil else { body(); return }
        let start = KernelProfile.now()
        body()
        profile?.add(pass, KernelProfile.now() - start)
    }

    static func useDirect(_ g: ConvGeometry) -> Bool { algorithm == .automatic && ConvDirect.supports(g) }
    static func empty(_ g: ConvGeometry) -> Bool { g.batch == 0 || g.outputCount == 0 || g.inputCount == 0 }

    /// `y[n,o,i,j] = b[o] + Σ_{c,u,v} x[n,c,i·s+u−p, j·s+v−p] · w[o,c,u,v]` (zero padding), then
    /// `max(y, 0)` when `relu` (the direct kernels apply it per image while the image is in cache).
    /// Shapes: input `[N, C, H, W]`, weight `[O, C, k, k]`, bias `[O]`, output `[N, O, OH, OW]`.
    public static func forward(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                               bias: UnsafePointer<Float>?, relu: Bool = false, output: UnsafeMutablePointer<Float>) {
        timed(.forward) {
            if algorithm == .reference || empty(g) {
                Conv2dReference.forward(g, input: input, weight: weight, bias: bias, output: output)
            } else if useDirect(g) {
                ConvDirect.forward(g, input: input, weight: weight, bias: bias, relu: relu, output: output)
                return
            } else {
                ConvIm2col.forward(g, input: input, weight: weight, bias: bias, output: output)
            }
            if relu { ElementwiseKernels.relu(count: g.outputCount, output, output) }
        }
    }

    /// `dx[n,c,r,col] = Σ_{o,u,v} dy[n,o,i,j] · w[o,c,u,v]` over the output positions that read `(r, col)`.
    public static func backwardInput(_ g: ConvGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                     gradInput: UnsafeMutablePointer<Float>) {
        timed(.backwardInput) {
            if algorithm == .reference || empty(g) {
                Conv2dReference.backwardInput(g, gradOutput: gradOutput, weight: weight, gradInput: gradInput)
            } else if useDirect(g) {
                ConvDirect.backwardInput(g, gradOutput: gradOutput, weight: weight, gradInput: gradInput)
            } else {
                ConvIm2col.backwardInput(g, gradOutput: gradOutput, weight: weight, gradInput: gradInput)
            }
        }
    }

    /// `dw[o,c,u,v] = Σ_{n,i,j} dy[n,o,i,j] · x[n,c,i·s+u−p, j·s+v−p]`, `db[o] = Σ_{n,i,j} dy[n,o,i,j]`.
    public static func backwardWeight(_ g: ConvGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                                      gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?) {
        timed(.backwardWeight) {
            if algorithm == .reference || empty(g) {
                Conv2dReference.backwardWeight(g, input: input, gradOutput: gradOutput, gradWeight: gradWeight, gradBias: gradBias)
            } else if useDirect(g) {
                ConvDirect.backwardWeight(g, input: input, gradOutput: gradOutput, gradWeight: gradWeight, gradBias: gradBias)
            } else {
                ConvIm2col.backwardWeight(g, input: input, gradOutput: gradOutput, gradWeight: gradWeight, gradBias: gradBias)
            }
        }
    }
}
