import Autograd
import Datasets
import ExperimentKit
import Foundation
import Layers

extension Command {
    static let plot = Command(
        CommandSpec(
            "plot", area: "Plots and reports", "draw a chart in the terminal and as an SVG file",
            details: """
                plot loss: train/test loss and accuracy per epoch (2×2, as the seed). plot lrfind: the LR finder \
                curve with its suggestions. plot lr: LR and β1 per step. plot schedule: a preview of the configured \
                schedule before training. plot confusion: the confusion matrix with per-class accuracy. Files are SVG \
                and go to the output folder unless to= is given; to= naming another image format (x.png) is refused. \
                plot lrfind to=NAME.csv writes the series (lr, loss, smoothed_loss) as CSV instead.
                """,
            examples: ["plot loss", "plot schedule", "plot confusion to=confusion.svg", "plot lrfind to=lrfind.csv"],
            arguments: CommonArguments.fileOutput,
            subcommands: [
                SubcommandSpec("loss", "train/test loss and accuracy per epoch"),
                SubcommandSpec("lrfind", "the LR finder curve with its suggestions"),
                SubcommandSpec("lr", "LR and β1 per step"),
                SubcommandSpec("schedule", "preview of the configured schedule"),
                SubcommandSpec("confusion", "confusion matrix with per-class accuracy"),
            ],
            effect: .writesOutputs),
        subcommands: [
            "loss": PlotCommands.loss,
            "lrfind": PlotCommands.lrfind,
            "lr": PlotCommands.lr,
            "schedule": PlotCommands.schedule,
            "confusion": PlotCommands.confusion,
        ])

    static let show = Command(
        CommandSpec(
            "show", area: "Plots and reports", "a grid of training or test images with class names",
            details: """
                Writes a PNG grid and prints a compact listing. augmented=true shows the images as training sees them.
                """,
            examples: ["show images n=20 split=train augmented=true"],
            arguments: [
                ArgumentSpec("n", .int, default: .int(20), range: 1...1000, "number of images"),
                ArgumentSpec("split", .choice(["train", "test", "valid"]), default: .string("train"), "which split"),
                ArgumentSpec("augmented", .bool, default: .bool(true), "apply the training augmentations"),
            ] + CommonArguments.fileOutput,
            subcommands: [SubcommandSpec("images", "a grid of images")],
            effect: .writesOutputs),
        subcommands: [
            "images": PlotCommands.showImages,
        ])

    static let misclassified = Command(
        CommandSpec(
            "misclassified", area: "Plots and reports", "test images the model gets wrong",
            details: """
                A PNG grid with the true and predicted class and the probability, and a compact terminal listing. \
                Shows what there is when fewer than n are wrong.
                """,
            examples: ["misclassified n=20"],
            arguments: [ArgumentSpec("n", .int, default: .int(20), range: 1...10_000, "number of images")]
                + CommonArguments.fileOutput,
            effect: .writesOutputs),
        run: PlotCommands.misclassified)
}

/// Charts in the terminal and as SVG files; image grids as PNG files with a terminal listing.
enum PlotCommands {
    static func loss(_ inv: Invocation, _ ctx: ShellContext) throws {
        let charts = try wrap(inv) { try SessionCharts.lossAndAccuracy(ctx.session.experiment.history) }
        try draw(charts, columns: 2, name: "loss-accuracy.svg", inv, ctx)
    }

    static func lrfind(_ inv: Invocation, _ ctx: ShellContext) throws {
        guard let result = ctx.session.experiment.lrFinder else {
            throw inv.error("no LR range test yet", suggestion: "run 'lrfind' first")
        }
        if let to = inv.string("to"), (to as NSString).pathExtension.lowercased() == "csv" {
            let path = try ctx.outputFile(inv, defaultName: nil, formats: ["csv"])!
            try AtomicWriter.write(lrFinderCSV(result), to: path, createFolders: true)
            ctx.console.write("wrote \(path) (\(result.lrs.count) rows: lr, loss, smoothed_loss)")
            return
        }
        try draw([SessionCharts.lrFinder(result)], columns: 1, name: "lrfind.svg", inv, ctx)
        let parts = [result.steepest.map { "steepest \(Format.lr($0))" },
                     result.minimum.map { "min/10 \(Format.lr($0))" },
                     result.valley.map { "valley \(Format.lr($0))" }].compactMap { $0 }
        if !parts.isEmpty { ctx.console.write("suggestions: " + parts.joined(separator: " · ")) }
    }

    static func lr(_ inv: Invocation, _ ctx: ShellContext) throws {
        let charts = try wrap(inv) { try SessionCharts.lrHistory(ctx.session.experiment.history) }
        try draw(charts, columns: 1, name: "lr-history.svg", inv, ctx)
    }

