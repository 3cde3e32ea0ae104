import Layers

extension CommandTable {
    /// `inspect`, `grads`, `attention`, `explain`, `timeline`, `intervene`, `gradcam`.
    static let inspectionCommands: [CommandSpec] = [
        CommandSpec(
            "inspect", area: "Inspection", "statistics, histogram and a slice of any tensor",
            details: "NAME is a parameter (conv1.weight), a gradient (conv1.weight.grad), a buffer (bn1.running_mean) or an activation recorded on the last forward (act.conv3, act.ultimus2.q). Shows shape, mean, std, min, max, share of zeros, norm and a small histogram; a subscript selects a slice: conv1.weight[0].",
            examples: ["inspect conv1.weight", "inspect conv1.weight[0]", "inspect act.ultimus2.q"],
            positionals: [PositionalSpec("name", .string, completion: .tensor, "a parameter, gradient, buffer or activation")],
            effect: .shows),
        CommandSpec(
            "grads", area: "Inspection", "table of per-layer gradient norms for the last step",
            examples: ["grads"],
            effect: .shows),
        CommandSpec(
            "attention", area: "Inspection", "show a block's attention maps as heatmaps",
            details: "BLOCK is an attention block (ultimus1 ... ultimus4; for a ViT blocks.0, blocks.1, ... with every head's T×T map, or head=h, and the class token's row over the image as PNGs) or all (every block). Shows the map with its values, row sums and entropy for probe image sample=i (one per class by default; 'set probes=' chooses them), any test image index=N or an image file image=PATH; to= also writes it as an image.",
            examples: ["attention ultimus1 sample=3", "attention all index=57", "attention ultimus2 image=cat.png", "attention blocks.0 sample=2 head=1"],
            positionals: [PositionalSpec("block", .string, completion: .block, "ultimus1..ultimus4, blocks.0.. (ViT) or all")],
            arguments: CommonArguments.pickImage
                + [ArgumentSpec("head", .int, range: 0...63, "ViT: one head (from 0); all heads when omitted")]
                + CommonArguments.fileOutput,
            effect: .writesOutputs),
        CommandSpec(
            "rollout", area: "Inspection", "attention rollout of a ViT over a probe image",
            details: "Attention rollout (Abnar & Zuidema, 2020): per block the mean of the heads, A = 0.5·A + 0.5·I with rows renormalised, multiplied from the first block to the last. Shows the class token's row (pool=cls) or the mean row (pool=mean) over the patch grid of probe image sample=i, in the terminal and as a PNG beside the image.",
            examples: ["rollout sample=0"],
            arguments: [CommonArguments.sample] + CommonArguments.fileOutput,
            effect: .writesOutputs),
        CommandSpec(
            "explain", area: "Inspection", "walk one image through an attention block with real numbers",
            details: "Prints each intermediate of the block for probe image sample=i (or test image index=N, or image=PATH) — X (48) → K, Q, V → S = QᵀK/√8 → AM = softmax of each row → Z = V·AM → Out — with its shape and the formula with the numbers substituted for one entry. Notation: \(Ultimus.notation()). \(Ultimus.columnMixingNote). On a ViT, explain blocks.N sample=i head=h token=t follows one query token (default 0) through the block: LayerNorm, that head's q, k, v, the scores q·kᵀ/√d of its row, the softmax, the weighted sum of values, the heads concatenated, out_proj, the residual and the MLP.",
            examples: ["explain ultimus2 sample=0", "explain ultimus1 index=57", "explain blocks.0 sample=0 head=1 token=5"],
            positionals: [PositionalSpec("block", .string, completion: .block, "ultimus1..ultimus4 or blocks.0.. (ViT)")],
            arguments: CommonArguments.pickImage
                + [ArgumentSpec("head", .int, range: 0...63, "ViT: the head to follow (from 0)"),
                   ArgumentSpec("token", .int, range: 0...4096, "ViT: the query token (from 0; 0 is the class token)")],
            effect: .shows),
        CommandSpec(
            "timeline", area: "Inspection", "play back the attention maps recorded during training",
            details: "During training the four maps of the probe images are recorded every few steps (first and last step always kept). timeline attention BLOCK shows them on the same step axis as loss and LR, with each map's entropy and peak, and flags maps collapsing to uniform or one-hot. On a ViT, timeline attention [blocks.N] lists every head of the block (all blocks when omitted) with its attention entropy (nats; uniform = ln T) and mean attention distance (in patches and pixels, as in the ViT paper) at the first and last frame and a sparkline between, averaged over the probe images or for sample=i.",
            examples: ["timeline attention ultimus2 sample=1", "timeline attention blocks.0", "timeline attention"],
            arguments: [CommonArguments.sample],
            subcommands: [SubcommandSpec("attention", "attention maps over training steps", positionals: [PositionalSpec("block", .string, required: false, completion: .block, "ultimus1..ultimus4, or blocks.N on a ViT (all blocks when omitted)")])],
            effect: .writesOutputs),
        CommandSpec(
            "intervene", area: "Inspection", "change a block's attention for evaluation only",
            details: "mode=uniform replaces the map by 1/8 everywhere, identity by the identity, bypass skips the block, zero_row zeroes row=i. Affects eval, explain, attention and predict; the trained weights never change. 'intervene clear' restores every block. On a ViT: intervene blocks.N head=h mode=zero|uniform changes one head; intervene rank evaluates the test set with each head zeroed in turn and lists the accuracy drop, most important head first.",
            examples: ["intervene ultimus3 mode=uniform", "intervene ultimus1 mode=zero_row row=2", "intervene blocks.1 head=2 mode=zero", "intervene rank", "intervene clear"],
            positionals: [PositionalSpec("block", .string, completion: .block, "ultimus1..ultimus4, blocks.N (ViT), rank or clear")],
            arguments: [
                ArgumentSpec("mode", .choice(["uniform", "identity", "bypass", "zero_row", "zero"]), "what to do to the attention map (ViT heads: zero or uniform)"),
                ArgumentSpec("row", .int, range: 0...1023, "the row for mode=zero_row"),
                ArgumentSpec("head", .int, range: 0...63, "ViT: the head of blocks.N (from 0)"),
            ],
            effect: .changesExperiment),
        CommandSpec(
            "gradcam", area: "Inspection", "Grad-CAM heatmaps over the image",
            details: "Overlays the class activation map of layer= on probe image sample=i (or test image index=N, or image=PATH), or on the first n misclassified test images: a PNG grid of image, heatmap, overlay, true and predicted class.",
            examples: ["gradcam layer=conv3 sample=2", "gradcam misclassified n=10"],
            positionals: [PositionalSpec("which", .choice(["misclassified"]), required: false, "misclassified images instead of a probe image")],
            arguments: [
                ArgumentSpec("layer", .string, default: .string("conv3"), completion: .layer, "the convolution whose activations are used"),
            ] + CommonArguments.pickImage + [
                ArgumentSpec("n", .int, default: .int(10), range: 1...1000, "number of misclassified images"),
            ] + CommonArguments.fileOutput,
            effect: .writesOutputs),
    ]
}
