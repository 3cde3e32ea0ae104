import Datasets
import Foundation
import Layers

/// The session's machine-learning state: data, model, optimizer, schedule, counters, histories,
/// LR-finder results and the attention time-lapse. Commands change it through its methods; the
/// inspection, plot and report commands read it. Everything here works without a terminal.
public final class Experiment {
    // MARK: Data
    /// The data settings of the last `data` command (or the default picked on first use).
    public internal(set) var dataSettings: DataSettings?
    /// The loaded data, `nil` until first needed (start-up stays fast).
    public internal(set) var data: DataState?
    /// A loader position restored by `load`, applied when the data is read.
    var pendingLoaderState: LoaderState?

    // MARK: Model and optimisation
    /// How the model was built.
    public internal(set) var modelRecipe: ModelRecipe?
    public internal(set) var model: Module?
    /// Draws the weights of layers added with `layer` (its state is saved).
    var modelGenerator = SeededGenerator(seed: 0)
    public internal(set) var optimizerSettings: OptimizerSettings?
    public internal(set) var optimizer: Optimizer?
    public internal(set) var scheduleSettings: ScheduleSettings?
    public internal(set) var schedule: LRSchedule?
    /// Steps taken under the current schedule (PyTorch's `last_epoch`): the next batch uses this step's LR.
    public internal(set) var scheduleStep = 0

    // MARK: Progress and records
    /// Optimizer steps taken since the model was built.
    public internal(set) var globalStep = 0
    /// Sums of the epoch in progress.
    public internal(set) var accumulator = EpochAccumulator()
    public internal(set) var history = TrainingHistory()
    /// The last `lrfind` run.
    public var lrFinder: LRFinderResult?
    /// Attention maps of the probe images, recorded while training.
    public internal(set) var timeline = AttentionTimeLapse()
    /// The last evaluation of each split (`test`, `valid`, `train`).
    public var evaluations: [DataSplit: EvaluationResult] = [:] {
        didSet { evaluationKeys = evaluationKeys.filter { evaluations[$0.key] != nil } }
    }
    /// What each of ``evaluations`` was computed from (``evaluationKey``).
    var evaluationKeys: [DataSplit: String] = [:]
    /// Per-parameter gradient norms of the last training step, in parameter order.
    public internal(set) var lastGradientNorms: [(name: String, norm: Double)] = []
    /// The weight digest and printed figures of each command, by command number (for `replay verify=true`).
    public var digests: [Int: CommandDigest] = [:]
    /// Where autosaves go: `nil` is off; a relative name is inside the output folder.
    public var autosavePath: String? = "autosave.ult-session"
    /// The seed the session's first command ran with, when known (loaded or replayed sessions).
    public var startSeed: UInt64?
    /// Figures the running command printed (eval lines, epoch results, suggestions), for its digest.
    public var figures: [String] = []
    /// The weights of the best evaluated epoch since `train ... best=true` (for `restore best`).
    public internal(set) var best: BestWeights?

    public init() {}

    // MARK: Data

    /// Replaces the data. Checks and loads everything first: on error nothing changes.
    public func setData(_ settings: DataSettings, dataDirectory: String?, progress: ProgressCallback? = nil) throws {
        let splits = try settings.load(dataDirectory: dataDirectory, progress: progress)
        let state = try DataState(settings: settings, splits: splits)
        if let model {
            try Self.checkModel(model, classes: state.classNames.count, source: settings.source,
                                side: splits.train.height)
        }
        dataSettings = settings
        data = state
        pendingLoaderState = nil
        accumulator = EpochAccumulator()
        if let scheduleSettings, scheduleSettings.stepsPerEpoch != state.trainLoader.batchesPerEpoch {
            // Steps per epoch changed: rebuild a one-cycle from its epochs, keeping its position.
            var s = scheduleSettings
            s.stepsPerEpoch = state.trainLoader.batchesPerEpoch
            if let built = try? s.build() { self.scheduleSettings = s; schedule = built }
        }
        // New data, new probes: the chosen test indices may not exist in it.
        timeline.probes = []
        timeline.resetProbes()
    }

