import ExperimentKit
import Foundation
import Layers

/// The charts of a session, built from its records: what `plot` draws and `report` embeds.
public enum SessionCharts {
    /// The seed's 2×2 panel: training loss, test loss, training accuracy, test accuracy per epoch.
    /// - Throws: ``InspectionError`` when no epoch has been recorded.
    public static func lossAndAccuracy(_ history: TrainingHistory) throws -> [Chart] {
        let epochs = history.epochs
        guard !epochs.isEmpty else { throw InspectionError("no epochs recorded yet; train first ('train epochs=1')") }
        let x = epochs.map { Double($0.epoch) }
        let split = (epochs.compactMap(\.testSplit).last ?? .test).title
        func chart(_ title: String, _ y: [Double], accuracy: Bool, color: Int) -> Chart {
            Chart(title: title, xLabel: "epoch", yLabel: accuracy ? "accuracy (%)" : "loss",
                  series: [ChartSeries(name: title, x: x, y: y, color: Chart.palette[color % Chart.palette.count])])
        }
        return [
            chart("Training Loss", epochs.map(\.trainLoss), accuracy: false, color: 0),
            chart("\(split) Loss", epochs.map { $0.testLoss ?? .nan }, accuracy: false, color: 1),
            chart("Training Accuracy", epochs.map(\.trainAccuracy), accuracy: true, color: 0),
            chart("\(split) Accuracy", epochs.map { $0.testAccuracy ?? .nan }, accuracy: true, color: 1),
        ]
    }

    /// The LR range test: smoothed loss against the LR (log axis), the suggestions marked.
    public static func lrFinder(_ result: LRFinderResult) -> Chart {
        var markers: [ChartMarker] = []
        if let s = result.steepest { markers.append(ChartMarker(x: s, label: "steepest \(Format.lr(s))")) }
        if let m = result.minimum { markers.append(ChartMarker(x: m, label: "min/10 \(Format.lr(m))")) }
        if let v = result.valley { markers.append(ChartMarker(x: v, label: "valley \(Format.lr(v))")) }
        let stop = result.diverged ? ", stopped at divergence" : ""
        return Chart(title: "LR range test (\(result.settings.mode.rawValue), \(result.lrs.count) iterations\(stop))",
                     xLabel: "learning rate", yLabel: result.settings.smooth == 0 ? "loss" : "loss (smoothed)",
                     series: [ChartSeries(name: "loss", x: result.lrs, y: result.losses)], markers: markers,
                     logX: result.settings.mode != .linear)
    }

    /// LR and β1 (or momentum) per training step, two panels.
    /// - Throws: ``InspectionError`` before any step.
    public static func lrHistory(_ history: TrainingHistory) throws -> [Chart] {
        let steps = history.steps
        guard !steps.isEmpty else { throw InspectionError("no steps recorded yet; train first ('train steps=10')") }
        let x = steps.map { Double($0.step) }
        return [
            Chart(title: "Learning rate per step", xLabel: "step", yLabel: "LR",
                  series: [ChartSeries(name: "lr", x: x, y: steps.map(\.lr))]),
            Chart(title: "β1 / momentum per step", xLabel: "step", yLabel: "β1",
                  series: [ChartSeries(name: "beta1", x: x, y: steps.map(\.beta1), color: Chart.palette[1])]),
        ]
    }

    /// A schedule's LR and momentum for steps `0..<total`, with the next step marked.
    /// - Throws: ``ScheduleError`` from the schedule.
    /// Most points a schedule chart computes: longer schedules are sampled evenly (ends included).
    static let maxSchedulePoints = 4_000

    /// Every step of a short schedule; for a long one, evenly spaced steps plus the last and `current`.
    static func sampledSteps(total: Int, current: Int?) -> [Int] {
        guard total > maxSchedulePoints else { return Array(0..<total) }
        let stride = Double(total - 1) / Double(maxSchedulePoints - 1)
        var steps = Set((0..<maxSchedulePoints).map { min(total - 1, Int((Double($0) * stride).rounded())) })
        if let current, current < total { steps.insert(current) }
        return steps.sorted()
    }

    public static func schedule(_ schedule: LRSchedule, total: Int, current: Int?) throws -> [Chart] {
        let steps = sampledSteps(total: max(1, total), current: current)
        let lrs = try steps.map { try schedule.lr(atStep: $0) }
        let momenta = try steps.map { try schedule.momentum(atStep: $0) }
        let x = steps.map(Double.init)
        let markers = current.map { [ChartMarker(x: Double($0), label: "next step \($0)")] } ?? []
        var charts = [Chart(title: "Schedule: LR per step (\(total) steps)", xLabel: "step", yLabel: "LR",
                            series: [ChartSeries(name: "lr", x: x, y: lrs)], markers: markers)]
        if momenta.contains(where: { $0 != nil }) {
            charts.append(Chart(title: "Schedule: β1 / momentum per step", xLabel: "step", yLabel: "β1",
                                series: [ChartSeries(name: "beta1", x: x, y: momenta.map { $0 ?? .nan },
                                                     color: Chart.palette[1])],
                                markers: markers))
        }
        return charts
    }
}
