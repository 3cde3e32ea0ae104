import Autograd
import Datasets
import ExperimentKit
import Foundation
import Layers

extension Command {
    static let inspect = Command(
        CommandSpec(
            "inspect", area: "Inspection", "statistics, histogram and a slice of any tensor",
            details: "NAME is a parameter (conv1.weight), a gradient (conv1.weight.grad), a buffer (bn1.running_mean) or an activation recorded on the last forward (act.conv3, act.ultimus2.q). Shows shape, mean, std, min, max, share of zeros, norm and a small histogram; a subscript selects a slice: conv1.weight[0].",
            examples: ["inspect conv1.weight", "inspect conv1.weight[0]", "inspect act.ultimus2.q"],
            positionals: [PositionalSpec("name", .string, completion: .tensor, "a parameter, gradient, buffer or activation")],
            effect: .shows),
        run: { inv, ctx in try TeachingCommands.withQuiz(inv, ctx, InspectionCommands.inspect) })

    static let grads = Command(
        CommandSpec(
            "grads", area: "Inspection", "table of per-layer gradient norms for the last step",
            examples: ["grads"],
            effect: .shows),
        run: InspectionCommands.grads)

    static let attention = Command(
        CommandSpec(
            "attention", area: "Inspection", "show a block's attention maps as heatmaps",
            details: "BLOCK is an attention block (ultimus1 ... ultimus4; for a ViT blocks.0, blocks.1, ... with every head's T×T map, or head=h, and the class token's row over the image as PNGs) or all (every block). Shows the map with its values, row sums and entropy for probe image sample=i (one per class by default; 'set probes=' chooses them), any test image index=N or an image file image=PATH; to= also writes it as an image.",
            examples: ["attention ultimus1 sample=3", "attention all index=57", "attention ultimus2 image=cat.png", "attention blocks.0 sample=2 head=1"],
            positionals: [PositionalSpec("block", .string, completion: .block, "ultimus1..ultimus4, blocks.0.. (ViT) or all")],
            arguments: CommonArguments.pickImage
                + [ArgumentSpec("head", .int, range: 0...63, "ViT: one head (from 0); all heads when omitted")]
                + CommonArguments.fileOutput,
            effect: .writesOutputs),
        run: { inv, ctx in try TeachingCommands.withQuiz(inv, ctx, InspectionCommands.attention) })

    static let rollout = Command(
        CommandSpec(
            "rollout", area: "Inspection", "attention rollout of a ViT over a probe image",
            details: "Attention rollout (Abnar & Zuidema, 2020): per block the mean of the heads, A = 0.5·A + 0.5·I with rows renormalised, multiplied from the first block to the last. Shows the class token's row (pool=cls) or the mean row (pool=mean) over the patch grid of probe image sample=i, in the terminal and as a PNG beside the image.",
            examples: ["rollout sample=0"],
            arguments: [CommonArguments.sample] + CommonArguments.fileOutput,
            effect: .writesOutputs),
        run: TokenAttentionCommands.rollout)

    static let explain = Command(
        CommandSpec(
            "explain", area: "Inspection", "walk one image through an attention block with real numbers",
            details: "Prints each intermediate of the block for probe image sample=i (or test image index=N, or image=PATH) — X (48) → K, Q, V → S = QᵀK/√8 → AM = softmax of each row → Z = V·AM → Out — with its shape and the formula with the numbers substituted for one entry. Notation: \(Ultimus.notation()). \(Ultimus.columnMixingNote). On a ViT, explain blocks.N sample=i head=h token=t follows one query token (default 0) through the block: LayerNorm, that head's q, k, v, the scores q·kᵀ/√d of its row, the softmax, the weighted sum of values, the heads concatenated, out_proj, the residual and the MLP.",
            examples: ["explain ultimus2 sample=0", "explain ultimus1 index=57", "explain blocks.0 sample=0 head=1 token=5"],
            positionals: [PositionalSpec("block", .string, completion: .block, "ultimus1..ultimus4 or blocks.0.. (ViT)")],
            arguments: CommonArguments.pickImage
                + [ArgumentSpec("head", .int, range: 0...63, "ViT: the head to follow (from 0)"),
                   ArgumentSpec("token", .int, range: 0...4096, "ViT: the query token (from 0; 0 is the class token)")],
            effect: .shows),
        run: { inv, ctx in try TeachingCommands.withQuiz(inv, ctx, InspectionCommands.explain) })