    /// The data, loading the default (CIFAR-10 if found, else synthetic) or the saved settings on first use.
    @discardableResult
    public func ensureData(source: DataSource, progress: ProgressCallback? = nil) throws -> DataState {
        if let data { return data }
        let settings = dataSettings ?? Self.defaultDataSettings(dataDirectory: source.directory,
                                                                seed: source.drawSeed())
        let splits = try settings.load(dataDirectory: source.directory, progress: progress)
        let state = try DataState(settings: settings, splits: splits)
        if let pending = pendingLoaderState { try state.trainLoader.restore(pending) }
        dataSettings = settings
        data = state
        pendingLoaderState = nil
        return state
    }

    /// CIFAR-10 when ``DataLocator`` finds it, else 1,024 synthetic images.
    public static func defaultDataSettings(dataDirectory: String?, seed: UInt64) -> DataSettings {
        if (try? DataLocator().locate(explicit: dataDirectory)) != nil {
            return DataSettings(source: .cifar10, path: dataDirectory, batchSize: 512, augment: "crop,flip,cutout",
                                seed: seed)
        }
        return DataSettings(source: .synthetic, count: 1024, batchSize: 128, augment: "none", seed: seed)
    }

    // MARK: Model

    /// Builds and installs a model; resets the optimizer state, schedule position, counters and histories.
    public func setModel(_ recipe: ModelRecipe, generator: inout SeededGenerator) throws {
        var g = generator
        let built = try recipe.build(generator: &g)
        if let data {
            try Self.checkModel(built, classes: data.classNames.count, source: data.settings.source,
                                side: data.splits.train.height)
        }
        generator = g
        install(recipe: recipe, model: built)
        modelGenerator = g.split()
    }

    /// Starts an empty layer-by-layer network (`model new`).
    public func newNetwork(generator: inout SeededGenerator) {
        modelGenerator = generator.split()
        install(recipe: .layers([]), model: LayerNetwork())
    }

    /// Appends a layer to the network being built.
    /// - Throws: ``ShapeError`` when there is no such network or the layer does not fit.
    public func appendLayer(_ spec: LayerSpec) throws {
        guard case .layers(var specs)? = modelRecipe, let net = model as? LayerNetwork else {
            throw ShapeError("'layer' adds to a network started with 'model new'; run 'model new' first")
        }
        var g = modelGenerator
        try net.append(spec, generator: &g)
        modelGenerator = g
        specs.append(spec)
        modelRecipe = .layers(specs)
        optimizer = optimizerSettings?.build(parameters: net.parameters())
    }

    /// Removes layer `index` (0-based) of a network built with `model new`; the layers after it are
    /// rebuilt with fresh weights for their new input. Nothing changes when they would not fit.
    /// - Returns: the removed layer's spec.
    @discardableResult
    public func removeLayer(at index: Int) throws -> LayerSpec {
        guard case .layers(var specs)? = modelRecipe, let net = model as? LayerNetwork else {
            throw ShapeError("'layer remove' works on a network started with 'model new'")
        }
        guard specs.indices.contains(index) else {
            throw ShapeError(specs.isEmpty ? "the network has no layers to remove"
                                           : "the network has layers 1 to \(specs.count)")
        }
        let later = Array(specs[(index + 1)...])
        do { try net.canRebuild(later, after: index) } catch let error as ShapeError {
            throw ShapeError("without layer \(index + 1) (\(specs[index].name)) the layers after it do not fit: "
                             + "\(error.message)")
        }
        net.truncate(to: index)
        var g = modelGenerator
        for spec in later { try net.append(spec, generator: &g) }
        modelGenerator = g
        let removed = specs.remove(at: index)
        modelRecipe = .layers(specs)
        optimizer = optimizerSettings?.build(parameters: net.parameters())
        return removed
    }

    func install(recipe: ModelRecipe, model: Module) {
        modelRecipe = recipe
        self.model = model
        model.train()
        optimizer = optimizerSettings?.build(parameters: model.parameters())
        resetProgress()
    }

    /// Forgets the counters, histories and recordings that belong to the previous model.
    func resetProgress() {
        scheduleStep = 0
        globalStep = 0
        accumulator = EpochAccumulator()
        history = TrainingHistory()
        lrFinder = nil
        timeline.resetProbes()
        evaluations = [:]
        lastGradientNorms = []
        best = nil
        if let loader = data?.trainLoader {
            try? loader.restore(LoaderState(epoch: 0, batchIndex: 0, seed: loader.seed, count: loader.set.count,
                                            batchSize: loader.batchSize))
        }
        pendingLoaderState = nil
    }

