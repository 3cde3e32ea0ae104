import Autograd
import Datasets
import Foundation

/// A session file is data: every field is checked against the limits the commands enforce before
/// anything is built from it, and a field out of range is refused with one line naming it.
extension SessionRecord {
    /// Largest step, epoch, image or command count a session may hold (about 10¹²): far beyond
    /// any real run, and small enough that sums and products of a few of them cannot overflow.
    static let maxCount = 1 << 40
    /// Most layers a network from a file may have, and most entries in any list of the file.
    static let maxLayers = 1_000
    static let maxEntries = 10_000_000
    /// Largest duration (seconds) a log or epoch may record: about 30 years.
    static let maxSeconds = 1e9

    /// Checks every field; throws ``ExperimentError`` naming the first bad one.
    func validate() throws {
        try Self.count("scheduleStep", scheduleStep)
        try Self.count("globalStep", globalStep)
        try validateLog()
        if let data { try Self.validate(data) }
        if let loader {
            try Self.count("loader.epoch", loader.epoch)
            try Self.count("loader.batchIndex", loader.batchIndex)
            try Self.count("loader.count", loader.count)
            try Self.count("loader.batchSize", loader.batchSize, from: 1)
        }
        if case .layers(let specs)? = model {
            try Self.check(specs.count <= Self.maxLayers, "model", "\(specs.count) layers (at most \(Self.maxLayers))")
            var names = Set<String>()
            for spec in specs {
                try Self.check(names.insert(spec.name).inserted, "model", "layer name '\(spec.name)' twice")
            }
        }
        if let optimizer { try Self.validate(optimizer) }
        for (name, value) in hyperparameters ?? [:] { try Self.finite("hyperparameters.\(name)", value) }
        if let schedule { try Self.validate(schedule) }
        try validateProgress()
        try validateRecords()
        if let autosave {
            try Self.check(PathName.isContainedName(autosave), "autosave",
                           "'\(autosave)' is not a file name inside the output folder (no absolute path, ~ or ..)")
        }
    }

    private func validateLog() throws {
        try Self.check(commandLog.count <= Self.maxEntries, "commandLog", "\(commandLog.count) entries")
        for entry in commandLog {
            try Self.count("commandLog.number", entry.number)
            try Self.check(entry.text.utf8.count <= 100_000, "commandLog.text",
                           "a command of \(entry.text.utf8.count) bytes")
            try Self.seconds("commandLog.seconds", entry.seconds)
        }
        for (number, _) in digests { try Self.count("digests", number) }
    }

    private func validateProgress() throws {
        try Self.finite("accumulator.lossSum", accumulator.lossSum)
        try Self.count("accumulator.correct", accumulator.correct)
        try Self.count("accumulator.seen", accumulator.seen)
        try Self.count("accumulator.batches", accumulator.batches)
        try Self.seconds("accumulator.seconds", accumulator.seconds)
        try Self.check(history.steps.count <= Self.maxEntries, "history.steps", "\(history.steps.count) entries")
        for step in history.steps {
            try Self.count("history.steps.step", step.step)
            try Self.count("history.steps.epoch", step.epoch)
            try Self.finite("history.steps.lr", step.lr)
            try Self.finite("history.steps.beta1", step.beta1)
        }
        try Self.check(history.epochs.count <= Self.maxEntries, "history.epochs", "\(history.epochs.count) entries")
        for epoch in history.epochs {
            try Self.count("history.epochs.epoch", epoch.epoch)
            try Self.count("history.epochs.batches", epoch.batches)
            try Self.count("history.epochs.batchesPerEpoch", epoch.batchesPerEpoch)
            try Self.count("history.epochs.lastStep", epoch.lastStep)
            try Self.seconds("history.epochs.seconds", epoch.seconds)
        }
    }