    static let timeline = Command(
        CommandSpec(
            "timeline", area: "Inspection", "play back the attention maps recorded during training",
            details: "During training the four maps of the probe images are recorded every few steps (first and last step always kept). timeline attention BLOCK shows them on the same step axis as loss and LR, with each map's entropy and peak, and flags maps collapsing to uniform or one-hot. On a ViT, timeline attention [blocks.N] lists every head of the block (all blocks when omitted) with its attention entropy (nats; uniform = ln T) and mean attention distance (in patches and pixels, as in the ViT paper) at the first and last frame and a sparkline between, averaged over the probe images or for sample=i, and writes both as charts per block (timeline-attention.png, or to=). On UltimusNet up to eight of the recorded maps, first to last, are written side by side (timeline-BLOCK-sampleI.png).",
            examples: ["timeline attention ultimus2 sample=1", "timeline attention blocks.0", "timeline attention"],
            arguments: [CommonArguments.sample] + CommonArguments.fileOutput,
            subcommands: [SubcommandSpec("attention", "attention maps over training steps", positionals: [PositionalSpec("block", .string, required: false, completion: .block, "ultimus1..ultimus4, or blocks.N on a ViT (all blocks when omitted)")])],
            effect: .writesOutputs),
        subcommands: [
            "attention": InspectionCommands.timeline,
        ])

    static let intervene = Command(
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
        run: InspectionCommands.intervene)

    static let gradcam = Command(
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
        run: InspectionCommands.gradcam)
}

/// Inspection commands: they run the model in evaluation mode (on a copy where it matters) and
/// change nothing in the session.
enum InspectionCommands {
    static func inspect(_ inv: Invocation, _ ctx: ShellContext) throws {
        let reference = try wrap(inv, at: "name") { try TensorReference.parse(inv.string("name") ?? "") }
        let model = try ctx.session.experiment.requireModel()
        var activations = model.activations
        var source = "the last forward"
        if reference.kind == .activation, !activations.contains(where: { $0.name == reference.name }) {
            let probe = try ctx.probeForward(model)
            activations = probe.forward.activations
            source = "an evaluation-mode forward of the \(probe.count.counted("probe image")) ('set probes=' chooses them)"
        }
        let tensor = try wrap(inv, at: "name") { try TensorLookup.resolve(reference, model: model, activations: activations) }
        let style = ctx.style
        let stats = TensorStatistics(tensor)
        var lines = ["\(ctx.console.styled(reference.description, .bold)) \(stats.shape) · \(stats.count.counted("value"))"
                     + (reference.kind == .activation ? " · from \(source)" : "")]
        let f = { (v: Double) in NumberFormat.short(v, digits: 4) }
        lines.append("mean \(f(stats.mean))  std \(f(stats.std))  min \(f(stats.min))  max \(f(stats.max))  "
                     + "zeros \(String(format: "%.1f", 100 * stats.zeros))%  norm \(f(stats.norm))"
                     + (stats.nonFinite > 0 ? "  non-finite \(stats.nonFinite)" : ""))
        if stats.count > 1 { lines.append(TextHistogram.render(tensor.storage, bins: 8, style: style)) }
        lines.append(valuesText(tensor, style: style))
        ctx.console.write(lines.map { NumberFormat.symbols($0, unicode: style.unicode) }.joined(separator: "\n"))
    }

    /// The values themselves: all of them for up to 64 elements (rows of the last axis), else the
    /// first rows with a hint to slice.
    static func valuesText(_ t: Tensor, style: RenderStyle) -> String {
        if t.rank == 0 { return "value " + NumberFormat.short(Double(t.storage[0]), digits: 4) }
        let width = t.shape.last ?? 1
        let rows = t.count / max(1, width)
        let shown = t.count <= 64 ? rows : min(rows, 4)
        var out = [t.count <= 64 ? "values:" : "first \(shown) of \(rows) rows (slice with [i] to see more):"]
        for r in 0..<shown {
            let row = t.storage[(r * width)..<((r + 1) * width)].prefix(12).map { NumberFormat.short(Double($0)) }
            out.append("  " + row.map { ANSI.pad($0, to: 7, right: true) }.joined(separator: " ") + (width > 12 ? " …" : ""))
        }
        return out.joined(separator: "\n")
    }

