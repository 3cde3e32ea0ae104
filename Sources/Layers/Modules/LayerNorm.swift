/// `torch.nn.LayerNorm(normalizedShape)` over the last axis: `y = (x − μ)/√(σ² + eps)·weight + bias`,
/// μ and σ² (biased) per row. Input `[..., D]`, weight and bias `[D]`, initialised to 1 and 0.
public final class LayerNorm: Module {
    public let normalizedShape: Int
    public let eps: Float
    public let weight: Tensor
    public let bias: Tensor

    public init(_ normalizedShape: Int, eps: Float = 1e-5) {
        self.normalizedShape = normalizedShape
        self.eps = eps
        weight = Tensor.ones([normalizedShape], requiresGrad: true)
        bias = Tensor.zeros([normalizedShape], requiresGrad: true)
    }

    public override var localParameters: [(String, Tensor)] { [("weight", weight), ("bias", bias)] }

    public override func validateInput(shape: [Int]) throws {
        guard shape.last == normalizedShape else {
            throw ShapeError("LayerNorm(\(normalizedShape)) normalises the last axis: "
                             + "expects [..., \(normalizedShape)], got \(shape)")
        }
    }

    public override func forward(_ x: Tensor) -> Tensor { layerNorm(x, weight: weight, bias: bias, eps: eps) }
}

/// `torch.nn.GELU(approximate)`: `x·Φ(x)`, exact by default; any shape.
public final class GELU: Module {
    public let approximate: GELUApproximation
    public init(approximate: GELUApproximation = .none) { self.approximate = approximate }
    public override func forward(_ x: Tensor) -> Tensor { gelu(x, approximate: approximate) }
}

/// `torch.nn.ModuleList`: a numbered list of modules (`"0"`, `"1"`, ...) that its owner runs itself.
public final class ModuleList: Module {
    public let modules: [Module]
    public init(_ modules: [Module]) { self.modules = modules }
    public override var children: [(String, Module)] { modules.enumerated().map { (String($0.offset), $0.element) } }
}
