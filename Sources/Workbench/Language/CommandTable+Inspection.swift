extension CommandTable {
    /// `inspect`, `grads`, `attention`, `explain`, `timeline`, `intervene`, `gradcam`.
    static let inspectionCommands: [CommandSpec] = [
        CommandSpec(
            "inspect", area: "Inspection", "statistics, histogram and a slice of any tensor",
            details: "NAME is a parameter (conv1.weight), a gradient (conv1.weight.grad), a buffer (bn1.running_mean) or an activation recorded on the last forward (act.conv3, act.ultimus2.q). Shows shape, mean, std, min, max, share of zeros, norm and a small histogram; a subscript selects a slice: conv1.weight[0].",
            examples: ["inspect conv1.weight", "inspect conv1.weight[0]", "inspect act.ultimus2.q"],
            positionals: [PositionalSpec("name", .string, completion: .tensor, "a parameter, gradient, buffer or activation")]),
        CommandSpec(
            "grads", area: "Inspection", "table of per-layer gradient norms for the last step",
            examples: ["grads"]),
        CommandSpec(
            "attention", area: "Inspection", "show a block's 8×8 attention map as a heatmap",
            details: "BLOCK is an attention block (ultimus1 ... ultimus4) or all (the four side by side). Shows the map with its values, row sums and entropy for probe image sample=i (one per class by default; 'set probes=' chooses them), any test image index=N or an image file image=PATH; to= also writes it as an image.",
            examples: ["attention ultimus1 sample=3", "attention all index=57", "attention ultimus2 image=cat.png"],
            positionals: [PositionalSpec("block", .string, completion: .block, "ultimus1..ultimus4 or all")],
            arguments: CommonArguments.pickImage + CommonArguments.fileOutput),
        CommandSpec(
            "explain", area: "Inspection", "walk one image through an attention block with real numbers",
            details: "Prints each intermediate of the block for probe image sample=i (or test image index=N, or image=PATH) — X (48) → K, Q, V → QᵀK/√8 → softmax → V·AM → Out — with its shape and the formula with the numbers substituted for one entry.",
            examples: ["explain ultimus2 sample=0", "explain ultimus1 index=57"],
            positionals: [PositionalSpec("block", .string, completion: .block, "ultimus1..ultimus4")],
            arguments: CommonArguments.pickImage),
        CommandSpec(
            "timeline", area: "Inspection", "play back the attention maps recorded during training",
            details: "During training the four maps of the probe images are recorded every few steps (first and last step always kept). timeline attention BLOCK shows them on the same step axis as loss and LR, with each map's entropy and peak, and flags maps collapsing to uniform or one-hot.",
            examples: ["timeline attention ultimus2 sample=1"],
            arguments: [CommonArguments.sample],
            subcommands: [SubcommandSpec("attention", "attention maps over training steps", positionals: [PositionalSpec("block", .string, completion: .block, "ultimus1..ultimus4")])]),
        CommandSpec(
            "intervene", area: "Inspection", "change a block's attention for evaluation only",
            details: "mode=uniform replaces the map by 1/8 everywhere, identity by the identity, bypass skips the block, zero_row zeroes row=i. Affects eval, explain, attention and predict; the trained weights never change. 'intervene clear' restores every block.",
            examples: ["intervene ultimus3 mode=uniform", "intervene ultimus1 mode=zero_row row=2", "intervene clear"],
            positionals: [PositionalSpec("block", .string, completion: .block, "ultimus1..ultimus4, or clear")],
            arguments: [
                ArgumentSpec("mode", .choice(["uniform", "identity", "bypass", "zero_row"]), "what to do to the attention map"),
                ArgumentSpec("row", .int, range: 0...1023, "the row for mode=zero_row"),
            ]),
        CommandSpec(
            "gradcam", area: "Inspection", "Grad-CAM heatmaps over the image",
            details: "Overlays the class activation map of layer= on probe image sample=i (or test image index=N, or image=PATH), or on the first n misclassified test images: a PNG grid of image, heatmap, overlay, true and predicted class.",
            examples: ["gradcam layer=conv3 sample=2", "gradcam misclassified n=10"],
            positionals: [PositionalSpec("which", .choice(["misclassified"]), required: false, "misclassified images instead of a probe image")],
            arguments: [
                ArgumentSpec("layer", .string, default: .string("conv3"), completion: .layer, "the convolution whose activations are used"),
            ] + CommonArguments.pickImage + [
                ArgumentSpec("n", .int, default: .int(10), range: 1...1000, "number of misclassified images"),
            ] + CommonArguments.fileOutput),
    ]
}
