/// `torch.nn.MaxPool2d(kernelSize, stride)`: the maximum over each window; `[N, C, H, W]` in,
/// `[N, C, (H + 2·padding − k)/stride + 1, ...]` out. Stride defaults to the kernel size.
public final class MaxPool2d: Module {
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int

    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
    }

    public override func forward(_ x: Tensor) -> Tensor {
        maxPool2d(x, kernelSize: kernelSize, stride: stride, padding: padding)
    }
}

/// `torch.nn.AdaptiveAvgPool2d(outputSize)`: averages `[N, C, H, W]` down to `[N, C, s, s]`.
public final class AdaptiveAvgPool2d: Module {
    public let outputSize: Int

    public init(_ outputSize: Int = 1) { self.outputSize = outputSize }

    public override func forward(_ x: Tensor) -> Tensor { adaptiveAvgPool2d(x, outputSize: outputSize) }
}

/// Global average pooling and flattening in one step, as the spec model's `x.mean(dim=(2, 3))`:
/// `[N, C, H, W]` in, `[N, C]` out.
public final class GlobalAvgPool: Module {
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { x.mean(axes: [2, 3]) }
}

/// `torch.nn.Flatten()`: `[N, d1, d2, ...]` to `[N, d1·d2·...]` (start_dim 1).
public final class Flatten: Module {
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor {
        x.reshaped([x.shape.first ?? 1, x.shape.dropFirst().reduce(1, *)])
    }
}