    static func grads(_ inv: Invocation, _ ctx: ShellContext) throws {
        let model = try ctx.session.experiment.requireModel()
        let norms = GradientNorms(model: model)
        guard norms.hasGradients else {
            throw inv.error("no gradients yet", suggestion: "train a step first ('train steps=1'); the last step's gradients are kept")
        }
        let (headers, rows) = norms.cells()
        let table = Table(headers: headers, rows: rows, rightAligned: [false, false, true, true, true],
                          title: "Gradient norms of the last step (step \(ctx.session.experiment.globalStep))")
        ctx.console.write(table.render(style: ctx.style))
    }

    static func attention(_ inv: Invocation, _ ctx: ShellContext) throws {
        if let vit = ctx.session.experiment.model as? ViT { return try TokenAttentionCommands.attention(inv, ctx, vit) }
        let net = try ctx.attentionModel(inv)
        let name = inv.string("block") ?? "all"
        let blocks = name == "all" ? net.blocks.indices.map { "ultimus\($0 + 1)" } : [try ctx.blockName(inv, net)]
        let probe = try ctx.probeForward(net, inv)
        let sample = try ctx.probeSample(inv, probe)
        var maps: [HeatmapMatrix] = []
        for block in blocks {
            guard let map = probe.forward.attentionMap(block: block, sample: sample) else { continue }
            let mixing = net.blocks[Int(block.dropFirst(7))! - 1].isBatchMixing
            let title = "\(block) · \(probe.caption(sample))" + (mixing ? " · B×B over the batch!" : "")
            var m = HeatmapMatrix(rows: map.count, columns: map.first?.count ?? 0, values: map.flatMap { $0 }, title: title)
            if mixing { (m.rowPrefix, m.columnPrefix) = ("img", "img") }
            maps.append(m)
        }
        if net.isBatchMixing {
            ctx.console.warning("attention=batch: each map is \(probe.count)×\(probe.count), image against image across the batch, not 8×8 per image. This is the seed notebook's mistake: an image's prediction depends on its batch-mates ('check model' finds it). Fix: model ultimus attention=sample")
        }
        let style = ctx.style
        ctx.console.write(maps.count == 1 ? Heatmap.render(maps[0], style: style) : Heatmap.renderSideBySide(maps, style: style))
        if !net.isBatchMixing {
            ctx.console.write(ctx.console.styled("rows are query slots i, columns key slots j; each row sums to 1 (softmax over j). H = row entropy, ln 8 = 2.08 is uniform. Two-character cells are shaded from each map's own smallest to largest weight (its 'scale' line).", .dim))
        }
        for block in blocks {
            if let intervention = net.blocks[Int(block.dropFirst(7))! - 1].intervention {
                ctx.console.write("\(block): intervention \(intervention) is active (evaluation only)")
            }
        }
        if let path = try ctx.outputFile(inv, defaultName: nil, formats: ["png", "svg"]) {
            if path.lowercased().hasSuffix(".png") {
                let image = Heatmap.image(maps)
                try PNGCodec.write(rgb: image.pixels, width: image.width, height: image.height, to: path)
                if ctx.console.images.isBitmap { ctx.showPicture(image) { _ in "" } }
            } else {
                try Heatmap.writeSVG(maps, to: path)
            }
            ctx.console.write("wrote \(path)")
        }
    }

    static func explain(_ inv: Invocation, _ ctx: ShellContext) throws {
        if let vit = ctx.session.experiment.model as? ViT { return try TokenAttentionCommands.explain(inv, ctx, vit) }
        let net = try ctx.attentionModel(inv)
        let block = try ctx.blockName(inv, net)
        let index = Int(block.dropFirst(7))! - 1
        if net.blocks[index].isBatchMixing {
            throw inv.error("\(block) mixes images across the batch (attention=batch): its map is B×B over the batch, so no single image has an 8×8 map to walk through",
                            at: "block", suggestion: "this is the seed's mistake; rebuild with 'model ultimus attention=sample'")
        }
        let probe = try ctx.probeForward(net, inv)
        let sample = try ctx.probeSample(inv, probe)
        let inputName = index == 0 ? "gap" : "ultimus\(index)"
        guard let x = probe.forward.activation(inputName) else { throw inv.error("the forward recorded no \(inputName)") }
        let width = x.shape[1]
        let row = Array(x.storage[(sample * width)..<((sample + 1) * width)])
        let explanation = try AttentionExplanation(block: net.blocks[index], name: block, sample: sample, input: row)
        let shownInput = index == 0 ? "global average pooling (gap)" : "ultimus\(index)"
        ctx.console.write(explanation.render(style: ctx.style, inputName: shownInput, caption: probe.caption(sample),
                                             discrepancy: explanation.discrepancy(with: probe.forward)))
        let probabilities = probe.forward.probabilities[sample]
        let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0
        ctx.console.write("model output for this image: \(probe.classNames[safe: best] ?? "\(best)") \(String(format: "%.1f", 100 * probabilities[best]))%"
                          + " (true: \(probe.label(sample)))")
    }

