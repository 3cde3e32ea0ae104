import Autograd
import Datasets
import Foundation
import Layers

/// The session file: one safetensors file whose tensors are the model state (`model.` prefix), the
/// optimizer state (`optim.`) and the recorded attention maps (`record.`), and whose metadata
/// holds everything else as JSON under `ultimus.session` (see ``SessionRecord``).
public enum SessionFile {
    /// The metadata key of the session JSON.
    public static let metadataKey = "ultimus.session"
    /// The format version this build writes and reads.
    public static let version = 1

    /// Writes the session atomically (a temporary file in the same folder, then a rename).
    /// - Parameter startSeed: the seed the session started with (what `replay` reseeds with).
    public static func save(_ checkpoint: SessionCheckpoint, startSeed: UInt64? = nil, to path: String) throws {
        let bytes = try encode(checkpoint, startSeed: startSeed)
        try AtomicWriter.makeFolders(PathName.folder(of: path), for: path)
        try AtomicWriter.write(bytes, to: path)
    }

    /// The session file's bytes: what ``save(_:startSeed:to:)`` writes, and the in-memory snapshot
    /// that branches and `rollback` keep. The checkpoint's other branches go in when it has them.
    public static func encode(_ checkpoint: SessionCheckpoint, startSeed: UInt64? = nil) throws -> [UInt8] {
        var (entries, record) = try snapshot(checkpoint)
        record.startSeed = startSeed ?? checkpoint.experiment.startSeed
        let json = try encoder().encode(record)
        let branches = try checkpoint.branches?.metadata()
        var metadata = [metadataKey: String(decoding: json, as: UTF8.self), "format": "ultimus.session v\(version)",
                        SessionChecksums.metadataKey: SessionChecksums.table(entries, json: Array(json),
                                                                             branches: branches)]
        if let branches { metadata[BranchSet.metadataKey] = branches }
        var names = Set<String>()
        for e in entries where e.name == "__metadata__" || !names.insert(e.name).inserted {
            throw ExperimentError("tensor name '\(e.name)' is reserved or repeated")
        }
        return SafeTensors.serialize(entries, metadata: metadata)
    }

    /// Reads a session file and builds its state without touching any live session.
    /// - Throws: ``ExperimentError`` with a one-line message naming the file and the problem.
    public static func read(path: String) throws -> LoadedSession {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ExperimentError("\(path): no such file")
        }
        return try decode(try safeTensors { try SafeTensors.read(path: path) }, name: path, part: false)
    }

    /// Builds the state held in session-file bytes (`name` labels errors), touching no live session.
    public static func decode(_ bytes: [UInt8], name path: String) throws -> LoadedSession {
        try decode(bytes, name: path, part: false)
    }

    /// Decodes session-file bytes, or with `part` a session kept inside one (which may hold no other).
    static func decode(_ bytes: [UInt8], name path: String, part: Bool) throws -> LoadedSession {
        try decode(try safeTensors { try SafeTensors.parse(bytes, path: path) }, name: path, part: part)
    }

    /// The safetensors container `read` returns, its errors as one-line session-file errors.
    private static func safeTensors(_ read: () throws -> SafeTensorsFile) throws -> SafeTensorsFile {
        do { return try read() } catch let error as SafeTensorsError {
            throw ExperimentError("\(error.path): not a readable session file (\(error.problem))")
        } catch {
            throw ExperimentError("not a readable session file (\(error))")
        }
    }

    private static func decode(_ file: SafeTensorsFile, name path: String, part: Bool) throws -> LoadedSession {
        guard let json = file.metadata[metadataKey] else {
            throw ExperimentError("\(path): a safetensors file without a workbench session (no '\(metadataKey)' "
                                  + "metadata); to load weights only, use 'import weights \(path)'")
        }
        let record: SessionRecord
        do { record = try decoder().decode(SessionRecord.self, from: Data(json.utf8)) } catch {
            throw ExperimentError("\(path): the session metadata is damaged (\(Self.describe(error)))")
        }
        guard record.version == version else {
            throw ExperimentError("\(path): session format version \(record.version); "
                                  + "this workbench reads version \(version)")
        }
        let verified: Bool
        do { verified = try SessionChecksums.verify(file, json: json) } catch let error as ExperimentError {
            throw ExperimentError("\(path): \(error.message)")
        }
        do {
            if part { try checkPart(file, record) }
            try record.validate()
            let experiment = try restore(record, file: file)
            let branches = try BranchSet.read(file.metadata[BranchSet.metadataKey])
            return LoadedSession(record: record, experiment: experiment, verified: verified, branches: branches,
                                 rollback: try restoreRollback(record, file: file))
        } catch let error as ExperimentError {
            throw ExperimentError("\(path): \(error.message)")
        } catch {
            throw ExperimentError("\(path): \(error)")
        }
    }

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                nan: "nan")
        e.outputFormatting = [.sortedKeys]
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                  nan: "nan")
        return d
    }

    static func describe(_ error: Error) -> String {
        if case DecodingError.keyNotFound(let key, _) = error { return "missing '\(key.stringValue)'" }
        if case DecodingError.typeMismatch(_, let context) = error {
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        }
        if case DecodingError.dataCorrupted(let context) = error {
            return "corrupt at \(context.codingPath.map(\.stringValue).joined(separator: ".")): "
                   + "\(context.debugDescription)"
        }
        return String(describing: error)
    }
}

