/// A 2-D convolution, `torch.nn.Conv2d` (square kernel, no dilation, groups 1).
///
/// Input `[N, inChannels, H, W]`, output `[N, outChannels, H', W']` with
/// `H' = (H + 2·padding − kernelSize)/stride + 1`. `weight` is `[out, in, k, k]`, `bias` `[out]`.
/// Initialised as PyTorch: U(−1/√fan_in, 1/√fan_in) with fan_in = in·k², weight first.
public final class Conv2d: Module {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    public let weight: Tensor
    public let bias: Tensor?

    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = true, generator: inout SeededGenerator) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        let bound = Initialization.bound(fanIn: inChannels * kernelSize * kernelSize)
        weight = Initialization.uniform([outChannels, inChannels, kernelSize, kernelSize], bound: bound,
                                        using: &generator)
        self.bias = bias ? Initialization.uniform([outChannels], bound: bound, using: &generator) : nil
    }

    public override var localParameters: [(String, Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public override func forward(_ x: Tensor) -> Tensor {
        conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }

    public override func validateInput(shape: [Int]) throws {
        guard shape.count == 4, shape[1] == inChannels else {
            throw ShapeError("Conv2d expects input [N, \(inChannels), H, W], got \(shape); "
                             + "give images with \(inChannels) channels")
        }
        guard shape[2] + 2 * padding >= kernelSize, shape[3] + 2 * padding >= kernelSize else {
            throw ShapeError("Conv2d kernel \(kernelSize) is larger than the padded input \(shape); use larger images")
        }
    }

    /// This convolution followed by evaluation-mode `norm` and a ReLU, as one convolution pass:
    /// `max(0, conv(x, w') + b')` with `w'[o] = w[o]·scale[o]` and `b'[o] = b[o]·scale[o] + shift[o]`
    /// (``BatchNorm2d/evaluationAffine()``). For inference only: nothing is recorded on the tape.
    /// Input `[N, inChannels, H, W]`, output `[N, outChannels, H', W']`.
    public func foldedForward(_ x: Tensor, norm: BatchNorm2d) -> Tensor {
        precondition(norm.numFeatures == outChannels,
                     "Conv2d: cannot fold BatchNorm2d(\(norm.numFeatures)) into \(outChannels) channels")
        let (scale, shift) = norm.evaluationAffine()
        let perChannel = inChannels * kernelSize * kernelSize
        let w = (0..<weight.count).map { weight.storage[$0] * scale[$0 / perChannel] }
        let b = (0..<outChannels).map { (bias?.storage[$0] ?? 0) * scale[$0] + shift[$0] }
        return noGrad {
            conv2d(x, weight: Tensor(shape: weight.shape, storage: w), bias: Tensor(shape: [outChannels], storage: b),
                   stride: stride, padding: padding, relu: true)
        }
    }

    /// The output's spatial size for an input of size `size`.
    public func outputSize(_ size: Int) -> Int { (size + 2 * padding - kernelSize) / stride + 1 }
}
