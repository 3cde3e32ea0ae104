/// Warnings about a schedule, printed when it is set: mistakes that train without error but not
/// as intended.
public enum ScheduleLints {
    /// How far above an LR-finder suggestion the peak may go before it is flagged.
    public static let suggestionFactor = 10.0

    /// The warnings for `schedule`, given the planned training length and an optional LR-finder
    /// suggestion. Each is one line naming the problem and the fix.
    /// - `final_div_factor < 1`: the LR ends above where it started (as in the seed's notebook).
    /// - a bounded schedule whose length differs from `epochs × stepsPerEpoch`.
    /// - a peak LR more than ``suggestionFactor`` times the LR finder's suggestion.
    public static func check(_ schedule: LRSchedule, plannedEpochs: Int? = nil, stepsPerEpoch: Int? = nil,
                             lrFinderSuggestion: Double? = nil) -> [String] {
        var warnings: [String] = []
        if let cycle = schedule as? OneCycleLR, cycle.finalDivFactor < 1 {
            warnings.append("final_div_factor \(format(cycle.finalDivFactor)) < 1: the LR ends at "
                            + "\(format(cycle.minLR)), above where it starts (\(format(cycle.initialLR))); "
                            + "use a final_div_factor above 1 (PyTorch's default is 1e4)")
        }
        if let total = schedule.totalSteps, let epochs = plannedEpochs, let steps = stepsPerEpoch {
            let planned = epochs * steps
            if total < planned {
                let plan = "the schedule has \(total) steps but training plans "
                    + "\(epochs) epochs × \(steps) batches = \(planned)"
                let rebuild = "build it with epochs=\(epochs) steps_per_epoch=\(steps)"
                warnings.append("\(plan): it will fail at step \(total + 1); \(rebuild)")
            } else if total > planned {
                let plan = "the schedule has \(total) steps but training plans "
                    + "\(epochs) epochs × \(steps) batches = \(planned)"
                let rebuild = "build it with epochs=\(epochs) steps_per_epoch=\(steps)"
                warnings.append("\(plan): it will stop before the LR anneals; \(rebuild)")
            }
        }
        if let suggestion = lrFinderSuggestion, suggestion > 0, schedule.peakLR > suggestionFactor * suggestion {
            let ratio = schedule.peakLR / suggestion
            let times = String(format: ratio >= 100 ? "%.0f" : "%.1f", ratio)
            warnings.append("peak LR \(format(schedule.peakLR)) is \(times)× the LR finder's suggestion "
                            + "\(format(suggestion)); expect divergence, or lower max_lr")
        }
        return warnings
    }

    static func format(_ x: Double) -> String {
        let magnitude = abs(x)
        if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e4) {
            return String(format: "%.3g", x)
        }
        var s = String(format: "%.4f", x)
        while s.contains(".") && (s.hasSuffix("0") || s.hasSuffix(".")) { s.removeLast() }
        return s
    }
}

import Foundation