/// Everything a session file holds, as one value: the session's seed and generator, its command
/// log, the experiment, and the shell's teaching record (stored as it is, unread here).
public struct SessionCheckpoint {
    public var seed: UInt64
    public var generator: SeededGenerator
    public var commandLog: [LoggedCommand]
    public var experiment: Experiment
    public var quiz: SessionRecord.QuizRecord?
    /// The session's other branches (`nil` for a single branch's own snapshot).
    public var branches: BranchSet?
    /// Worker threads of the kernels: bit-identical results need the same count.
    public var threads: Int?
    /// A pending guard stop and the state `rollback` returns to (`nil` in a branch's own snapshot).
    public var rollback: RollbackState?

    public init(seed: UInt64, generator: SeededGenerator, commandLog: [LoggedCommand], experiment: Experiment,
                quiz: SessionRecord.QuizRecord?, threads: Int? = nil, branches: BranchSet? = nil,
                rollback: RollbackState? = nil) {
        (self.seed, self.generator, self.commandLog) = (seed, generator, commandLog)
        (self.experiment, self.quiz, self.threads, self.branches) = (experiment, quiz, threads, branches)
        self.rollback = rollback
    }
}

/// A session read from a file, not yet installed.
public struct LoadedSession {
    public var record: SessionRecord
    public var experiment: Experiment
    /// Whether the file carried checksums and every part matched (files saved before them: `false`).
    public var verified = true
    /// The session's other branches, when it has any.
    public var branches: BranchSet?
    /// A pending guard stop and the state `rollback` returns to, when the file kept them.
    public var rollback: RollbackState?
}

/// The JSON part of a session file.
public struct SessionRecord: Codable {
    public var version: Int
    /// The seed of the session's first command (what `replay` reseeds with).
    public var startSeed: UInt64?
    public var seed: UInt64
    /// The session generator's state.
    public var generator: UInt64
    public var commandLog: [LoggedCommand]
    public var data: DataSettings?
    public var loader: LoaderState?
    public var model: ModelRecipe?
    public var modelGenerator: UInt64
    public var training: Bool
    /// Generator state of each dropout layer, by module name.
    public var dropout: [String: UInt64]
    public var optimizer: OptimizerSettings?
    /// The optimizer's current hyperparameters (a schedule moves lr and β1).
    public var hyperparameters: [String: Double]?
    public var schedule: ScheduleSettings?
    public var scheduleStep: Int
    public var globalStep: Int
    public var accumulator: EpochAccumulator
    public var history: TrainingHistory
    public var lrFinder: LRFinderResult?
    public var probes: [Int]
    public var frameEvery: Int?
    public var frames: [FrameRecord]
    public var evaluations: [DataSplit: EvaluationResult]
    public var digests: [Int: CommandDigest]
    public var autosave: String?
    /// The quiz: on or off, and the score (absent in files saved before it was kept).
    public var quiz: QuizRecord?
    /// Active evaluation-only interventions by block (`ultimus3`: `uniform`, `zero_row(2)`, …);
    /// absent in files saved before they were kept.
    public var interventions: [String: String]?
    /// Worker threads the session ran with (absent in files saved before it was kept): sums split
    /// across threads round differently, so bit-identical results need the same count.
    public var threads: Int?
    /// The kept best weights' numbers (absent when none are kept, and in files saved before they were).
    public var best: BestRecord?
    /// A pending guard stop and its last good state (absent without one, and in older files).
    public var rollback: RollbackRecord?

