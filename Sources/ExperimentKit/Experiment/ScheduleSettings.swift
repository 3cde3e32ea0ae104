import Layers

/// The schedules `sched` chooses from, by their command names.
public enum ScheduleKind: String, SettingWord {
    case onecycle, constant, step

    /// PyTorch's defaults for `OneCycleLR` and `StepLR` (booleans as 0/1). `max_lr` and the
    /// length of a one-cycle schedule have none: the command requires them.
    public var defaults: [String: Double] {
        switch self {
        case .onecycle:
            return ["pct_start": 0.3, "div_factor": 25, "final_div_factor": 1e4, "three_phase": 0,
                    "cycle_momentum": 1, "base_momentum": 0.85, "max_momentum": 0.95]
        case .step: return ["step_size": 1, "gamma": 0.1]
        case .constant: return [:]
        }
    }

    /// The default of one setting (0 for a setting the schedule does not have).
    public func defaultValue(_ key: String) -> Double { defaults[key] ?? 0 }
}



/// The `sched ...` choice. Built into an ``LRSchedule`` with the loader's steps per epoch.
public struct ScheduleSettings: Codable, Equatable, Sendable {
    public var kind: ScheduleKind
    /// Numeric settings under the command's names (`max_lr`, `epochs`, `total_steps`, `pct_start`,
    /// `div_factor`, `final_div_factor`, `three_phase`, `cycle_momentum`, `base_momentum`,
    /// `max_momentum`, `step_size`, `gamma`; booleans as 0/1).
    public var values: [String: Double]
    /// `anneal_strategy`.
    public var anneal: OneCycleLR.AnnealStrategy
    /// Batches per epoch when the schedule was set (from the training loader).
    public var stepsPerEpoch: Int
    /// The optimizer's learning rate when it was set (constant and step schedules start there).
    public var baseLR: Double

    public init(kind: ScheduleKind, values: [String: Double], anneal: OneCycleLR.AnnealStrategy = .cos,
                stepsPerEpoch: Int, baseLR: Double) {
        self.kind = kind
        self.values = values
        self.anneal = anneal
        self.stepsPerEpoch = stepsPerEpoch
        self.baseLR = baseLR
    }

    /// A setting, or its default when the settings do not hold it.
    public func value(_ key: String) -> Double { values[key] ?? kind.defaultValue(key) }

    private func flag(_ key: String) -> Bool { value(key) != 0 }

    /// The schedule.
    /// - Throws: ``ScheduleError`` for settings PyTorch would reject.
    public func build() throws -> LRSchedule {
        switch kind {
        case .onecycle:
            return try buildOneCycle()
        case .step:
            let size = try Self.steps(value("step_size"), times: stepsPerEpoch)
            return try StepLR(baseLR: baseLR, stepSize: max(1, size), gamma: value("gamma"))
        case .constant:
            return try ConstantLR(baseLR: baseLR, factor: 1, totalIters: 0)
        }
    }

    private func buildOneCycle() throws -> OneCycleLR {
        guard let maxLR = values["max_lr"] else { throw ScheduleError("onecycle needs max_lr=") }
        let total: Int
        if let t = values["total_steps"] {
            total = try Self.steps(t, times: 1)
        } else if let e = values["epochs"] {
            total = try Self.steps(e, times: stepsPerEpoch)
        } else {
            throw ScheduleError("onecycle needs epochs=N (or total_steps=N) to know how long the cycle is")
        }
        return try OneCycleLR(
            maxLR: maxLR, totalSteps: total, pctStart: value("pct_start"), annealStrategy: anneal,
            divFactor: value("div_factor"), finalDivFactor: value("final_div_factor"),
            threePhase: flag("three_phase"), cycleMomentum: flag("cycle_momentum"),
            baseMomentum: value("base_momentum"), maxMomentum: value("max_momentum"))
    }

    /// `count × per` as a step count; throws when it is not a whole number or cannot be counted.
    static func steps(_ count: Double, times per: Int) throws -> Int {
        guard count.isFinite, count >= 0, count <= 1e15, count == count.rounded() else {
            throw ScheduleError("\(count) is not a usable number of steps or epochs")
        }
        let (product, overflow) = Int(count).multipliedReportingOverflow(by: per)
        guard !overflow else {
            throw ScheduleError("\(Int(count)) × \(per) steps per epoch are more steps than can be counted")
        }
        return product
    }

    /// The epochs the schedule was planned for (onecycle with epochs=).
    public var plannedEpochs: Int? { values["epochs"].map { Int($0) } }
}