    static func timeline(_ inv: Invocation, _ ctx: ShellContext) throws {
        let x = ctx.session.experiment
        if let vit = x.model as? ViT { return try TokenAttentionCommands.timeline(inv, ctx, vit) }
        let net = try ctx.attentionModel(inv)
        let block = try ctx.blockName(inv, net)
        let frames = x.timeline.frames
        guard !frames.isEmpty else {
            throw inv.error("no attention frames recorded yet", suggestion: "train first ('train steps=20'); the probe images' maps are recorded every few steps")
        }
        let sample = inv.int("sample") ?? 0
        let probe = try ctx.probeForward(net)
        guard sample < probe.count else {
            throw inv.error("sample=\(sample) is not a probe image; the time-lapse records probes 0…\(probe.count - 1)", at: "sample")
        }
        var recorded: [AttentionFrame] = []
        var mixing = false
        for frame in frames {
            guard let k = frame.blocks.firstIndex(of: block), k < frame.maps.count else { continue }
            let map = frame.maps[k]
            if map.rank == 3, sample < map.shape[0] {
                let (r, c) = (map.shape[1], map.shape[2])
                let values = map.storage[(sample * r * c)..<((sample + 1) * r * c)].map(Double.init)
                recorded.append(AttentionFrame(step: frame.step, map: HeatmapMatrix(rows: r, columns: c, values: values)))
            } else if map.rank == 2 {
                mixing = true
                recorded.append(AttentionFrame(step: frame.step, map: HeatmapMatrix(rows: map.shape[0], columns: map.shape[1],
                                                                                    values: map.storage.map(Double.init), rowPrefix: "img", columnPrefix: "img")))
            }
        }
        guard !recorded.isEmpty else { throw inv.error("no frames of \(block) were recorded", at: "block") }
        if mixing {
            ctx.console.warning("\(block) mixes images (attention=batch): the frames are the probe batch's B×B maps, the seed's mistake")
        }
        let steps = x.history.steps
        let text = AttentionTimeline.render(recorded, title: "timeline \(block) · \(probe.caption(sample))", style: ctx.style,
                                            loss: steps.map { ($0.step, $0.loss) }, lr: steps.map { ($0.step, $0.lr) })
        ctx.console.write(text)
        try writeTimelineFrames(inv, ctx, recorded, block: block, sample: sample)
        let summaries = recorded.map { AttentionTimeline.summarize($0.map, step: $0.step) }
        if let last = summaries.last, let flag = last.collapse {
            ctx.console.warning("\(block)'s map for probe \(sample) has collapsed to \(flag.rawValue) by step \(last.step)"
                                + (flag == .uniform ? ": every slot attends to every slot equally, the block just averages V" : ": each slot attends to a single slot"))
        }
    }

    /// Up to eight recorded maps, evenly spaced from the first frame to the last, side by side in one PNG.
    static func writeTimelineFrames(_ inv: Invocation, _ ctx: ShellContext, _ recorded: [AttentionFrame], block: String,
                                    sample: Int) throws {
        let count = min(8, recorded.count)
        let picked = (0..<count).map { recorded[count == 1 ? 0 : $0 * (recorded.count - 1) / (count - 1)] }
        let maps = picked.map { frame -> HeatmapMatrix in
            var map = frame.map
            map.title = "step \(frame.step)"
            return map
        }
        let path = try ctx.outputFile(inv, defaultName: "timeline-\(block)-sample\(sample).png")!
        try Heatmap.writePNG(maps, to: path)
        ctx.console.write("wrote \(path)")
    }

