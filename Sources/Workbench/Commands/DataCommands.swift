import Autograd
import Datasets
import ExperimentKit
import Foundation

extension Command {
    static let data = Command(
        CommandSpec(
            "data", area: "Data and model", "load a dataset: cifar10, folder or synthetic",
            details: """
                data cifar10 path=DIR accepts the folder holding train/ and test/, the cifar-10-batches-bin folder, or \
                its parent, and detects which. data folder reads any image-folder dataset (DIR/train/<class>/ and \
                DIR/test/<class>/, JPEG or PNG of any size, resized to size= square; fit=crop takes the centre square \
                first; an unreadable file is an error naming it, or with strict=false is skipped and counted). data \
                synthetic makes a small labelled set for quick experiments (n= images). valid=N holds out N training \
                images for validation. augment= lists the training augmentations (pad-4 random crop, horizontal flip, \
                cutout) or none. 'data' prints what it loaded: source, classes and the image count of each split.
                """,
            examples: ["data synthetic n=512 batch=64",
                       "data cifar10 path=data/cifar10 batch=512 augment=crop,flip,cutout",
                       "data folder path=~/images valid=1000", "data folder path=~/photos size=48 fit=crop"],
            arguments: [
                ArgumentSpec("batch", .int, default: .int(512), range: Bounds.count, "images per training batch"),
                ArgumentSpec("augment", .list(.choice(Augmentation.names + ["none"])),
                             "training augmentations (crop, flip, cutout) or none"),
                ArgumentSpec("subset", .int, range: Bounds.count,
                             "use only the first N training images (classes in turn)"),
                ArgumentSpec("valid", .int, range: 0...1e12, "hold out N training images for validation"),
            ],
            subcommands: [
                SubcommandSpec("cifar10", "CIFAR-10 from disk (binary batches or PNG folders)",
                               arguments: [ArgumentSpec("path", .path,
                                                        "where CIFAR-10 is (default: --data or the usual places)")]),
                SubcommandSpec("folder",
                               "an image-folder dataset: DIR/train/<class>/<image> and DIR/test/<class>/<image>",
                               arguments: [
                    ArgumentSpec("path", .path, required: true, "the dataset's root folder, holding train/ and test/"),
                    ArgumentSpec("size", .int, default: .int(32), range: 8...512, "images are resized to size×size"),
                    ArgumentSpec("fit", .choice(["squash", "crop"]), default: .string("squash"),
                                 "crop: take the centre square before resizing; squash: resize the whole image"),
                    ArgumentSpec("strict", .bool, default: .bool(true), "false: skip and count unreadable files"),
                ]),
                SubcommandSpec("synthetic", "a small generated dataset for quick runs", arguments: [
                    ArgumentSpec("n", .int, default: .int(1024), range: Bounds.count, "number of training images"),
                    ArgumentSpec("classes", .int, default: .int(10), range: 2...1000, "number of classes"),
                ]),
            ],
            subcommandRequired: false,
            effect: .changesExperiment),
        run: DataCommands.data)

    static let download = Command(
        CommandSpec(
            "download", area: "Data and model", "download CIFAR-10",
            details: """
                Downloads and unpacks the CIFAR-10 binary version into path= (default: the data folder), with a \
                progress line, and checks its digest.
                """,
            examples: ["download cifar10 path=data"],
            arguments: [ArgumentSpec("path", .path, "folder to unpack into"),
                        ArgumentSpec("url", .string,
                                     "a mirror of cifar-10-binary.tar.gz (http or https; its MD5 is still checked)")],
            subcommands: [SubcommandSpec("cifar10", "the CIFAR-10 binary version (163 MB)")],
            effect: .fetches),
        run: DataCommands.download)
}