    private func validateRecords() throws {
        try Self.check(probes.count <= 1_000, "probes", "\(probes.count) probes")
        for probe in probes { try Self.count("probes", probe) }
        if let frameEvery { try Self.count("frameEvery", frameEvery, from: 1) }
        try Self.check(frames.count <= 100_000, "frames", "\(frames.count) frames")
        for frame in frames {
            try Self.count("frames.step", frame.step)
            try Self.count("frames.epoch", frame.epoch)
            try Self.check(frame.blocks.count <= 64, "frames.blocks", "\(frame.blocks.count) blocks")
        }
        for (name, result) in evaluations {
            try Self.count("evaluations.\(name.rawValue).count", result.count)
            try Self.count("evaluations.\(name.rawValue).correct", result.correct)
            try Self.check(result.correct <= result.count, "evaluations.\(name.rawValue).correct",
                           "more correct than evaluated")
            try Self.check(result.predictions.count <= Self.maxEntries, "evaluations.\(name.rawValue).predictions",
                           "too many")
            for p in result.predictions { try Self.count("evaluations.\(name.rawValue).predictions", p, upTo: 1_000) }
        }
        if let lrFinder {
            try Self.check(lrFinder.lrs.count <= 100_000 && lrFinder.losses.count <= 100_000
                           && lrFinder.rawLosses.count <= 100_000, "lrFinder", "more than 100,000 points")
            for lr in lrFinder.lrs { try Self.finite("lrFinder.lrs", lr) }
        }
        if let quiz {
            try Self.count("quiz.asked", quiz.asked)
            try Self.count("quiz.correct", quiz.correct)
        }
    }

    static func validate(_ data: DataSettings) throws {
        try count("data.count", data.count, from: 1, upTo: 100_000_000)
        try count("data.classes", data.classes, from: 2, upTo: 1_000)
        try count("data.batchSize", data.batchSize, from: 1, upTo: 1 << 24)
        if let subset = data.subset { try count("data.subset", subset, from: 1) }
        if let valid = data.valid { try count("data.valid", valid) }
        if let size = data.size { try count("data.size", size, from: 8, upTo: 512) }
        if let fit = data.fit {
            try check(ImageFolder.Fit(rawValue: fit) != nil, "data.fit", "'\(fit)' is not squash or crop")
        }
        if let path = data.path, data.source != .synthetic {
            var isFolder: ObjCBool = false
            let full = PathName.expandingTilde(path)
            try check(FileManager.default.fileExists(atPath: full, isDirectory: &isFolder) && isFolder.boolValue,
                      "data.path",
                      "'\(path)' is not an existing folder; put the data there or run 'data \(data.source.rawValue) "
                      + "path=...' after loading")
        }
    }

    static func validate(_ optimizer: OptimizerSettings) throws {
        for (name, value) in optimizer.values {
            try finite("optimizer.\(name)", value)
            try check(value >= 0, "optimizer.\(name)", "\(value) is negative")
        }
        for name in ["beta1", "beta2"] {
            if let v = optimizer.values[name] { try check(v < 1, "optimizer.\(name)", "\(v) is not below 1") }
        }
        try check(optimizer.lr > 0, "optimizer.lr", "\(optimizer.lr) is not positive")
    }

    static func validate(_ schedule: ScheduleSettings) throws {
        try count("schedule.stepsPerEpoch", schedule.stepsPerEpoch, from: 1, upTo: 1 << 30)
        try finite("schedule.baseLR", schedule.baseLR)
        for (name, value) in schedule.values {
            try finite("schedule.\(name)", value)
            try check(value >= 0 && value <= Double(maxCount), "schedule.\(name)",
                      "\(value) is outside 0...\(maxCount)")
        }
        for name in ["epochs", "total_steps", "step_size"] {
            guard let v = schedule.values[name] else { continue }
            try check(v >= 1 && v == v.rounded(), "schedule.\(name)", "\(v) is not a whole number ≥ 1")
        }
        if let epochs = schedule.values["epochs"] {
            try check(Int(epochs) <= maxCount / schedule.stepsPerEpoch, "schedule.epochs",
                      "\(Int(epochs)) epochs make too many steps")
        }
    }

    // MARK: Checks

    static func check(_ ok: Bool, _ field: String, _ problem: String) throws {
        guard ok else {
            throw ExperimentError("field '\(field)': \(problem); the file is damaged or was edited by hand")
        }
    }

    static func count(_ field: String, _ value: Int, from low: Int = 0, upTo high: Int = maxCount) throws {
        try check(value >= low && value <= high, field, "\(value) is outside \(low)...\(high)")
    }

    static func finite(_ field: String, _ value: Double) throws {
        try check(value.isFinite, field, "\(value) is not a finite number")
    }

    static func seconds(_ field: String, _ value: Double) throws {
        try check(value.isFinite && value >= 0 && value <= maxSeconds, field,
                  "\(value) seconds is outside 0...\(Int(maxSeconds))")
    }
}
