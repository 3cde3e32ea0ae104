/// A fully connected layer, `torch.nn.Linear`: `y = x·Wᵀ + b`.
///
/// Input `[..., inputFeatures]`, output `[..., outputFeatures]`; `weight` is `[out, in]` as in
/// PyTorch, `bias` `[out]`. Initialised as PyTorch: both from U(−1/√in, 1/√in), weight first.
public final class Linear: Module {
    public let inputFeatures: Int
    public let outputFeatures: Int
    public let weight: Tensor
    public let bias: Tensor?

    public init(inputFeatures: Int, outputFeatures: Int, bias: Bool = true, generator: inout SeededGenerator) {
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        let bound = Initialization.bound(fanIn: inputFeatures)
        weight = Initialization.uniform([outputFeatures, inputFeatures], bound: bound, using: &generator)
        self.bias = bias ? Initialization.uniform([outputFeatures], bound: bound, using: &generator) : nil
    }

    public override var localParameters: [(String, Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public override func validateInput(shape: [Int]) throws {
        guard let last = shape.last, last == inputFeatures else {
            throw ShapeError("Linear expects input [..., \(inputFeatures)], got \(shape)")
        }
    }

    public override func forward(_ x: Tensor) -> Tensor { linear(x, weight: weight, bias: bias) }
}