    /// The shell's quiz: on or off, and the score.
    public struct QuizRecord: Codable {
        public var enabled: Bool
        public var asked: Int
        public var correct: Int

        public init(enabled: Bool, asked: Int, correct: Int) {
            (self.enabled, self.asked, self.correct) = (enabled, asked, correct)
        }
    }

    /// A time-lapse frame's numbers; its maps are the tensors `record.frame.<i>.<block>`.
    public struct FrameRecord: Codable {
        public var step: Int
        public var epoch: Int
        public var blocks: [String]
    }
}

extension SessionFile {
    public static func snapshot(_ session: SessionCheckpoint) throws -> ([SafeTensorsEntry], SessionRecord) {
        let x = session.experiment
        var entries: [SafeTensorsEntry] = []
        if let model = x.model {
            for (key, value) in model.stateDict() {
                switch value {
                case .float32(let t): entries.append(SafeTensorsEntry(name: "model." + key, tensor: t))
                case .int64(let shape, let values): entries.append(SafeTensorsEntry(name: "model." + key,
                                                                                    int64s: values, shape: shape))
                }
            }
        }
        if let optimizer = x.optimizer {
            for (key, value) in optimizer.stateTensors() {
                entries.append(SafeTensorsEntry(name: "optim." + key, tensor: value.tensor))
            }
        }
        for (i, frame) in x.timeline.frames.enumerated() {
            for (block, map) in zip(frame.blocks, frame.maps) {
                entries.append(SafeTensorsEntry(name: "record.frame.\(i).\(block)", tensor: map))
            }
        }
        var dropout: [String: UInt64] = [:]
        for entry in x.model?.namedModules() ?? [] {
            if let d = entry.module as? Dropout { dropout[entry.name] = d.generator.state }
        }
        let (bestEntries, best) = bestSnapshot(x.best)
        let (rollbackEntries, rollback) = rollbackSnapshot(session.rollback)
        entries += bestEntries + rollbackEntries
        let loader = x.data?.trainLoader.state ?? x.pendingLoaderState
        let record = SessionRecord(
            version: version, startSeed: session.experiment.startSeed, seed: session.seed,
            generator: session.generator.state, commandLog: session.commandLog,
            data: x.dataSettings, loader: loader, model: x.modelRecipe, modelGenerator: x.modelGenerator.state,
            training: x.model?.isTraining ?? true, dropout: dropout, optimizer: x.optimizerSettings,
            hyperparameters: x.optimizer.map { Dictionary($0.hyperparameters, uniquingKeysWith: { $1 }) },
            schedule: x.scheduleSettings, scheduleStep: x.scheduleStep, globalStep: x.globalStep,
            accumulator: x.accumulator, history: x.history, lrFinder: x.lrFinder, probes: x.timeline.probes,
            frameEvery: x.timeline.every,
            frames: x.timeline.frames.map { .init(step: $0.step, epoch: $0.epoch, blocks: $0.blocks) },
            evaluations: x.evaluations, digests: x.digests,
            autosave: x.autosavePath.flatMap { PathName.isContainedName($0) ? $0 : nil },
            quiz: session.quiz,
            interventions: interventions(x.model), threads: session.threads, best: best, rollback: rollback)
        return (entries, record)
    }

