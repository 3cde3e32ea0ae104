/// Adam (Kingma & Ba), as `torch.optim.Adam` computes it on float32 tensors.
///
/// With g the gradient and t the parameter's step count (from 1):
/// g ← g + λθ (L2 `weight_decay`, added to the gradient); m ← lerp(m, g, 1−β1);
/// v ← β2·v + (1−β2)·g²; θ ← θ − (lr/(1−β1ᵗ)) · m / (√v̂/√(1−β2ᵗ) + ε),
/// with v̂ = v, or with `amsgrad` the running maximum v̂ ← max(v̂, v) (PyTorch's `max_exp_avg_sq`).
/// Bias correction is always on. Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0,
/// amsgrad false. State per parameter: `step`, `exp_avg`, `exp_avg_sq` (and `max_exp_avg_sq`).
open class Adam: Optimizer {
    public var betas: (Double, Double)
    public var eps: Double
    public var weightDecay: Double
    /// AMSGrad (Reddi et al.): normalise by the largest second moment seen so far.
    public let amsgrad: Bool
    var steps: [Int]
    var expAvg: [Tensor?]
    var expAvgSq: [Tensor?]
    var maxExpAvgSq: [Tensor?]

    public init(parameters: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                eps: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false) {
        self.betas = betas
        self.eps = eps
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
        steps = Array(repeating: 0, count: parameters.count)
        expAvg = Array(repeating: nil, count: parameters.count)
        expAvgSq = Array(repeating: nil, count: parameters.count)
        maxExpAvgSq = Array(repeating: nil, count: parameters.count)
        super.init(parameters: parameters, lr: lr)
    }

    /// Whether weight decay is decoupled (AdamW) rather than added to the gradient.
    open var decoupledWeightDecay: Bool { false }

    open override var beta1: Double {
        get { betas.0 }
        set { betas.0 = newValue }
    }
    open override var supportsMomentum: Bool { true }

    open override var hyperparameters: [(String, Double)] {
        [("lr", lr), ("beta1", betas.0), ("beta2", betas.1), ("eps", eps), ("weight_decay", weightDecay)]
    }

    open override func setHyperparameter(_ name: String, _ value: Double) -> Bool {
        switch name {
        case "lr": lr = value
        case "beta1": betas.0 = value
        case "beta2": betas.1 = value
        case "eps": eps = value
        case "weight_decay": weightDecay = value
        default: return false
        }
        return true
    }

    open override func update(index i: Int, parameter: Tensor, gradient: Tensor) {
        let m = expAvg[i] ?? Tensor.zeros(parameter.shape)
        let v = expAvgSq[i] ?? Tensor.zeros(parameter.shape)
        expAvg[i] = m
        expAvgSq[i] = v
        // AMSGrad's running maximum of v; the denominator reads it instead of v.
        let vMax = amsgrad ? (maxExpAvgSq[i] ?? Tensor.zeros(parameter.shape)) : nil
        maxExpAvgSq[i] = vMax
        steps[i] += 1
        let t = Double(steps[i])
        let (beta1, beta2) = betas
        let stepSize = lr / (1 - pow(beta1, t))
        let correction2Sqrt = Float((1 - pow(beta2, t)).squareRoot())
        let decay = Float(weightDecay), shrink = Float(1 - lr * weightDecay)
        let w = Float(1 - beta1), b2 = Float(beta2), oneMinusB2 = Float(1 - beta2)
        let epsilon = Float(eps), negStep = Float(-stepSize)
        let decoupled = decoupledWeightDecay, decays = weightDecay != 0
        withOptionalStorage(vMax) { hp in
            parameter.storage.withUnsafeMutableBufferPointer { p in
                gradient.storage.withUnsafeBufferPointer { gp in
                    m.storage.withUnsafeMutableBufferPointer { mp in
                        v.storage.withUnsafeMutableBufferPointer { vp in
                            for k in 0..<p.count {
                                var g = gp[k]
                                if decays {
                                    if decoupled { p[k] *= shrink } else { g += decay * p[k] }
                                }
                                mp[k] = lerp(mp[k], g, w)
                                vp[k] = vp[k] * b2 + oneMinusB2 * g * g
                                var second = vp[k]
                                if let hp {
                                    hp[k] = Swift.max(hp[k], second)
                                    second = hp[k]
                                }
                                let denom = second.squareRoot() / correction2Sqrt + epsilon
                                p[k] += negStep * mp[k] / denom
                            }
                        }
                    }
                }
            }
        }
    }

    open override func state(index i: Int) -> [(String, Tensor)] {
        guard let m = expAvg[i], let v = expAvgSq[i] else { return [] }
        let entries = [("step", Tensor(Float(steps[i]))), ("exp_avg", m), ("exp_avg_sq", v)]
        return entries + (maxExpAvgSq[i].map { [("max_exp_avg_sq", $0)] } ?? [])
    }

    open override func setState(index i: Int, _ entries: [(String, Tensor)]) throws {
        guard !entries.isEmpty else {
            steps[i] = 0; expAvg[i] = nil; expAvgSq[i] = nil; maxExpAvgSq[i] = nil
            return
        }
        let byName = Dictionary(entries, uniquingKeysWith: { $1 })
        let needed = amsgrad ? "step, exp_avg, exp_avg_sq and max_exp_avg_sq (amsgrad)" : "step, exp_avg and exp_avg_sq"
        guard let step = byName["step"], step.count == 1, let m = byName["exp_avg"], let v = byName["exp_avg_sq"],
              amsgrad == (byName["max_exp_avg_sq"] != nil) else {
            throw OptimizerStateError("\(name) state of parameter \(i) needs \(needed); "
                                      + "found \(entries.map(\.0).joined(separator: ", "))")
        }
        try requireShape(m, of: parameters[i], "exp_avg", index: i)
        try requireShape(v, of: parameters[i], "exp_avg_sq", index: i)
        if let vMax = byName["max_exp_avg_sq"] { try requireShape(vMax, of: parameters[i], "max_exp_avg_sq", index: i) }
        steps[i] = Int(step.storage[0])
        expAvg[i] = m.copy()
        expAvgSq[i] = v.copy()
        maxExpAvgSq[i] = byName["max_exp_avg_sq"]?.copy()
    }
}

/// Runs `body` with `tensor`'s mutable storage, or with `nil` when there is no tensor.
private func withOptionalStorage<R>(_ tensor: Tensor?, _ body: (UnsafeMutableBufferPointer<Float>?) -> R) -> R {
    guard let tensor else { return body(nil) }
    return tensor.storage.withUnsafeMutableBufferPointer { body($0) }
}

/// PyTorch's `lerp`: `a + w·(b − a)` for |w| < 0.5, else `b − (b − a)·(1 − w)`.
@inline(__always)
func lerp(_ a: Float, _ b: Float, _ w: Float) -> Float {
    abs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
