import Autograd
import Datasets
import ExperimentKit
import Foundation
import Layers

extension Command {
    static let predict = Command(
        CommandSpec(
            "predict", area: "Training", "classify your own image",
            details: """
                Reads a PNG or JPEG of any size, resizes it to 32×32, and shows the top-5 classes with probabilities \
                and the image's attention maps.
                """,
            examples: ["predict photos/cat.jpg"],
            positionals: [PositionalSpec("path", .path, "a PNG or JPEG image")],
            arguments: [ArgumentSpec("top", .int, default: .int(5), range: 1...1000, "classes shown")],
            effect: .shows),
        run: ReportCommands.predict)

    static let report = Command(
        CommandSpec(
            "report", area: "Plots and reports", "write a Markdown report of the session",
            details: """
                Writes DIR/README.md with the seed README's sections (model summary, training log, training details, \
                loss/accuracy charts, LR finder graph, LR history, misclassified images) and its charts and images \
                beside it. DIR defaults to the folder report/ in the output folder, so the report never replaces a \
                file you made; the training log is quoted as it was printed (the LR and loss of each epoch's last \
                batch). The test predictions are reused while the weights are unchanged.
                """,
            examples: ["report", "report runs/s9-report"],
            positionals: [PositionalSpec("dir", .path, required: false, "folder for the report")],
            arguments: [CommonArguments.force],
            effect: .writesOutputs),
        run: ReportCommands.report)
}

enum ReportCommands {
    static func report(_ inv: Invocation, _ ctx: ShellContext) throws {
        let x = ctx.session.experiment
        let model = try x.requireModel()
        // A folder of its own by default: the report never replaces a chart or grid the user made.
        let dir = ctx.expand(inv.string("dir") ?? ctx.session.outputPath("report"))
        func file(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }
        let readme = file("README.md")
        if !ctx.isInsideOutput(readme), inv.bool("force") != true,
           let existing = reportFiles.map(file).first(where: { FileManager.default.fileExists(atPath: $0) }) {
            throw inv.error("'\(existing)' exists", at: "dir",
                            suggestion: "add force=true to overwrite the report's files, or pick another folder")
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir, isDirectory: &isFolder), !isFolder.boolValue {
            throw inv.error("'\(dir)' is a file, not a folder", at: "dir", suggestion: "give a folder for the report")
        }
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw inv.error("cannot create the folder '\(dir)': \(Shell.describeFileError(error))", at: "dir",
                            suggestion: "give a folder for the report")
        }
        var figures: [(section: String, file: String?, note: String)] = []
        var written: [String] = []

