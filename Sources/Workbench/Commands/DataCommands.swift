import Autograd
import Datasets
import ExperimentKit
import Foundation

extension CommandAreas {
    /// `data`, `download`.
    static let data: [String: CommandHandler] = [
        "data": { inv, ctx in try DataCommands.data(inv, ctx) },
        "download": { inv, ctx in try DataCommands.download(inv, ctx) },
    ]
}

enum DataCommands {
    static func data(_ inv: Invocation, _ ctx: ShellContext) throws {
        let x = ctx.session.experiment
        var source = inv.subcommand.flatMap(DataSettings.Source.init(rawValue:))
        if source == nil {
            guard !inv.explicit.isEmpty else {
                let state = try withLoadingProgress(ctx) { try x.ensureData(source: ctx.session.dataSource, progress: $0) }
                describe(state, ctx)
                return
            }
            // Settings without a source: CIFAR-10 when found, else synthetic sized to subset=.
            source = Experiment.defaultDataSettings(dataDirectory: ctx.session.dataDirectory, seed: 0).source
        }
        var generator = ctx.session.generator
        var settings = DataSettings(source: source ?? .synthetic, seed: 0)
        settings.loaderSeed = generator.next()
        settings.path = inv.string("path")
        settings.batchSize = inv.int("batch") ?? 512
        settings.count = inv.int("n") ?? 1024
        settings.classes = inv.int("classes") ?? 10
        settings.subset = inv.int("subset")
        if inv.subcommand == nil, settings.source == .synthetic, let subset = settings.subset {
            settings.count = subset
            settings.subset = nil
        }
        settings.valid = inv.int("valid")
        if settings.source == .folder {
            (settings.size, settings.fit, settings.strict) = (inv.int("size"), inv.string("fit"), inv.bool("strict"))
        }
        if let augment = inv.strings("augment") {
            let spec = augment.joined(separator: ",")
            if augment.contains("none"), augment.count > 1 { throw inv.error("augment=none cannot be combined with other augmentations", at: "augment") }
            settings.augment = spec
        } else {
            settings.augment = settings.source == .synthetic ? "none" : "crop,flip,cutout"
        }
        settings.deriveDatasetSeed(sessionSeed: ctx.session.seed)
        if settings.source == .synthetic, settings.classes > 10 {
            throw inv.error("the synthetic set has 10 classes", at: "classes", suggestion: "use classes=2...10")
        }
        do {
            try withLoadingProgress(ctx) { try x.setData(settings, dataDirectory: ctx.session.dataDirectory, progress: $0) }
        } catch let error as DatasetError {
            throw inv.error(error.message, at: inv.isExplicit("path") ? "path" : nil, suggestion: settings.source == .cifar10 ? "give path=DIR, or run 'download cifar10'" : nil)
        }
        ctx.session.generator = generator
        if let state = x.data { describe(state, ctx) }
        x.figures = [x.data?.countsLine ?? ""]
        ctx.recordDigest()
    }

    /// Runs a data load with a progress line for the decoding.
    @discardableResult
    static func withLoadingProgress<T>(_ ctx: ShellContext, _ body: (ProgressCallback?) throws -> T) throws -> T {
        var progress: ConsoleProgress?
        let callback: ProgressCallback = { done, total in
            if progress == nil { progress = ConsoleProgress(console: ctx.console, total: total, description: "Loading") }
            progress?.update(to: done)
        }
        defer { progress?.finish() }
        return try body(callback)
    }

    static func describe(_ state: DataState, _ ctx: ShellContext) {
        let s = state.settings
        let names = state.classNames.map(PrintableText.escaped)
        let shown = names.count > 10 ? names.prefix(10).joined(separator: ", ") + ", …" : names.joined(separator: ", ")
        let loader = state.trainLoader
        ctx.console.write("source   \(state.splits.source)")
        ctx.console.write("classes  \(names.count): \(shown)")
        ctx.console.write("images   \(state.countsLine)")
        ctx.console.write("loader   batch \(s.batchSize) → \(loader.batchesPerEpoch) batches per epoch · augment \(s.augment)")
        ctx.console.write("pixels   \(SessionStatus.normalizationText(state.normalization))"
                          + (s.source == .cifar10 ? " (CIFAR-10's)" : " (of the training images)"))
    }

    static func download(_ inv: Invocation, _ ctx: ShellContext) throws {
        let folder = inv.string("path").map(ctx.expand) ?? ctx.session.dataDirectory.map(ctx.expand) ?? DataLocator().downloadFolder
        var downloader = Downloader()
        if let mirror = inv.string("url") {
            guard let url = URL(string: mirror), ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
                throw inv.error("url=\(mirror) is not an http:// or https:// address", at: "url")
            }
            downloader.url = url
        }
        let lock = NSLock()
        var progress: ConsoleProgress?
        let callback: ProgressCallback = { done, total in
            lock.lock()
            defer { lock.unlock() }
            if progress == nil {
                progress = ConsoleProgress(console: ctx.console, total: total > 0 ? (total + 999_999) / 1_000_000 : nil, description: "Downloading CIFAR-10 (MB)")
            }
            progress?.update(to: done / 1_000_000)
        }
        let path: String
        do {
            path = try downloader.downloadCIFAR10(into: folder, progress: callback, isCancelled: { ctx.interruptRequested })
        } catch {
            lock.lock()
            progress?.finish()
            lock.unlock()
            if ctx.interruptRequested { throw Interrupted("download (nothing was written)") }
            throw inv.error("\(error)", at: inv.isExplicit("path") ? "path" : nil, suggestion: "check the network, or unpack cifar-10-binary.tar.gz into \(folder) yourself")
        }
        lock.lock()
        progress?.finish()
        lock.unlock()
        ctx.console.write("CIFAR-10 is in \(path); load it with 'data cifar10 path=\(path)'")
    }
}

extension CommandAreas {
    /// Layer, tensor and attention-block names of the current model, for Tab completion.
    static func experimentNames(_ kind: NameKind, _ session: Session) -> [String] {
        guard let model = session.experiment.model else { return [] }
        switch kind {
        case .layer:
            return model.namedModules().map(\.name).filter { !$0.isEmpty }
        case .tensor:
            let params = model.namedParameters().map(\.name)
            // An UltimusNet's activations come from a one-image forward of a copy when none is
            // recorded yet, as 'inspect act.…' does; other models only offer what they recorded.
            var activations = model.activations.map(\.name)
            if activations.isEmpty, let net = model as? UltimusNet {
                activations = ProbeForward(model: net, images: Tensor.zeros([1, 3, 32, 32])).activations.map(\.name)
            }
            return params + params.map { $0 + ".grad" } + model.namedBuffers().map(\.name) + activations.map { "act." + $0 }
        case .block:
            let blocks = session.experiment.attentionBlocks.map(\.name)
            return blocks.isEmpty ? [] : blocks + ["all"]
        default:
            return []
        }
    }
}
