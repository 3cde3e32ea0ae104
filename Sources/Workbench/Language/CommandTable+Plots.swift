extension CommandTable {
    /// `plot`, `show`, `misclassified`, `report`.
    static let plotCommands: [CommandSpec] = [
        CommandSpec(
            "plot", area: "Plots and reports", "draw a chart in the terminal and as an SVG file",
            details: "plot loss: train/test loss and accuracy per epoch (2×2, as the seed). plot lrfind: the LR finder curve with its suggestions. plot lr: LR and β1 per step. plot schedule: a preview of the configured schedule before training. plot confusion: the confusion matrix with per-class accuracy. Files are SVG and go to the output folder unless to= is given; to= naming another image format (x.png) is refused. plot lrfind to=NAME.csv writes the series (lr, loss, smoothed_loss) as CSV instead.",
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
        CommandSpec(
            "show", area: "Plots and reports", "a grid of training or test images with class names",
            details: "Writes a PNG grid and prints a compact listing. augmented=true shows the images as training sees them.",
            examples: ["show images n=20 split=train augmented=true"],
            arguments: [
                ArgumentSpec("n", .int, default: .int(20), range: 1...1000, "number of images"),
                ArgumentSpec("split", .choice(["train", "test", "valid"]), default: .string("train"), "which split"),
                ArgumentSpec("augmented", .bool, default: .bool(true), "apply the training augmentations"),
            ] + CommonArguments.fileOutput,
            subcommands: [SubcommandSpec("images", "a grid of images")],
            effect: .writesOutputs),
        CommandSpec(
            "misclassified", area: "Plots and reports", "test images the model gets wrong",
            details: "A PNG grid with the true and predicted class and the probability, and a compact terminal listing. Shows what there is when fewer than n are wrong.",
            examples: ["misclassified n=20"],
            arguments: [ArgumentSpec("n", .int, default: .int(20), range: 1...10_000, "number of images")] + CommonArguments.fileOutput,
            effect: .writesOutputs),
        CommandSpec(
            "report", area: "Plots and reports", "write a Markdown report of the session",
            details: "Writes DIR/README.md with the seed README's sections (model summary, training log, training details, loss/accuracy charts, LR finder graph, LR history, misclassified images) and its charts and images beside it. DIR defaults to the folder report/ in the output folder, so the report never replaces a file you made; the training log is quoted as it was printed (the LR and loss of each epoch's last batch). The test predictions are reused while the weights are unchanged.",
            examples: ["report", "report runs/s9-report"],
            positionals: [PositionalSpec("dir", .path, required: false, "folder for the report")],
            arguments: [CommonArguments.force],
            effect: .writesOutputs),
    ]
}