    static func schedule(_ inv: Invocation, _ ctx: ShellContext) throws {
        let x = ctx.session.experiment
        guard let schedule = x.schedule, let settings = x.scheduleSettings else {
            throw inv.error("no schedule set", suggestion: "set one with 'sched onecycle max_lr=4e-3 epochs=24'")
        }
        let epochs = settings.plannedEpochs ?? max(1, x.completedEpochs + 10)
        let (product, overflow) = settings.stepsPerEpoch.multipliedReportingOverflow(by: epochs)
        let total = schedule.totalSteps ?? (overflow ? Int.max : product)
        let current = x.scheduleStep < total ? x.scheduleStep : nil
        let charts = try wrap(inv) { try SessionCharts.schedule(schedule, total: total, current: current) }
        try draw(charts, columns: 1, name: "schedule.svg", inv, ctx)
        var facts = [schedule.description, "\(total) steps (\(settings.stepsPerEpoch) per epoch)"]
        if let one = schedule as? OneCycleLR {
            facts.append("initial LR \(Format.lr(one.initialLR)), max \(Format.lr(one.maxLR)), "
                         + "final \(Format.lr(one.minLR))")
            facts.append("phases end at steps "
                         + one.phaseEnds.map { String(format: "%.0f", $0) }.joined(separator: ", "))
        }
        if x.scheduleStep < total, let next = try? schedule.lr(atStep: x.scheduleStep) {
            facts.append("the next batch (step \(x.scheduleStep)) uses LR \(Format.lr(next))")
        }
        ctx.console.write(facts.joined(separator: "\n"))
    }

    static func confusion(_ inv: Invocation, _ ctx: ShellContext) throws {
        let data = try ctx.data()
        _ = try ctx.session.experiment.requireModel()
        let evaluation = try ctx.testEvaluation()
        let view = ConfusionMatrixView(trueLabels: data.splits.test.labels, predicted: evaluation.predictions,
                                       classNames: data.classNames,
                                       title: "Confusion matrix, test set")
        ctx.console.write(view.render(style: ctx.style))
        let path = try ctx.outputFile(inv, defaultName: "confusion.svg")!
        try view.writeSVG(to: path)
        ctx.console.write("wrote \(path)")
    }

    static func showImages(_ inv: Invocation, _ ctx: ShellContext) throws {
        let data = try ctx.data()
        let split = try inv.word(DataSplit.self, inv.string("split") ?? "train")
        guard let set = data.set(split) else {
            throw inv.error("the data has no \(split.rawValue) split", at: "split",
                            suggestion: "hold one out with 'data ... valid=N'")
        }
        let n = min(inv.int("n") ?? 20, set.count)
        let augmented = (inv.bool("augmented") ?? true) && split == .train
        let augmentation = augmented ? (try? Augmentation(spec: data.settings.augment)) ?? .none : .none
        let tiles = try showTiles(set, count: n, augmentation: augmentation, normalization: data.normalization,
                                  seed: data.settings.seed)
        let title = "\(split.rawValue) images"
            + (augmented && !augmentation.isIdentity ? " as training sees them (\(augmentation.spec))" : "")
        let grid = ImageGrid.compose(tiles, columns: 10, scale: 3, title: title)
        let name = "images-\(split.rawValue)\(augmented && !augmentation.isIdentity ? "-augmented" : "").png"
        let path = try ctx.outputFile(inv, defaultName: name)!
        try PNGCodec.write(rgb: grid.pixels, width: grid.width, height: grid.height, to: path)
        ctx.showPicture(grid) { ImageGrid.terminalListing(tiles, style: $0, firstNumber: 0) }
        ctx.console.write("wrote \(path) (\(n) images, \(grid.width)×\(grid.height))")
    }

    /// The first `count` images of `set`, augmented with a private generator (the loader's does not move).
    static func showTiles(_ set: ImageSet, count: Int, augmentation: Augmentation, normalization: Normalization,
                          seed: UInt64) throws -> [ImageTile] {
        var generator = SeededGenerator(seed: seed ^ 0x5348_4F57)
        return try (0..<count).map { i in
            var rgb = set.rgbInterleaved(at: i)
            if !augmentation.isIdentity {
                let draw = augmentation.draw(using: &generator, height: set.height, width: set.width)
                let floats = augmentation.apply(draw, image: set.image(at: i), height: set.height, width: set.width,
                                                normalization: normalization)
                rgb = denormalize(floats, height: set.height, width: set.width, normalization: normalization)
            }
            let label = set.classNames.indices.contains(set.labels[i])
                ? set.classNames[set.labels[i]] : "\(set.labels[i])"
            // Numbered from 0, as index= and sample= count.
            return ImageTile(image: try RGBImage(width: set.width, height: set.height, pixels: rgb),
                             caption: ["#\(i) \(label)"])
        }
    }

