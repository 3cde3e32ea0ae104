import Layers

/// The optimizers `optim` chooses from, by their command names.
public enum OptimizerKind: String, SettingWord {
    case sgd, adam, adamw

    /// PyTorch's defaults: SGD lr 0.01; Adam lr 1e-3; AdamW lr 1e-3 and weight decay 0.01.
    /// (AMSGrad is off when `amsgrad` is absent.)
    public var defaults: [String: Double] {
        switch self {
        case .sgd: return ["lr": 0.01, "momentum": 0, "dampening": 0, "nesterov": 0, "weight_decay": 0]
        case .adam: return ["lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0]
        case .adamw: return ["lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01]
        }
    }

    /// The default of one setting (0 for a setting the optimizer does not have).
    public func defaultValue(_ key: String) -> Double { defaults[key] ?? 0 }

    /// PyTorch's class name: `SGD`, `Adam`, `AdamW`.
    public var torchName: String {
        switch self {
        case .sgd: return "SGD"
        case .adam: return "Adam"
        case .adamw: return "AdamW"
        }
    }
}

/// The `optim ...` choice: which optimizer and its hyperparameters under PyTorch's names.
public struct OptimizerSettings: Codable, Equatable, Sendable {
    public var kind: OptimizerKind
    /// `lr`, `weight_decay`, `momentum`, `dampening`, `nesterov` (0/1), `beta1`, `beta2`, `eps`, `amsgrad` (0/1).
    public var values: [String: Double]

    public init(kind: OptimizerKind, values: [String: Double]) {
        self.kind = kind
        self.values = values
    }

    /// The optimizer's settings at their defaults.
    public init(kind: OptimizerKind) {
        self.init(kind: kind, values: kind.defaults)
    }

    /// The optimizer used when `train` runs before any `optim` command.
    public static let standard = OptimizerSettings(kind: .adam)

    /// A setting, or its default when the settings do not hold it.
    public func value(_ key: String) -> Double { values[key] ?? kind.defaultValue(key) }

    public var lr: Double { value("lr") }
    /// Adam/AdamW's AMSGrad variant (sessions saved before it existed say nothing: off).
    public var amsgrad: Bool { value("amsgrad") != 0 }
    /// SGD's Nesterov momentum.
    public var nesterov: Bool { value("nesterov") != 0 }
    /// Adam's `(β1, β2)`.
    public var betas: (Double, Double) { (value("beta1"), value("beta2")) }

    /// A new optimizer over `parameters` (fresh state).
    public func build(parameters: [Tensor]) -> Optimizer {
        let decay = value("weight_decay")
        switch kind {
        case .sgd:
            return SGD(parameters: parameters, lr: lr, momentum: value("momentum"), dampening: value("dampening"),
                       nesterov: nesterov, weightDecay: decay)
        case .adam:
            return Adam(parameters: parameters, lr: lr, betas: betas, eps: value("eps"), weightDecay: decay,
                        amsgrad: amsgrad)
        case .adamw:
            return AdamW(parameters: parameters, lr: lr, betas: betas, eps: value("eps"), weightDecay: decay,
                         amsgrad: amsgrad)
        }
    }

    /// `Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0)`, with `, amsgrad=True` when on.
    public var description: String {
        func f(_ key: String) -> String { Format.number(value(key)) }
        switch kind {
        case .sgd:
            return "SGD(lr=\(f("lr")), momentum=\(f("momentum")), dampening=\(f("dampening")), "
                + "nesterov=\(nesterov ? "True" : "False"), weight_decay=\(f("weight_decay")))"
        case .adam, .adamw:
            return "\(kind.torchName)(lr=\(f("lr")), betas=(\(f("beta1")), \(f("beta2"))), eps=\(f("eps")), "
                + "weight_decay=\(f("weight_decay"))\(amsgrad ? ", amsgrad=True" : ""))"
        }
    }
}
