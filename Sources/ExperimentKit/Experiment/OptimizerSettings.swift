import Layers

/// The `optim ...` choice: which optimizer and its hyperparameters under PyTorch's names.
public struct OptimizerSettings: Codable, Equatable, Sendable {
    /// `sgd`, `adam` or `adamw`.
    public var kind: String
    /// `lr`, `weight_decay`, `momentum`, `dampening`, `nesterov` (0/1), `beta1`, `beta2`, `eps`, `amsgrad` (0/1).
    public var values: [String: Double]

    public init(kind: String, values: [String: Double]) {
        self.kind = kind
        self.values = values
    }

    /// PyTorch's defaults: SGD lr 0.01; Adam lr 1e-3; AdamW lr 1e-3 and weight decay 0.01.
    public static func defaults(_ kind: String) -> [String: Double] {
        switch kind {
        case "sgd": return ["lr": 0.01, "momentum": 0, "dampening": 0, "nesterov": 0, "weight_decay": 0]
        case "adamw": return ["lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01]
        default: return ["lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0]
        }
    }

    /// The optimizer used when `train` runs before any `optim` command.
    public static let standard = OptimizerSettings(kind: "adam", values: defaults("adam"))

    public var lr: Double { values["lr"] ?? 1e-3 }
    /// Adam/AdamW's AMSGrad variant (sessions saved before it existed say nothing: off).
    public var amsgrad: Bool { (values["amsgrad"] ?? 0) != 0 }

    /// A new optimizer over `parameters` (fresh state).
    public func build(parameters: [Tensor]) -> Optimizer {
        let v = values
        switch kind {
        case "sgd":
            return SGD(parameters: parameters, lr: lr, momentum: v["momentum"] ?? 0, dampening: v["dampening"] ?? 0,
                       nesterov: (v["nesterov"] ?? 0) != 0, weightDecay: v["weight_decay"] ?? 0)
        case "adamw":
            return AdamW(parameters: parameters, lr: lr, betas: (v["beta1"] ?? 0.9, v["beta2"] ?? 0.999),
                         eps: v["eps"] ?? 1e-8, weightDecay: v["weight_decay"] ?? 0.01, amsgrad: amsgrad)
        default:
            return Adam(parameters: parameters, lr: lr, betas: (v["beta1"] ?? 0.9, v["beta2"] ?? 0.999),
                        eps: v["eps"] ?? 1e-8, weightDecay: v["weight_decay"] ?? 0, amsgrad: amsgrad)
        }
    }

    /// `Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0)`, with `, amsgrad=True` when on.
    public var description: String {
        let v = values
        func f(_ key: String) -> String { Format.number(v[key] ?? 0) }
        switch kind {
        case "sgd":
            return "SGD(lr=\(f("lr")), momentum=\(f("momentum")), dampening=\(f("dampening")), nesterov=\((v["nesterov"] ?? 0) != 0 ? "True" : "False"), weight_decay=\(f("weight_decay")))"
        default:
            let name = kind == "adamw" ? "AdamW" : "Adam"
            return "\(name)(lr=\(f("lr")), betas=(\(f("beta1")), \(f("beta2"))), eps=\(f("eps")), weight_decay=\(f("weight_decay"))\(amsgrad ? ", amsgrad=True" : ""))"
        }
    }
}

/// The `sched ...` choice. Built into an ``LRSchedule`` with the loader's steps per epoch.
public struct ScheduleSettings: Codable, Equatable, Sendable {
    /// `onecycle`, `constant` or `step`.
    public var kind: String
    /// Numeric settings under the command's names (`max_lr`, `epochs`, `total_steps`, `pct_start`,
    /// `div_factor`, `final_div_factor`, `three_phase`, `cycle_momentum`, `base_momentum`,
    /// `max_momentum`, `step_size`, `gamma`; booleans as 0/1).
    public var values: [String: Double]
    /// `anneal_strategy` (`cos` or `linear`).
    public var anneal: String
    /// Batches per epoch when the schedule was set (from the training loader).
    public var stepsPerEpoch: Int
    /// The optimizer's learning rate when it was set (constant and step schedules start there).
    public var baseLR: Double

    public init(kind: String, values: [String: Double], anneal: String = "cos", stepsPerEpoch: Int, baseLR: Double) {
        self.kind = kind
        self.values = values
        self.anneal = anneal
        self.stepsPerEpoch = stepsPerEpoch
        self.baseLR = baseLR
    }

    /// The schedule.
    /// - Throws: ``ScheduleError`` for settings PyTorch would reject.
    public func build() throws -> LRSchedule {
        let v = values
        switch kind {
        case "onecycle":
            guard let maxLR = v["max_lr"] else { throw ScheduleError("onecycle needs max_lr=") }
            let total: Int
            if let t = v["total_steps"] { total = try Self.steps(t, times: 1) } else if let e = v["epochs"] { total = try Self.steps(e, times: stepsPerEpoch) } else {
                throw ScheduleError("onecycle needs epochs=N (or total_steps=N) to know how long the cycle is")
            }
            return try OneCycleLR(
                maxLR: maxLR, totalSteps: total, pctStart: v["pct_start"] ?? 0.3,
                annealStrategy: anneal == "linear" ? .linear : .cos, divFactor: v["div_factor"] ?? 25,
                finalDivFactor: v["final_div_factor"] ?? 1e4, threePhase: (v["three_phase"] ?? 0) != 0,
                cycleMomentum: (v["cycle_momentum"] ?? 1) != 0, baseMomentum: v["base_momentum"] ?? 0.85,
                maxMomentum: v["max_momentum"] ?? 0.95)
        case "step":
            let size = try Self.steps(v["step_size"] ?? 1, times: stepsPerEpoch)
            return try StepLR(baseLR: baseLR, stepSize: max(1, size), gamma: v["gamma"] ?? 0.1)
        default:
            return try ConstantLR(baseLR: baseLR, factor: 1, totalIters: 0)
        }
    }

    /// `count × per` as a step count; throws when it is not a whole number or cannot be counted.
    static func steps(_ count: Double, times per: Int) throws -> Int {
        guard count.isFinite, count >= 0, count <= 1e15, count == count.rounded() else {
            throw ScheduleError("\(count) is not a usable number of steps or epochs")
        }
        let (product, overflow) = Int(count).multipliedReportingOverflow(by: per)
        guard !overflow else { throw ScheduleError("\(Int(count)) × \(per) steps per epoch are more steps than can be counted") }
        return product
    }

    /// The epochs the schedule was planned for (onecycle with epochs=).
    public var plannedEpochs: Int? { values["epochs"].map { Int($0) } }
}
