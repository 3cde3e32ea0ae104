/// Stochastic gradient descent with momentum, as `torch.optim.SGD`.
///
/// g ← g + λθ; with momentum μ: b ← g on the first step, else b ← μ·b + (1 − dampening)·g;
/// g ← g + μ·b (Nesterov) or g ← b; then θ ← θ − lr·g.
/// Defaults: momentum 0, dampening 0, nesterov false, weight decay 0. State: `momentum_buffer`.
public final class SGD: Optimizer {
    public var momentum: Double
    public var dampening: Double
    public var nesterov: Bool
    public var weightDecay: Double
    var buffers: [Tensor?]

    public init(parameters: [Tensor], lr: Double, momentum: Double = 0, dampening: Double = 0,
                nesterov: Bool = false, weightDecay: Double = 0) {
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        buffers = Array(repeating: nil, count: parameters.count)
        super.init(parameters: parameters, lr: lr)
    }

    public override var beta1: Double {
        get { momentum }
        set { momentum = newValue }
    }
    public override var supportsMomentum: Bool { true }

    public override var hyperparameters: [(String, Double)] {
        [("lr", lr), ("momentum", momentum), ("dampening", dampening), ("nesterov", nesterov ? 1 : 0),
         ("weight_decay", weightDecay)]
    }

    public override func setHyperparameter(_ name: String, _ value: Double) -> Bool {
        switch name {
        case "lr": lr = value
        case "momentum", "beta1": momentum = value
        case "dampening": dampening = value
        case "nesterov": nesterov = value != 0
        case "weight_decay": weightDecay = value
        default: return false
        }
        return true
    }

    public override func update(index i: Int, parameter: Tensor, gradient: Tensor) {
        var g = gradient.storage
        let p = parameter.storage
        if weightDecay != 0 {
            let wd = Float(weightDecay)
            for k in g.indices { g[k] += wd * p[k] }
        }
        if momentum != 0 {
            let mu = Float(momentum), keep = Float(1 - dampening)
            let buffer: Tensor
            if let b = buffers[i] {
                for k in g.indices { b.storage[k] = b.storage[k] * mu + keep * g[k] }
                buffer = b
            } else {
                buffer = Tensor(shape: parameter.shape, storage: g)
                buffers[i] = buffer
            }
            if nesterov {
                for k in g.indices { g[k] += mu * buffer.storage[k] }
            } else {
                g = buffer.storage
            }
        }
        let negLR = Float(-lr)
        parameter.storage.withUnsafeMutableBufferPointer { pp in
            for k in 0..<pp.count { pp[k] += negLR * g[k] }
        }
    }

    public override func state(index i: Int) -> [(String, Tensor)] {
        buffers[i].map { [("momentum_buffer", $0)] } ?? []
    }

    public override func setState(index i: Int, _ entries: [(String, Tensor)]) throws {
        guard let entry = entries.first else { buffers[i] = nil; return }
        guard entries.count == 1, entry.0 == "momentum_buffer" else {
            throw OptimizerStateError("SGD state of parameter \(i) holds only momentum_buffer; "
                                      + "found \(entries.map(\.0).joined(separator: ", "))")
        }
        try requireShape(entry.1, of: parameters[i], "momentum_buffer", index: i)
        buffers[i] = entry.1.copy()
    }
}
