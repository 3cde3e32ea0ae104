#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Elementwise functions. Backward rules that need the result capture its storage (a value), never
/// the output tensor, so no reference cycle forms.
extension Tensor {
    /// `eˣ`. ∂x = g·eˣ.
    public func exp() -> Tensor {
        let out = mapped { expf($0) }
        let y = out.storage, shape = self.shape
        return Tape.record("exp", inputs: [self], output: out) { g in [g * Tensor(shape: shape, storage: y)] }
    }

    /// Natural logarithm. ∂x = g/x.
    public func log() -> Tensor {
        let out = mapped { logf($0) }
        return Tape.record("log", inputs: [self], output: out) { g in [g / self] }
    }

    /// `√x`. ∂x = g / (2√x).
    public func sqrt() -> Tensor {
        let out = mapped { $0.squareRoot() }
        let y = out.storage, shape = self.shape
        return Tape.record("sqrt", inputs: [self], output: out) { g in
            [g.zipped(Tensor(shape: shape, storage: y)) { gi, yi in gi / (2 * yi) }]
        }
    }

    /// `xᵖ`. ∂x = g·p·xᵖ⁻¹.
    public func pow(_ p: Float) -> Tensor {
        let out: Tensor
        switch p {
        case 2: out = mapped { $0 * $0 }
        case 1: out = mapped { $0 }
        case 0.5: out = mapped { $0.squareRoot() }
        case -1: out = mapped { 1 / $0 }
        default: out = mapped { powf($0, p) }
        }
        return Tape.record("pow", inputs: [self], output: out) { g in
            if p == 2 { return [g.zipped(self) { gi, xi in 2 * xi * gi }] }
            return [g.zipped(self) { gi, xi in gi * p * powf(xi, p - 1) }]
        }
    }

    /// `max(x, 0)`. ∂x = g where x > 0, else 0 (PyTorch's choice at 0).
    public func relu() -> Tensor {
        let n = count
        let out = withPointer { x in Tensor.filled(shape) { ElementwiseKernels.relu(count: n, x, $0) } }
        return Tape.record("relu", inputs: [self], output: out) { g in
            [g.withPointer { pg in self.withPointer { x in
                Tensor.filled(self.shape) { ElementwiseKernels.reluBackward(count: n, pg, x, $0) }
            } }]
        }
    }

    /// `min(max(x, min), max)`; either bound may be omitted. ∂x = g inside the bounds, else 0.
    public func clamped(min low: Float? = nil, max high: Float? = nil) -> Tensor {
        let lo = low ?? -.infinity, hi = high ?? .infinity
        let out = mapped { Swift.min(Swift.max($0, lo), hi) }
        return Tape.record("clamp", inputs: [self], output: out) { g in
            [g.zipped(self) { gi, xi in xi >= lo && xi <= hi ? gi : 0 }]
        }
    }

    /// `mask ≠ 0 ? a : b` elementwise with broadcasting of all three. The mask gets no gradient.
    public static func `where`(_ mask: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        guard let ab = Broadcast.shape(a.shape, b.shape), let shape = Broadcast.shape(mask.shape, ab) else {
            preconditionFailure("where: shapes \(mask.shape), \(a.shape), \(b.shape) do not broadcast")
        }
        let m = noGrad { mask.expanded(to: shape) }
        let ea = noGrad { a.expanded(to: shape) }, eb = noGrad { b.expanded(to: shape) }
        let out = m.withPointer { pm in ea.withPointer { pa in eb.withPointer { pb in
            Tensor.filled(shape) {
                ElementwiseKernels.zip3(count: m.count, pm, pa, pb, $0) { c, x, y in c != 0 ? x : y }
            }
        } } }
        return Tape.record("where", inputs: [a, b], output: out) { g in
            [a.requiresGrad ? g.zipped(m) { gi, c in c != 0 ? gi : 0 } : nil,
             b.requiresGrad ? g.zipped(m) { gi, c in c != 0 ? 0 : gi } : nil]
        }
    }
}