    static func restore(_ r: SessionRecord, file: SafeTensorsFile) throws -> Experiment {
        let x = Experiment()
        x.restoreData(r.data, loader: r.loader)
        x.modelGenerator = SeededGenerator(seed: 0)
        x.modelGenerator.state = r.modelGenerator
        if let recipe = r.model {
            var g = SeededGenerator(seed: 0)
            // The recipe may not ask for more weights than the file holds (checked before allocating).
            let held = file.entries.filter { $0.name.hasPrefix("model.") }.reduce(0) { $0 + $1.count }
            let model = try recipe.build(generator: &g, maxWeights: held)
            var state = StateDict()
            for entry in file.entries where entry.name.hasPrefix("model.") {
                let key = String(entry.name.dropFirst(6))
                guard entry.count == entry.shape.reduce(1, *) else {
                    throw ExperimentError("tensor \(entry.name) has a bad size")
                }
                state[key] = entry.dtype == .i64
                    ? .int64(shape: entry.shape, values: entry.int64s) : .float32(entry.tensor())
            }
            // Buffers too (BatchNorm running statistics), as 'import weights' checks them.
            if let bad = state.first(where: { !$0.value.isAllFinite }) {
                throw ExperimentError("tensor model.\(bad.key) holds NaN or Inf; the file is damaged")
            }
            try model.load(stateDict: state)
            model.train(r.training)
            for entry in model.namedModules() {
                if let d = entry.module as? Dropout, let s = r.dropout[entry.name] { d.generator.state = s }
            }
            try restoreInterventions(r.interventions ?? [:], into: model)
            x.restoreModel(recipe: recipe, model: model)
            x.best = try restoreBest(r, file: file, model: model)
            if let settings = r.optimizer {
                let optimizer = settings.build(parameters: model.parameters())
                var state = StateDict()
                for entry in file.entries where entry.name.hasPrefix("optim.") {
                    state[String(entry.name.dropFirst(6))] = .float32(entry.tensor())
                }
                try optimizer.loadStateTensors(state)
                for (name, value) in r.hyperparameters ?? [:] { _ = optimizer.setHyperparameter(name, value) }
                x.restoreOptimizer(settings, optimizer: optimizer)
            }
        } else if let settings = r.optimizer {
            x.restoreOptimizer(settings, optimizer: nil)
        }
        if x.model == nil { x.best = try restoreBest(r, file: file, model: nil) }
        if let settings = r.schedule { try x.setSchedule(settings) }
        x.scheduleStep = r.scheduleStep
        x.globalStep = r.globalStep
        x.accumulator = r.accumulator
        x.history = r.history
        x.lrFinder = r.lrFinder
        x.timeline.probes = r.probes
        x.timeline.every = r.frameEvery
        x.timeline.frames = try r.frames.enumerated().map { i, f in
            let maps = try f.blocks.map { try file.tensor("record.frame.\(i).\($0)") }
            return .init(step: f.step, epoch: f.epoch, blocks: f.blocks, maps: maps)
        }
        x.evaluations = r.evaluations
        x.digests = r.digests
        x.autosavePath = r.autosave
        x.startSeed = r.startSeed
        return x
    }
}

extension SessionFile {
    /// Active interventions of an UltimusNet (by block) or a ViT (by head); `nil` for other models.
    static func interventions(_ model: Module?) -> [String: String]? {
        if let net = model as? UltimusNet { return interventions(net) }
        if let vit = model as? ViT { return headInterventions(vit) }
        return nil
    }

    /// Saved interventions back onto an UltimusNet or a ViT; any other model must have none.
    /// - Throws: ``ExperimentError`` for an unknown block, head or intervention.
    static func restoreInterventions(_ saved: [String: String], into model: Module) throws {
        if let net = model as? UltimusNet { return try restoreInterventions(saved, into: net) }
        if let vit = model as? ViT { return try restoreHeadInterventions(saved, into: vit) }
        if let name = saved.keys.sorted().first {
            throw ExperimentError("intervention on '\(name)', which the model does not have")
        }
    }

