/// The one-cycle policy (Smith & Topin), exactly as `torch.optim.lr_scheduler.OneCycleLR`.
///
/// initial = max_lr/div_factor, min = initial/final_div_factor. Two phases by default:
/// `[0, pct·T−1]` initial→max (momentum max→base), `[.., T−1]` max→min (base→max).
/// `threePhase`: `[0, pct·T−1]` initial→max, `[.., 2·pct·T−2]` max→initial, `[.., T−1]` initial→min
/// (momentum max→base→max, then constant). Phase ends are floats. Within a phase
/// pct = (s − start)/(end − start); cos: `end + (start−end)/2·(cos(π·pct)+1)`,
/// linear: `(end−start)·pct + start`. Step T is allowed and lies past the end; T+1 throws.
/// Defaults: pct_start 0.3, cos, div_factor 25, final_div_factor 1e4, two phases,
/// cycle_momentum true, base 0.85, max 0.95.
public struct OneCycleLR: LRSchedule {
    /// How values move within a phase.
    public enum AnnealStrategy: String, CaseIterable, Codable, Sendable { case cos, linear }

    public let maxLR: Double
    /// The number of optimizer steps the schedule plans (T).
    public let stepCount: Int
    public let pctStart: Double
    public let annealStrategy: AnnealStrategy
    public let divFactor: Double
    public let finalDivFactor: Double
    public let threePhase: Bool
    public let cycleMomentum: Bool
    public let baseMomentum: Double
    public let maxMomentum: Double

    private struct Phase { var end: Double; var startLR, endLR, startMomentum, endMomentum: Double }
    private let phases: [Phase]

    /// A schedule over `totalSteps` optimizer steps.
    /// - Throws: ``ScheduleError`` for a non-positive step count or `pctStart` outside [0, 1].
    public init(maxLR: Double, totalSteps: Int, pctStart: Double = 0.3, annealStrategy: AnnealStrategy = .cos,
                divFactor: Double = 25, finalDivFactor: Double = 1e4, threePhase: Bool = false,
                cycleMomentum: Bool = true, baseMomentum: Double = 0.85, maxMomentum: Double = 0.95) throws {
        guard totalSteps > 0 else { throw ScheduleError("OneCycleLR needs a positive total_steps, got \(totalSteps)") }
        guard pctStart >= 0, pctStart <= 1 else {
            throw ScheduleError("OneCycleLR pct_start must lie in [0, 1], got \(pctStart)")
        }
        guard divFactor > 0, finalDivFactor > 0 else {
            throw ScheduleError("OneCycleLR div_factor and final_div_factor must be positive")
        }
        self.maxLR = maxLR
        self.stepCount = totalSteps
        self.pctStart = pctStart
        self.annealStrategy = annealStrategy
        self.divFactor = divFactor
        self.finalDivFactor = finalDivFactor
        self.threePhase = threePhase
        self.cycleMomentum = cycleMomentum
        self.baseMomentum = baseMomentum
        self.maxMomentum = maxMomentum
        guard pctStart * Double(totalSteps) != 1 else {
            throw ScheduleError("OneCycleLR pct_start·total_steps = 1 leaves the warm-up phase empty; "
                                + "raise pct_start or total_steps")
        }
        let initial = maxLR / divFactor, minLR = initial / finalDivFactor
        let t = Double(totalSteps)
        if threePhase {
            phases = [
                Phase(end: pctStart * t - 1, startLR: initial, endLR: maxLR,
                      startMomentum: maxMomentum, endMomentum: baseMomentum),
                Phase(end: 2 * pctStart * t - 2, startLR: maxLR, endLR: initial,
                      startMomentum: baseMomentum, endMomentum: maxMomentum),
                Phase(end: t - 1, startLR: initial, endLR: minLR,
                      startMomentum: maxMomentum, endMomentum: maxMomentum),
            ]
        } else {
            phases = [
                Phase(end: pctStart * t - 1, startLR: initial, endLR: maxLR,
                      startMomentum: maxMomentum, endMomentum: baseMomentum),
                Phase(end: t - 1, startLR: maxLR, endLR: minLR,
                      startMomentum: baseMomentum, endMomentum: maxMomentum),
            ]
        }
    }

    /// A schedule over `epochs × stepsPerEpoch` steps.
    public init(maxLR: Double, epochs: Int, stepsPerEpoch: Int, pctStart: Double = 0.3,
                annealStrategy: AnnealStrategy = .cos, divFactor: Double = 25, finalDivFactor: Double = 1e4,
                threePhase: Bool = false, cycleMomentum: Bool = true, baseMomentum: Double = 0.85,
                maxMomentum: Double = 0.95) throws {
        guard epochs > 0, stepsPerEpoch > 0 else {
            throw ScheduleError("OneCycleLR needs positive epochs and steps_per_epoch, "
                                + "got \(epochs) and \(stepsPerEpoch)")
        }
        try self.init(maxLR: maxLR, totalSteps: epochs * stepsPerEpoch, pctStart: pctStart,
                      annealStrategy: annealStrategy, divFactor: divFactor, finalDivFactor: finalDivFactor,
                      threePhase: threePhase, cycleMomentum: cycleMomentum, baseMomentum: baseMomentum,
                      maxMomentum: maxMomentum)
    }

    public var totalSteps: Int? { stepCount }
    /// The first learning rate, max_lr/div_factor.
    public var initialLR: Double { maxLR / divFactor }
    /// The last planned learning rate (at step T−1), initial/final_div_factor.
    public var minLR: Double { initialLR / finalDivFactor }
    public var peakLR: Double { max(maxLR, initialLR, minLR) }
    /// The fractional step where each phase ends.
    public var phaseEnds: [Double] { phases.map(\.end) }

    public var description: String {
        "OneCycleLR(max_lr=\(maxLR), total_steps=\(stepCount), pct_start=\(pctStart), "
            + "anneal_strategy=\(annealStrategy.rawValue), div_factor=\(divFactor), "
            + "final_div_factor=\(finalDivFactor), three_phase=\(threePhase))"
    }

    public func lr(atStep s: Int) throws -> Double {
        let (phase, pct) = try locate(s)
        return anneal(phase.startLR, phase.endLR, pct)
    }

    public func momentum(atStep s: Int) throws -> Double? {
        guard cycleMomentum else { try _ = locate(s); return nil }
        let (phase, pct) = try locate(s)
        return anneal(phase.startMomentum, phase.endMomentum, pct)
    }

    private func locate(_ s: Int) throws -> (Phase, Double) {
        try requireNonNegative(s)
        guard s <= stepCount else {
            throw ScheduleError("Tried to step \(s) times. The specified number of total steps is \(stepCount); "
                                + "build a longer schedule to train further")
        }
        var start = 0.0
        let step = Double(s)
        for phase in phases.dropLast() {
            if step <= phase.end { return (phase, (step - start) / (phase.end - start)) }
            start = phase.end
        }
        let last = phases[phases.count - 1]
        return (last, (step - start) / (last.end - start))
    }

    private func anneal(_ start: Double, _ end: Double, _ pct: Double) -> Double {
        switch annealStrategy {
        case .cos: return end + (start - end) / 2.0 * (cos(Double.pi * pct) + 1)
        case .linear: return (end - start) * pct + start
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
