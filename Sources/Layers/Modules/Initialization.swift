/// PyTorch's default initialisation for `Linear` and `Conv2d`.
///
/// `kaiming_uniform_(w, a=√5)` draws from U(−b, b) with b = gain·√(3/fan_in), gain = √(2/(1+a²)),
/// which is exactly b = 1/√fan_in; the bias draws from U(−1/√fan_in, 1/√fan_in). Weights are drawn
/// first, then the bias, in row-major order, from the caller's generator.
public enum Initialization {
    /// The bound 1/√fan_in shared by the weight and the bias (0 when fan_in is 0).
    public static func bound(fanIn: Int) -> Float { fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0 }

    /// A trainable tensor of `shape` drawn from U(−bound, bound).
    public static func uniform(_ shape: [Int], bound: Float, using generator: inout SeededGenerator) -> Tensor {
        Tensor.uniform(shape, low: -bound, high: bound, using: &generator, requiresGrad: true)
    }
}

extension Initialization {
    /// `xavier_uniform_` (gain 1): U(−b, b) with b = √(6/(fan_in + fan_out)), for a `[fan_out, fan_in]` weight.
    public static func xavierUniform(_ shape: [Int], using generator: inout SeededGenerator) -> Tensor {
        let fanOut = shape[0], fanIn = shape.dropFirst().reduce(1, *)
        let bound = fanIn + fanOut > 0 ? (6 / Float(fanIn + fanOut)).squareRoot() : 0
        return uniform(shape, bound: bound, using: &generator)
    }
}