    /// The model, or an error telling how to build one.
    public func requireModel() throws -> Module {
        guard let model else {
            throw ExperimentError("no model yet; build one with 'model ultimus variant=bnrelu' (or 'model new' and "
                                  + "'layer ...')")
        }
        if let net = model as? LayerNetwork, net.layers.isEmpty {
            throw ExperimentError("the network has no layers yet; add some with 'layer conv out=16' ... 'layer linear "
                                  + "out=10'")
        }
        return model
    }

    /// The classes a model can tell apart, from a forward on one blank `side × side` image.
    static func outputClasses(_ model: Module, side: Int = 32) throws -> Int {
        try model.validateInput(shape: [1, 3, side, side])
        if let net = model as? LayerNetwork {
            guard net.outputShape.count == 1 else {
                throw ExperimentError("the network ends with \(net.outputShape), not class scores; "
                                      + "finish it with 'layer gap' or 'layer flatten' and 'layer linear out=10'")
            }
            return net.outputShape[0]
        }
        if let net = model as? UltimusNet { return net.fc.outputFeatures }
        if let vit = model as? ViT { return vit.config.classes }
        return 10
    }

    /// An image folder's classes must match the head exactly; other data needs at least as many scores.
    public static func checkModel(_ model: Module, classes: Int, source: DataSettings.Source? = nil,
                                  side: Int = 32) throws {
        if let net = model as? LayerNetwork, net.layers.isEmpty { return }
        let out = try outputClasses(model, side: side)
        if source == .folder, out != classes {
            throw ExperimentError("the model gives \(out) class scores but the image folder has \(classes) classes; "
                                  + "end the model with 'layer linear out=\(classes)' or build it after the data "
                                  + "('model ultimus' and 'model vit' take the classes)")
        }
        guard out >= classes else {
            throw ExperimentError("the model gives \(out) class scores but the data has \(classes) classes; "
                                  + "end the model with 'layer linear out=\(classes)'")
        }
    }

    // MARK: Optimizer and schedule

    /// Chooses the optimizer; its state starts fresh.
    public func setOptimizer(_ settings: OptimizerSettings) {
        optimizerSettings = settings
        optimizer = model.map { settings.build(parameters: $0.parameters()) }
    }

    /// The optimizer, creating the default (Adam, lr 1e-3) when none was chosen.
    /// - Returns: the optimizer and whether it was just created by default.
    public func ensureOptimizer() throws -> (Optimizer, Bool) {
        let model = try requireModel()
        if let optimizer { return (optimizer, false) }
        let isDefault = optimizerSettings == nil
        let settings = optimizerSettings ?? .standard
        optimizerSettings = settings
        let built = settings.build(parameters: model.parameters())
        optimizer = built
        return (built, isDefault)
    }

    /// Sets the schedule (its position starts at 0).
    public func setSchedule(_ settings: ScheduleSettings) throws {
        let built = try settings.build()
        scheduleSettings = settings
        schedule = built
        scheduleStep = 0
    }

    // MARK: Counters

    /// Epochs completed (the loader's position).
    public var completedEpochs: Int {
        guard let loader = data?.trainLoader else {
            // A loaded session before its data is read again: the same rule on the saved position
            // (the training loader keeps its last, partial batch).
            guard let saved = pendingLoaderState else { return 0 }
            let batches = (saved.count + saved.batchSize - 1) / max(1, saved.batchSize)
            return saved.epoch + (saved.batchIndex >= batches ? 1 : 0)
        }
        return loader.epoch + (loader.batchIndex >= loader.batchesPerEpoch ? 1 : 0)
    }

    /// Number (from 1) of the epoch the next batch belongs to.
    public var currentEpoch: Int { completedEpochs + 1 }
}

/// A problem with the experiment's state that the user can fix, with the fix in the message.
public struct ExperimentError: Error, CustomStringConvertible, LocalizedError {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
    public var errorDescription: String? { message }
}

/// What `replay verify=true` compares for one command.
public struct CommandDigest: Codable, Equatable, Sendable {
    /// FNV-1a over the model's parameters and buffers (bit patterns), hex.
    public var weights: String
    /// Figures the command printed (eval lines, epoch results, suggestions).
    public var figures: [String]

    public init(weights: String, figures: [String]) {
        self.weights = weights
        self.figures = figures
    }
}