    /// Normalised CHW floats back to HWC bytes: `(v·std + mean)·255`, clamped.
    static func denormalize(_ chw: [Float], height: Int, width: Int, normalization: Normalization) -> [UInt8] {
        let plane = height * width
        var out = [UInt8](repeating: 0, count: 3 * plane)
        for c in 0..<3 {
            for p in 0..<plane {
                let v = (chw[c * plane + p] * normalization.std[c] + normalization.mean[c]) * 255
                out[p * 3 + c] = UInt8(max(0, min(255, v.rounded())))
            }
        }
        return out
    }

    static func misclassified(_ inv: Invocation, _ ctx: ShellContext) throws {
        let data = try ctx.data()
        let model = try ctx.session.experiment.requireModel()
        let evaluation = try ctx.testEvaluation()
        let (tiles, wrong) = try misclassifiedTiles(data: data, model: model, predictions: evaluation.predictions,
                                                    limit: inv.int("n") ?? 20)
        let n = inv.int("n") ?? 20
        guard !tiles.isEmpty else {
            ctx.console.write("no test image is misclassified (\(evaluation.correct)/\(evaluation.count) correct)")
            return
        }
        if wrong < n {
            ctx.console.write("only \(wrong) of \(evaluation.count) test images are misclassified; showing them all")
        }
        let grid = ImageGrid.compose(tiles, columns: 5, scale: 3,
                                     title: "Misclassified test images (\(wrong) of \(evaluation.count))")
        let path = try ctx.outputFile(inv, defaultName: "misclassified.png")!
        try PNGCodec.write(rgb: grid.pixels, width: grid.width, height: grid.height, to: path)
        ctx.showPicture(grid) { ImageGrid.terminalListing(tiles, style: $0) }
        ctx.console.write("wrote \(path) (\(tiles.count) images)")
    }

    /// Tiles of `limit` misclassified test images, the classes taking turns (true class, predicted
    /// class and its probability, in red), and how many are wrong in all.
    static func misclassifiedTiles(data: DataState, model: Module, predictions: [Int],
                                   limit: Int) throws -> ([ImageTile], Int) {
        let test = data.splits.test
        let (shown, wrong) = MisclassifiedPick.pick(labels: test.labels, predictions: predictions, limit: limit)
        guard !shown.isEmpty, let batch = data.images(.test, indices: shown) else { return ([], wrong) }
        let probabilities = ProbeForward(model: model, images: batch.images).probabilities
        let name = { (c: Int) in data.classNames.indices.contains(c) ? data.classNames[c] : "\(c)" }
        let tiles = try shown.enumerated().map { k, i -> ImageTile in
            let p = predictions[i]
            return ImageTile(image: try RGBImage(width: test.width, height: test.height,
                                                 pixels: test.rgbInterleaved(at: i)),
                             caption: ["true \(name(test.labels[i]))",
                                       "pred \(name(p)) \(String(format: "%.2f", probabilities[k][p]))"],
                             captionColor: RGB(190, 0, 0))
        }
        return (tiles, wrong)
    }

    /// Draws charts in the terminal and writes them as one SVG (`to=` or `name` in the output folder).
    /// Shows `charts` and writes them as SVG, or as a PNG (the bitmap renderer) when `to=` ends in `.png`.
    static func draw(_ charts: [Chart], columns: Int, name: String, _ inv: Invocation, _ ctx: ShellContext) throws {
        let path = try ctx.outputFile(inv, defaultName: name, formats: ["svg", "png"])!
        let style = ctx.style
        ctx.showCharts(charts, columns: columns) {
            charts.count == 1 ? LineChart.render(charts[0], style: style, height: 12)
                : LineChart.renderGrid(charts, columns: style.width >= 100 ? columns : 1, style: style, height: 8)
        }
        if path.lowercased().hasSuffix(".png") {
            let image = charts.count == 1 ? RasterChart.image(charts[0]) : RasterChart.grid(charts, columns: columns)
            try PNGCodec.write(rgb: image.pixels, width: image.width, height: image.height, to: path)
        } else if charts.count == 1 {
            try SVGChart.write(charts[0], to: path)
        } else {
            try SVGChart.writeGrid(charts, columns: columns, to: path)
        }
        ctx.console.write("wrote \(path)")
    }

    /// The LR range test's series: one row per step, the LR, the raw and the smoothed loss.
    static func lrFinderCSV(_ result: LRFinderResult) -> String {
        var lines = ["lr,loss,smoothed_loss"]
        for i in result.lrs.indices {
            let raw = result.rawLosses.indices.contains(i) ? result.rawLosses[i] : .nan
            let smooth = result.losses.indices.contains(i) ? result.losses[i] : .nan
            lines.append("\(result.lrs[i]),\(raw),\(smooth)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func wrap<T>(_ inv: Invocation, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as InspectionError {
            throw inv.error(e.description)
        } catch let e as ScheduleError {
            throw inv.error(e.description)
        }
    }
}
