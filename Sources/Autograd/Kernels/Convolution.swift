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
    /// Per layer and pass the fastest that applies (``Conv2dKernels/method(_:_:)``).
    case automatic
    /// Direct kernels where they apply (stride 1, padding < kernel), otherwise im2col.
    case direct
    /// Winograd F(2×2, 3×3) where it applies (forward and input gradient), otherwise as `direct`.
    case winograd
    /// Per-image im2col + OpenBLAS `sgemm` (any geometry).
    case im2col
    /// The naive loops of ``Conv2dReference``.
    case reference
}

/// The kernel family that one pass of one layer runs.
public enum Conv2dMethod: String, Sendable {
    case winograd, direct, im2col, reference
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

    static func empty(_ g: ConvGeometry) -> Bool { g.batch == 0 || g.outputCount == 0 || g.inputCount == 0 }

    /// The kernels `pass` of `g` runs under ``algorithm``. The automatic choice is fixed per geometry
    /// (never timed at run time, so a run's numbers do not depend on the machine's load). Measured
    /// with `ultimus-bench conv --algorithms direct,winograd`: Winograd wins the forward and input
    /// gradient from 16 channels on both sides; with fewer the transforms cost more than they save.
    public static func method(_ g: ConvGeometry, _ pass: KernelProfile.Pass) -> Conv2dMethod {
        if algorithm == .reference || empty(g) { return .reference }
        if algorithm == .im2col || !ConvDirect.supports(g) { return .im2col }
        if algorithm == .direct || pass == .backwardWeight { return .direct }
        let fits = pass == .forward ? ConvWinograd.supports(g) : ConvWinograd.supportsBackwardInput(g)
        guard fits else { return .direct }
        if algorithm == .winograd { return .winograd }
        return g.inChannels >= 16 && g.outChannels >= 16 ? .winograd : .direct
    }

    /// `y[n,o,i,j] = b[o] + Σ_{c,u,v} x[n,c,i·s+u−p, j·s+v−p] · w[o,c,u,v]` (zero padding), then
    /// `max(y, 0)` when `relu` (the direct kernels apply it per image while the image is in cache).
    /// Shapes: input `[N, C, H, W]`, weight `[O, C, k, k]`, bias `[O]`, output `[N, O, OH, OW]`.
    public static func forward(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                               bias: UnsafePointer<Float>?, relu: Bool = false, output: UnsafeMutablePointer<Float>) {
        timed(.forward) {
            switch method(g, .forward) {
            case .reference: Conv2dReference.forward(g, input: input, weight: weight, bias: bias, output: output)
            case .im2col: ConvIm2col.forward(g, input: input, weight: weight, bias: bias, output: output)
            case .direct:
                ConvDirect.forward(g, input: input, weight: weight, bias: bias, relu: relu, output: output)
                return
            case .winograd:
                ConvWinograd.forward(g, input: input, weight: weight, bias: bias, relu: relu, output: output)
                return
            }
            if relu { ElementwiseKernels.relu(count: g.outputCount, output, output) }
        }
    }

    /// `dx[n,c,r,col] = Σ_{o,u,v} dy[n,o,i,j] · w[o,c,u,v]` over the output positions that read `(r, col)`.
    public static func backwardInput(_ g: ConvGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                     gradInput: UnsafeMutablePointer<Float>) {
        timed(.backwardInput) {
            switch method(g, .backwardInput) {
            case .reference:
                Conv2dReference.backwardInput(g, gradOutput: gradOutput, weight: weight, gradInput: gradInput)
            case .im2col: ConvIm2col.backwardInput(g, gradOutput: gradOutput, weight: weight, gradInput: gradInput)
            case .direct: ConvDirect.backwardInput(g, gradOutput: gradOutput, weight: weight, gradInput: gradInput)
            case .winograd: ConvWinograd.backwardInput(g, gradOutput: gradOutput, weight: weight, gradInput: gradInput)
            }
        }
    }

    /// `dw[o,c,u,v] = Σ_{n,i,j} dy[n,o,i,j] · x[n,c,i·s+u−p, j·s+v−p]`, `db[o] = Σ_{n,i,j} dy[n,o,i,j]`.
    public static func backwardWeight(_ g: ConvGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                                      gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?) {
        timed(.backwardWeight) {
            switch method(g, .backwardWeight) {
            case .reference:
                Conv2dReference.backwardWeight(g, input: input, gradOutput: gradOutput, gradWeight: gradWeight,
                                               gradBias: gradBias)
            case .im2col:
                ConvIm2col.backwardWeight(g, input: input, gradOutput: gradOutput, gradWeight: gradWeight,
                                          gradBias: gradBias)
            case .direct, .winograd:
                ConvDirect.backwardWeight(g, input: input, gradOutput: gradOutput, gradWeight: gradWeight,
                                          gradBias: gradBias)
            }
        }
    }
}
