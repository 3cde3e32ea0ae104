import Datasets
import Foundation
import Layers

/// What `status` shows, one labelled line per part of the session: data, model, optimizer,
/// schedule and its position, epoch and step, seed and threads, interventions, probes and the
/// output folder.
enum SessionStatus {
    static func lines(_ session: Session, autosave: String?) -> [(String, String)] {
        let x = session.experiment
        return [
            ("data", dataLine(x)),
            ("model", modelLine(x)),
            ("optimizer", optimizerLine(x).replacingOccurrences(of: "optimizer: ", with: "")),
            ("schedule", scheduleLine(x).replacingOccurrences(of: "schedule: ", with: "")),
            ("progress", "epoch \(x.completedEpochs) done, "
                + "the next batch is in epoch \(x.currentEpoch) · step \(x.globalStep)"),
            ("seed", seedLine(x, session) + " · threads \(session.threads)"),
            ("interventions", interventionLine(x)),
            ("probes", probeLine(x)),
            ("output", "\(session.outputDirectory) · autosave \(autosave ?? "off")"),
        ]
    }

    /// The seed now, and the one the session started with when it was changed since.
    static func seedLine(_ x: Experiment, _ session: Session) -> String {
        guard let start = x.startSeed else { return "\(session.seed)" }
        return "\(start) (the session started with it; now \(session.seed))"
    }

    static func dataLine(_ x: Experiment) -> String {
        guard let settings = x.dataSettings else {
            return "none chosen yet: 'train' uses CIFAR-10 when found, else 1,024 synthetic images "
                + "('data synthetic' or 'data cifar10' chooses)"
        }
        guard let data = x.data else { return "\(settings.source) (read again on first use)" }
        return "\(data.splits.source) · \(data.countsLine) · batch \(settings.batchSize) · "
            + "augment \(settings.augment) · "
            + normalizationText(data.normalization)
    }

    /// `normalised with mean (0.491, 0.482, 0.447) std (0.247, 0.243, 0.262)`.
    static func normalizationText(_ n: Normalization) -> String {
        let f = { (v: [Float]) in "(" + v.map { String(format: "%.3f", $0) }.joined(separator: ", ") + ")" }
        return "normalised with mean \(f(n.mean)) std \(f(n.std))"
    }

    static func modelLine(_ x: Experiment) -> String {
        guard let model = x.model else { return "none yet ('model ultimus variant=bnrelu' builds one)" }
        let recipe = x.modelRecipe?.commands.joined(separator: "; ") ?? model.typeName
        return "\(recipe) · \(DataState.grouped(model.parameterCount)) parameters"
    }

    static func optimizerLine(_ x: Experiment) -> String {
        guard let settings = x.optimizerSettings else {
            return "optimizer: none chosen yet; 'train' uses the default \(OptimizerSettings.standard.description) "
                + "('optim adam lr=1e-3' chooses)"
        }
        return "optimizer: \(settings.description)"
    }

    static func scheduleLine(_ x: Experiment) -> String {
        guard let schedule = x.schedule else {
            let lr = x.optimizerSettings?.lr ?? OptimizerSettings.standard.lr
            return "schedule: none; the LR stays at the optimizer's (\(Format.lr(lr))) "
                + "('sched onecycle max_lr=4e-3 epochs=24' sets one)"
        }
        var line = "schedule: \(schedule.description) · step \(x.scheduleStep)"
        if let total = schedule.totalSteps { line += " of \(total)" }
        if let lr = try? schedule.lr(atStep: x.scheduleStep) { line += " · next LR \(Format.lr(lr))" }
        else { line += " · finished" }
        return line
    }

    static func interventionLine(_ x: Experiment) -> String {
        guard let net = x.model as? UltimusNet else { return "none" }
        let active = net.blocks.enumerated().compactMap { i, b in b.intervention.map { "ultimus\(i + 1) \($0)" } }
        guard !active.isEmpty else { return "none" }
        return active.joined(separator: ", ") + " (evaluation only; 'intervene clear' removes them)"
    }

    static func probeLine(_ x: Experiment) -> String {
        let files = x.timeline.probeFiles.map(\.name)
        if x.timeline.probes.isEmpty && files.isEmpty {
            return "the first test image of each class ('set probes=' chooses)"
        }
        return (x.timeline.probes.map { "test image \($0)" } + files).joined(separator: ", ")
    }
}
