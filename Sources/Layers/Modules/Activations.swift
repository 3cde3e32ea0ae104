/// `torch.nn.ReLU`: `max(x, 0)` elementwise; any shape.
public final class ReLU: Module {
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { x.relu() }
}

/// `torch.nn.Dropout(p)`: in training, zeroes each element with probability `p` and scales the
/// rest by `1/(1−p)`; the identity in evaluation. Masks come from the layer's own seeded
/// generator, so runs repeat exactly. Default p 0.5.
public final class Dropout: Module {
    public let p: Float
    /// The mask generator; its state advances with every training forward.
    public var generator: SeededGenerator

    public init(p: Float = 0.5, seed: UInt64) {
        self.p = p
        generator = SeededGenerator(seed: seed)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        guard isTraining, p > 0 else { return x }
        if p >= 1 { return x * Tensor.zeros(x.shape) }
        let scale = 1 / (1 - p)
        let mask = (0..<x.count).map { _ in generator.nextUnit() < p ? Float(0) : scale }
        return x * Tensor(shape: x.shape, storage: mask)
    }
}