    static func intervene(_ inv: Invocation, _ ctx: ShellContext) throws {
        if let vit = ctx.session.experiment.model as? ViT { return try TokenAttentionCommands.intervene(inv, ctx, vit) }
        let net = try ctx.attentionModel(inv)
        if inv.string("block") == "clear" {
            let active = net.blocks.enumerated().filter { $0.element.intervention != nil }
            for (_, b) in active { b.intervention = nil }
            ctx.console.write(active.isEmpty ? "no interventions were active"
                              : "cleared: " + active.map { "ultimus\($0.offset + 1) (\($0.element.intervention.map(String.init(describing:)) ?? ""))" }.joined(separator: ", ")
                                .replacingOccurrences(of: " ()", with: "") + "; the blocks compute their own attention again")
            return
        }
        let block = try ctx.blockName(inv, net)
        let index = Int(block.dropFirst(7))! - 1
        guard let mode = inv.string("mode") else {
            throw inv.error("say what to do to \(block)'s attention", suggestion: "add mode=uniform, identity, bypass or zero_row (with row=i)")
        }
        guard let intervention = AttentionIntervention(mode: mode, row: inv.int("row")) else {
            throw inv.error("mode=zero_row needs the row", at: "mode", suggestion: "add row=i (0…\(net.blocks[index].heads - 1))")
        }
        if inv.isExplicit("row"), mode != "zero_row" {
            throw inv.error("row= only goes with mode=zero_row", at: "row")
        }
        try wrap(inv, at: "row") { try intervention.validate(rows: net.blocks[index].heads) }
        let probe = try ctx.probeForward(net)
        let before = probe.forward
        net.blocks[index].intervention = intervention
        let after = ProbeForward(model: net, images: probe.images)
        ctx.console.write("\(block): attention \(describe(intervention)) for evaluation only (eval, explain, attention, gradcam, predict); training ignores it and no weight changes. 'intervene clear' restores it.")
        ctx.console.write(effectTable(before: before, after: after, probe: probe).render(style: ctx.style))
    }

    static func describe(_ i: AttentionIntervention) -> String {
        switch i {
        case .uniform: return "replaced by the uniform map (1/8 everywhere)"
        case .identity: return "replaced by the identity (each slot attends only to itself)"
        case .bypass: return "bypassed (the block passes its input through)"
        case .zeroRow(let r): return "row \(r) zeroed (query slot \(r) attends to nothing)"
        }
    }

    /// Probe images before and after: predicted class, its probability, the change of the logits.
    static func effectTable(before: ProbeForward, after: ProbeForward, probe: ProbeSet) -> Table {
        let p0 = before.probabilities, p1 = after.probabilities
        let classes = before.logits.shape[1]
        var rows: [[String]] = []
        var right0 = 0, right1 = 0
        for n in 0..<probe.count {
            let a = argmax(p0[n]), b = argmax(p1[n])
            var delta = 0.0
            for c in 0..<classes {
                let d = Double(after.logits.storage[n * classes + c]) - Double(before.logits.storage[n * classes + c])
                delta = max(delta, abs(d))
            }
            if a == probe.labels[n] { right0 += 1 }
            if b == probe.labels[n] { right1 += 1 }
            rows.append([String(n), probe.label(n), "\(probe.className(a)) \(String(format: "%.2f", p0[n][a]))",
                         "\(probe.className(b)) \(String(format: "%.2f", p1[n][b]))" + (a != b ? " *" : ""), NumberFormat.short(delta)])
        }
        rows.append(["", "correct", "\(right0)/\(probe.count)", "\(right1)/\(probe.count)", ""])
        return Table(headers: ["probe", "true", "before", "after", "max |Δlogit|"], rows: rows,
                     rightAligned: [true, false, false, false, true], title: "Effect on the probe images ('eval' shows the whole test set)")
    }

    static func argmax(_ v: [Double]) -> Int {
        var best = 0
        for i in v.indices where v[i] > v[best] { best = i }
        return best
    }