        if let charts = try? SessionCharts.lossAndAccuracy(x.history) {
            try SVGChart.writeGrid(charts, columns: 2, to: file("loss-accuracy.svg"))
            written.append("loss-accuracy.svg")
            figures.append(("Loss and accuracy", "loss-accuracy.svg", ""))
        } else {
            figures.append(("Loss and accuracy", nil, "(no epoch finished yet)"))
        }
        if let result = x.lrFinder {
            try SVGChart.write(SessionCharts.lrFinder(result), to: file("lrfind.svg"))
            written.append("lrfind.svg")
            let notes = [result.steepest.map { "steepest gradient \(Format.lr($0))" },
                         result.minimum.map { "minimum/10 \(Format.lr($0))" },
                         result.valley.map { "valley \(Format.lr($0))" }].compactMap { $0 }
            figures.append(("LR finder", "lrfind.svg",
                            notes.isEmpty ? "" : "Suggestions: " + notes.joined(separator: ", ") + "."))
        } else {
            figures.append(("LR finder", nil, "(no LR range test was run in this session)"))
        }
        if let charts = try? SessionCharts.lrHistory(x.history) {
            try SVGChart.writeGrid(charts, columns: 1, to: file("lr-history.svg"))
            written.append("lr-history.svg")
            figures.append(("LR history", "lr-history.svg", ""))
        } else {
            figures.append(("LR history", nil, "(no training steps yet)"))
        }
        var accuracyLine = ""
        if x.data != nil || x.dataSettings != nil {
            let data = try ctx.data()
            let evaluation = try ctx.testEvaluation()
            accuracyLine = evaluation.line
            let (tiles, wrong) = try PlotCommands.misclassifiedTiles(data: data, model: model,
                                                                     predictions: evaluation.predictions, limit: 20)
            if !tiles.isEmpty {
                let grid = ImageGrid.compose(tiles, columns: 5, scale: 3,
                                             title: "Misclassified test images (\(wrong) of \(evaluation.count))")
                try PNGCodec.write(rgb: grid.pixels, width: grid.width, height: grid.height,
                                   to: file("misclassified.png"))
                written.append("misclassified.png")
                figures.append(("Misclassified images", "misclassified.png",
                                "\(tiles.count) of the \(wrong) misclassified test images: true class, "
                                    + "predicted class and its probability."))
            } else {
                figures.append(("Misclassified images", nil, "(no test image is misclassified)"))
            }
            let view = ConfusionMatrixView(trueLabels: data.splits.test.labels, predicted: evaluation.predictions,
                                           classNames: data.classNames)
            try view.writeSVG(to: file("confusion.svg"))
            written.append("confusion.svg")
            figures.append(("Confusion matrix", "confusion.svg", ""))
        }
        let summary = try? Summary.render(model: model, inputShape: [20, 3, 32, 32])
        let report = SessionReport(title: "Ultimus Workbench session report", modelSummary: summary,
                                   trainingLog: SessionReport.log(x.history),
                                   details: details(ctx, accuracy: accuracyLine), figures: figures)
        try AtomicWriter.write(report.markdown, to: readme, createFolders: true)
        ctx.console.write("wrote \(readme) with \(written.joined(separator: ", "))")
    }

    /// Every file `report` may write into its folder.
    static let reportFiles = ["README.md", "loss-accuracy.svg", "lrfind.svg", "lr-history.svg", "misclassified.png",
                              "confusion.svg"]

    static func details(_ ctx: ShellContext, accuracy: String) -> [(String, String)] {
        let x = ctx.session.experiment
        var out: [(String, String)] = []
        if let recipe = x.modelRecipe { out.append(("Model", recipe.commands.joined(separator: "; "))) }
        if let model = x.model { out.append(("Parameters", "\(model.parameterCount)")) }
        if let net = x.model as? UltimusNet, net.isBatchMixing {
            out.append(("Warning", "attention=batch mixes images across the batch (the seed's mistake)"))
        }
        if let data = x.data {
            out.append(("Data", "\(data.splits.source): \(data.countsLine)"))
            out.append(("Batch size", "\(data.settings.batchSize)"))
            out.append(("Augmentation", data.settings.augment))
        }
        if let o = x.optimizerSettings { out.append(("Optimizer", o.description)) }
        if let s = x.schedule { out.append(("Schedule", s.description)) }
        out.append(("Epochs", "\(x.completedEpochs) completed, \(x.globalStep) steps"))
        let seconds = x.history.epochs.reduce(0) { $0 + $1.seconds }
        if seconds > 0 { out.append(("Training time", Format.duration(seconds))) }
        if !accuracy.isEmpty { out.append(("Final evaluation", accuracy)) }
        out.append(("Seed", "\(ctx.session.seed)"))
        out.append(("Commands", ctx.session.commandLog.map(\.text).joined(separator: " · ")))
        return out
    }

    static func predict(_ inv: Invocation, _ ctx: ShellContext) throws {
        let model = try ctx.session.experiment.requireModel()
        guard let path = inv.string("path") else { return }
        let file = try InspectionCommands.wrap(inv, at: "path") { try ImageFile(path: ctx.expand(path), name: path) }
        let data = ctx.session.experiment.data
        let normalization = data?.normalization ?? .cifar10
        let classNames = data?.classNames ?? CIFARNames.all
        let floats = file.normalized(normalization)
        let forward = ProbeForward(model: model, images: Tensor(shape: [1, 3, 32, 32], storage: floats))
        let p = forward.probabilities[0]
        let top = p.indices.sorted { p[$0] > p[$1] }.prefix(inv.int("top") ?? 5)
        let name = { (c: Int) in classNames.indices.contains(c) ? classNames[c] : "class \(c)" }
        ctx.console.write(file.sizeLine)
        let tile = ImageTile(image: try RGBImage(width: 32, height: 32, pixels: file.rgb),
                             caption: [name(top.first ?? 0)])
        ctx.showPicture(tile.image.upscaled(by: 4)) { ImageGrid.terminalListing([tile], style: $0) }
        let rows = top.map { [name($0), String(format: "%.2f%%", 100 * p[$0]),
                              TextBar.bar(p[$0], width: 30, unicode: ctx.console.unicode)] }
        ctx.console.write(Table(headers: ["class", "probability", ""], rows: rows,
                                rightAligned: [false, true, false]).render(style: ctx.style))
        if let net = model as? UltimusNet {
            let maps: [HeatmapMatrix] = net.blocks.indices.compactMap { i in
                forward.attentionMap(block: "ultimus\(i + 1)", sample: 0).map {
                    HeatmapMatrix(rows: $0.count, columns: $0.first?.count ?? 0, values: $0.flatMap { $0 },
                                  title: "ultimus\(i + 1)")
                }
            }
            if net.isBatchMixing {
                ctx.console.warning("attention=batch: alone in its batch the image's map is 1×1 (the seed's mistake); "
                                    + "its prediction would change with batch-mates")
            }
            ctx.console.write(Heatmap.renderSideBySide(maps, style: ctx.style))
        }
    }
}

/// The CIFAR-10 class names, for `predict` before any data is loaded.
enum CIFARNames {
    static let all = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
}

/// A proportional bar of `█` (or `#`).
enum TextBar {
    static func bar(_ fraction: Double, width: Int, unicode: Bool) -> String {
        String(repeating: unicode ? "█" : "#", count: max(0, min(width, Int((fraction * Double(width)).rounded()))))
    }
}
