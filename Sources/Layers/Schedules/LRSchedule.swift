/// A learning-rate schedule: pure values per step, applied to an optimizer before each update.
///
/// Step `s` is PyTorch's `last_epoch`: 0 after construction, +1 per `scheduler.step()`. In the usual
/// loop (`optimizer.step(); scheduler.step()`) batch j trains with the values at step j.
public protocol LRSchedule {
    /// A short description with PyTorch's argument names, for printing.
    var description: String { get }
    /// The last valid step, when the schedule has an end (OneCycleLR allows `s ≤ totalSteps`).
    var totalSteps: Int? { get }
    /// The learning rate at step `s`.
    /// - Throws: ``ScheduleError`` past the end of a bounded schedule or for a negative step.
    func lr(atStep s: Int) throws -> Double
    /// The momentum (SGD) or β1 (Adam) at step `s`, or `nil` when the schedule leaves it alone.
    func momentum(atStep s: Int) throws -> Double?
    /// The highest learning rate the schedule reaches, for lints.
    var peakLR: Double { get }
}

extension LRSchedule {
    /// Sets the optimizer's `lr` (and momentum or β1, when the schedule cycles it) for step `s`.
    /// - Throws: ``ScheduleError`` past the end, or when momentum is cycled on an optimizer without one.
    public func apply(step s: Int, to optimizer: Optimizer) throws {
        let lr = try lr(atStep: s)
        if let m = try momentum(atStep: s) {
            guard optimizer.supportsMomentum else {
                throw ScheduleError("\(optimizer.name) has no momentum or betas to cycle; use cycle_momentum=false")
            }
            optimizer.beta1 = m
        }
        optimizer.lr = lr
    }

    public func momentum(atStep s: Int) throws -> Double? { nil }
}

/// A schedule used outside its range or built from invalid settings.
public struct ScheduleError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

func requireNonNegative(_ s: Int) throws {
    guard s >= 0 else { throw ScheduleError("schedule step \(s) is negative; steps count from 0") }
}

/// PyTorch's `ConstantLR`: `base·factor` for steps below `totalIters`, then `base`.
/// Defaults as PyTorch: factor 1/3, total_iters 5. `factor: 1` is a plain constant rate.
public struct ConstantLR: LRSchedule {
    public var baseLR: Double
    public var factor: Double
    public var totalIters: Int

    public init(baseLR: Double, factor: Double = 1.0 / 3, totalIters: Int = 5) throws {
        guard factor >= 0, factor <= 1 else {
            throw ScheduleError("ConstantLR factor \(factor) must lie in [0, 1]")
        }
        self.baseLR = baseLR
        self.factor = factor
        self.totalIters = totalIters
    }

    public var description: String { "ConstantLR(lr=\(baseLR), factor=\(factor), total_iters=\(totalIters))" }
    public var totalSteps: Int? { nil }
    public var peakLR: Double { baseLR }

    public func lr(atStep s: Int) throws -> Double {
        try requireNonNegative(s)
        return s < totalIters ? baseLR * factor : baseLR
    }
}

/// PyTorch's `StepLR`: `base·gammaᶠˡᵒᵒʳ⁽ˢ/ˢᵗᵉᵖ_ˢⁱᶻᵉ⁾`. Default gamma 0.1.
public struct StepLR: LRSchedule {
    public var baseLR: Double
    public var stepSize: Int
    public var gamma: Double

    public init(baseLR: Double, stepSize: Int, gamma: Double = 0.1) throws {
        guard stepSize > 0 else { throw ScheduleError("StepLR step_size must be a positive integer, got \(stepSize)") }
        self.baseLR = baseLR
        self.stepSize = stepSize
        self.gamma = gamma
    }

    public var description: String { "StepLR(lr=\(baseLR), step_size=\(stepSize), gamma=\(gamma))" }
    public var totalSteps: Int? { nil }
    public var peakLR: Double { gamma > 1 ? .infinity : baseLR }

    public func lr(atStep s: Int) throws -> Double {
        try requireNonNegative(s)
        return baseLR * pow(gamma, Double(s / stepSize))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
