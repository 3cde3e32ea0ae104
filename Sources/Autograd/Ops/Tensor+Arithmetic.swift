/// Broadcasting elementwise arithmetic (NumPy rules). Gradients of broadcast inputs come back in the
/// output's shape; the tape sums them down to each input's shape.
extension Tensor {
    /// `F(a, b)` elementwise over the broadcast shape.
    static func broadcasting<F: BinaryFunction>(_ f: F.Type, _ a: Tensor, _ b: Tensor, _ op: String) -> Tensor {
        guard let shape = Broadcast.shape(a.shape, b.shape) else {
            preconditionFailure("\(op): shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let sa = Broadcast.strides(of: a.shape, in: shape), sb = Broadcast.strides(of: b.shape, in: shape)
        return a.withPointer { pa in b.withPointer { pb in
            Tensor.filled(shape) {
                ElementwiseKernels.binary(F.self, shape: shape, a: pa, aStrides: sa, b: pb, bStrides: sb, out: $0)
            }
        } }
    }

    /// `a + b` with broadcasting. ∂a = g, ∂b = g.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let out = broadcasting(AddFunction.self, a, b, "add")
        return Tape.record("add", inputs: [a, b], output: out) { g in [g, g] }
    }

    /// `a − b` with broadcasting. ∂a = g, ∂b = −g.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let out = broadcasting(SubtractFunction.self, a, b, "sub")
        return Tape.record("sub", inputs: [a, b], output: out) { g in [g, b.requiresGrad ? -g : nil] }
    }

    /// `a · b` elementwise with broadcasting. ∂a = g·b, ∂b = g·a.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let out = broadcasting(MultiplyFunction.self, a, b, "mul")
        return Tape.record("mul", inputs: [a, b], output: out) { g in
            [a.requiresGrad ? g * b : nil, b.requiresGrad ? g * a : nil]
        }
    }

    /// `a / b` elementwise with broadcasting. ∂a = g/b, ∂b = −g·a/b².
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = broadcasting(DivideFunction.self, a, b, "div")
        return Tape.record("div", inputs: [a, b], output: out) { g in
            [a.requiresGrad ? g / b : nil, b.requiresGrad ? -(g * a) / (b * b) : nil]
        }
    }

    /// `−a`. ∂a = −g.
    public static prefix func - (a: Tensor) -> Tensor {
        let out = a.mapped { -$0 }
        return Tape.record("neg", inputs: [a], output: out) { g in [-g] }
    }

    public static func + (a: Tensor, b: Float) -> Tensor { a + Tensor(b) }
    public static func + (a: Float, b: Tensor) -> Tensor { Tensor(a) + b }
    public static func - (a: Tensor, b: Float) -> Tensor { a - Tensor(b) }
    public static func - (a: Float, b: Tensor) -> Tensor { Tensor(a) - b }
    public static func * (a: Tensor, b: Float) -> Tensor { a * Tensor(b) }
    public static func * (a: Float, b: Tensor) -> Tensor { Tensor(a) * b }
    public static func / (a: Tensor, b: Float) -> Tensor { a / Tensor(b) }
    public static func / (a: Float, b: Tensor) -> Tensor { Tensor(a) / b }
}

/// `max(a, b)` elementwise with broadcasting; on ties the gradient is split evenly, as PyTorch does.
public func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
    let out = Tensor.broadcasting(MaximumFunction.self, a, b, "maximum")
    let shape = out.shape
    return Tape.record("maximum", inputs: [a, b], output: out) { g in
        let ea = a.expanded(to: shape), eb = b.expanded(to: shape)
        let wa = ea.zipped(eb) { x, y in x > y ? 1 : (x == y ? 0.5 : 0) }
        return [a.requiresGrad ? g * wa : nil, b.requiresGrad ? g * (1 - wa) : nil]
    }
}
