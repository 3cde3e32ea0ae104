/// `torch.nn.Sequential`: applies its layers in order; children are named `"0"`, `"1"`, ...
public final class Sequential: Module {
    public private(set) var layers: [Module]

    public init(_ layers: [Module] = []) { self.layers = layers }

    /// Adds a layer at the end (named by its position).
    public func append(_ layer: Module) {
        layers.append(layer)
        adopt(layer, named: String(layers.count - 1))
    }

    public override var children: [(String, Module)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }

    public override func forward(_ x: Tensor) -> Tensor {
        layers.reduce(x) { $1($0) }
    }
}