enum DataCommands {
    static func data(_ inv: Invocation, _ ctx: ShellContext) throws {
        let x = ctx.session.experiment
        var source = inv.subcommand.flatMap(DataSettings.Source.init(rawValue:))
        if source == nil {
            guard !inv.explicit.isEmpty else {
                let state = try withLoadingProgress(ctx) {
                    try x.ensureData(source: ctx.session.dataSource, progress: $0)
                }
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
            if augment.contains("none"), augment.count > 1 {
                throw inv.error("augment=none cannot be combined with other augmentations", at: "augment")
            }
            settings.augment = spec
        } else {
            settings.augment = settings.source == .synthetic ? "none" : "crop,flip,cutout"
        }
        settings.deriveDatasetSeed(sessionSeed: ctx.session.seed)
        if settings.source == .synthetic, settings.classes > 10 {
            throw inv.error("the synthetic set has 10 classes", at: "classes", suggestion: "use classes=2...10")
        }
        do {
            try withLoadingProgress(ctx) {
                try x.setData(settings, dataDirectory: ctx.session.dataDirectory, progress: $0)
            }
        } catch let error as DatasetError {
            throw inv.error(error.message, at: inv.isExplicit("path") ? "path" : nil,
                            suggestion: settings.source == .cifar10 ? "give path=DIR, or run 'download cifar10'" : nil)
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
            if progress == nil {
                progress = ConsoleProgress(console: ctx.console, total: total, description: "Loading")
            }
            progress?.update(to: done)
        }
        defer { progress?.finish() }
        return try body(callback)
    }

    static func describe(_ state: DataState, _ ctx: ShellContext) {
        let s = state.settings
        let names = state.classNames.map(PrintableText.escaped)
        let shown = names.count > 10
            ? names.prefix(10).joined(separator: ", ") + ", …" : names.joined(separator: ", ")
        let loader = state.trainLoader
        ctx.console.write("source   \(state.splits.source)")
        ctx.console.write("classes  \(names.count): \(shown)")
        ctx.console.write("images   \(state.countsLine)")
        ctx.console.write("loader   batch \(s.batchSize) → \(loader.batchesPerEpoch) batches per epoch · augment "
                          + "\(s.augment)")
        ctx.console.write("pixels   \(SessionStatus.normalizationText(state.normalization))"
                          + (s.source == .cifar10 ? " (CIFAR-10's)" : " (of the training images)"))
    }

    static func download(_ inv: Invocation, _ ctx: ShellContext) throws {
        let folder = inv.string("path").map(ctx.expand) ?? ctx.session.dataDirectory.map(ctx.expand)
            ?? DataLocator().downloadFolder
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
                progress = ConsoleProgress(console: ctx.console, total: total > 0 ? (total + 999_999) / 1_000_000 : nil,
                                           description: "Downloading CIFAR-10 (MB)")
            }
            progress?.update(to: done / 1_000_000)
        }
        let path: String
        do {
            path = try downloader.downloadCIFAR10(into: folder, progress: callback,
                                                  isCancelled: { ctx.interruptRequested })
        } catch {
            lock.lock()
            progress?.finish()
            lock.unlock()
            if ctx.interruptRequested { throw Interrupted("download (nothing was written)") }
            throw inv.error("\(error)", at: inv.isExplicit("path") ? "path" : nil,
                            suggestion: "check the network, or unpack cifar-10-binary.tar.gz into \(folder) yourself")
        }
        lock.lock()
        progress?.finish()
        lock.unlock()
        ctx.console.write("CIFAR-10 is in \(path); load it with 'data cifar10 path=\(path)'")
    }
}

/// Layer, tensor and attention-block names of the current model, for Tab completion.
enum CompletionNames {
    static func names(_ kind: NameKind, _ session: Session) -> [String] {
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
            return params + params.map { $0 + ".grad" } + model.namedBuffers().map(\.name)
                + activations.map { "act." + $0 }
        case .block:
            let blocks = session.experiment.attentionBlocks.map(\.name)
            return blocks.isEmpty ? [] : blocks + ["all"]
        default:
            return []
        }
    }
}