    /// A ViT's ablated heads, keyed `blocks.N head=h` (heads count from 0), as `zero` or `uniform`.
    static func headInterventions(_ vit: ViT) -> [String: String] {
        var out: [String: String] = [:]
        for (b, block) in vit.blocks.enumerated() {
            for (h, mode) in block.selfAttn.headInterventions.enumerated() {
                if let mode { out["blocks.\(b) head=\(h)"] = mode.rawValue }
            }
        }
        return out
    }

    /// Puts saved head interventions back, checking block, head and mode against the model.
    static func restoreHeadInterventions(_ saved: [String: String], into vit: ViT) throws {
        var heads = vit.blocks.map(\.selfAttn.headInterventions)
        for (name, text) in saved.sorted(by: { $0.key < $1.key }) {
            let parts = name.split(separator: " ")
            guard parts.count == 2, parts[0].hasPrefix("blocks."), parts[1].hasPrefix("head="),
                  let b = Int(parts[0].dropFirst(7)), let h = Int(parts[1].dropFirst(5)),
                  heads.indices.contains(b), heads[b].indices.contains(h) else {
                throw ExperimentError("intervention on '\(name)', which the model does not have")
            }
            guard let mode = HeadIntervention(rawValue: text) else {
                throw ExperimentError("unknown intervention '\(text)' on \(name) (a head takes zero or uniform)")
            }
            heads[b][h] = mode
        }
        for (block, h) in zip(vit.blocks, heads) { block.selfAttn.headInterventions = h }
    }

    /// The net's active interventions by block name, as their descriptions.
    static func interventions(_ net: UltimusNet) -> [String: String] {
        var out: [String: String] = [:]
        for (i, block) in net.blocks.enumerated() {
            if let intervention = block.intervention { out["ultimus\(i + 1)"] = intervention.description }
        }
        return out
    }

    /// Puts saved interventions back on their blocks.
    /// - Throws: ``ExperimentError`` for an unknown block or intervention.
    static func restoreInterventions(_ saved: [String: String], into net: UltimusNet) throws {
        for (name, text) in saved.sorted(by: { $0.key < $1.key }) {
            guard name.hasPrefix("ultimus"), let n = Int(name.dropFirst(7)), net.blocks.indices.contains(n - 1) else {
                throw ExperimentError("intervention on '\(name)', which the model does not have")
            }
            guard let intervention = AttentionIntervention(description: text),
                  (try? intervention.validate(rows: net.blocks[n - 1].heads)) != nil else {
                throw ExperimentError("unknown intervention '\(text)' on \(name)")
            }
            net.blocks[n - 1].intervention = intervention
        }
    }
}

extension Experiment {
    func restoreData(_ settings: DataSettings?, loader: LoaderState?) {
        dataSettings = settings
        data = nil
        pendingLoaderState = loader
    }

    func restoreModel(recipe: ModelRecipe, model: Module) {
        modelRecipe = recipe
        self.model = model
    }

    func restoreOptimizer(_ settings: OptimizerSettings, optimizer: Optimizer?) {
        optimizerSettings = settings
        self.optimizer = optimizer
    }

    /// FNV-1a over the bit patterns of every parameter and buffer, as 16 hex digits.
    public var weightDigest: String {
        var h = FNV1a()
        for (_, value) in model?.stateDict() ?? StateDict() {
            switch value {
            case .float32(let t): for f in t.storage { h.combine(bytesOf: UInt64(f.bitPattern)) }
            case .int64(_, let values): for v in values { h.combine(bytesOf: UInt64(bitPattern: v)) }
            }
        }
        return String(format: "%016llx", h.value)
    }
}

extension StateDict.Value {
    /// Whether every value is a finite number (integer tensors always are).
    public var isAllFinite: Bool {
        if case .float32(let t) = self { return t.storage.allSatisfy(\.isFinite) }
        return true
    }
}