    static func gradcam(_ inv: Invocation, _ ctx: ShellContext) throws {
        if let model = ctx.session.experiment.model, !(model is UltimusNet) {
            throw inv.error("'gradcam' works on the convolutions of an UltimusNet (conv1…conv3); this network was built layer by layer",
                            suggestion: "build one with 'model ultimus variant=bnrelu'")
        }
        let net = try ctx.attentionModel(inv)
        let layer = inv.string("layer") ?? "conv3"
        guard GradCAM.layers(of: net).contains(layer) else {
            throw inv.error("Grad-CAM needs a convolution; '\(layer)' is not one", at: "layer",
                            suggestion: EditDistance.suggestion(for: layer, in: GradCAM.layers(of: net)) ?? "use one of \(GradCAM.layers(of: net).joined(separator: ", "))")
        }
        let data = try ctx.data()
        let test = data.splits.test
        let images: ProbeImages
        let title: String
        if inv.string("which") == "misclassified" {
            let evaluation = try ctx.testEvaluation()
            let wanted = inv.int("n") ?? 10
            let (picked, wrong) = MisclassifiedPick.pick(labels: test.labels, predictions: evaluation.predictions, limit: wanted)
            if picked.isEmpty { ctx.console.write("no test image is misclassified: nothing to explain"); return }
            if wrong < wanted { ctx.console.write("only \(wrong) test images are misclassified; showing them all") }
            guard let picked = Experiment.images(data, indices: picked, files: []) else { throw inv.error("cannot read the test images") }
            images = picked
            title = "Grad-CAM \(layer) · misclassified test images"
        } else {
            let probe = try ctx.probeForward(net, inv)
            let sample = try ctx.probeSample(inv, probe)
            images = probe.probes.pick(sample)
            title = "Grad-CAM \(layer) · \(probe.caption(sample))"
        }
        let results = try wrap(inv, at: "layer") { try GradCAM.compute(model: net, images: images.images, layer: layer) }
        var tiles: [ImageTile] = []
        var listing: [ImageTile] = []
        for (k, r) in results.enumerated() {
            let image = try RGBImage(width: test.width, height: test.height, pixels: images.rgb[k])
            let label = images.labels[k]
            let truth = label >= 0 ? "true \(data.classNames[safe: label] ?? "?")" : images.sources[k]
            let predicted = data.classNames[safe: r.predicted] ?? "?"
            let caption = [images.indices[k].map { "#\($0) \(truth)" } ?? truth, "pred \(predicted) \(String(format: "%.2f", r.probability))"]
            let color = label < 0 ? RGB(0, 0, 0) : r.predicted == label ? RGB(0, 110, 0) : RGB(190, 0, 0)
            tiles += CAMOverlay.tiles(image: image, mask: r.map, maskWidth: r.width, maskHeight: r.height, caption: caption, captionColor: color)
            listing.append(ImageTile(image: CAMOverlay.overlay(image: image, mask: r.map, maskWidth: r.width, maskHeight: r.height),
                                     caption: caption + [r.rawMax > 0 ? "peak \(peakText(r))" : "no evidence"]))
        }
        let grid = ColorBar.appended(to: ImageGrid.compose(tiles, columns: results.count > 1 ? 6 : 3, scale: 3, title: title),
                                     colormap: .jet, low: "0", high: "1",
                                     caption: "jet: 0 = each map's raw min, 1 = its raw max")
        let defaultName = inv.string("which") == "misclassified" ? "gradcam-\(layer)-misclassified.png"
            : "gradcam-\(layer)-" + (images.indices[0].map { "test\($0)" } ?? "image") + ".png"
        let path = try ctx.outputFile(inv, defaultName: defaultName)!
        try PNGCodec.write(rgb: grid.pixels, width: grid.width, height: grid.height, to: path)
        ctx.showPicture(grid) { ImageGrid.terminalListing(listing, style: $0) }
        ctx.console.write("Grad-CAM of \(layer) (\(GradCAM.describe(layer: layer, of: net))) for the predicted class: weights = spatial mean of ∂score/∂activation, map = ReLU(Σ_c w_c·A_c)")
        let ranges = results.map { "\(NumberFormat.short($0.rawMin))…\(NumberFormat.short($0.rawMax))" }
        ctx.console.write("raw map range before scaling: " + ranges.joined(separator: ", ")
                          + "; each map is then resized and scaled to 0…1 (jet colour bar: 0 = its minimum, 1 = its maximum)")
        ctx.console.write("wrote \(path) (\(grid.width)×\(grid.height): image, heatmap, overlay per test image)")
    }

    static func peakText(_ r: GradCAM.Result) -> String {
        let i = r.map.indices.max { r.map[$0] < r.map[$1] } ?? 0
        return "y\(i / r.width) x\(i % r.width)"
    }

    /// Runs `body`, turning an ``InspectionError`` into a diagnostic at argument `name`.
    static func wrap<T>(_ inv: Invocation, at name: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as InspectionError {
            throw inv.error(e.description, at: name)
        } catch let e as ShapeError {
            throw inv.error(e.description, at: name)
        }
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
