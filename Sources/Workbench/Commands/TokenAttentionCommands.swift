import Datasets
import ExperimentKit
import Foundation
import Layers

/// `attention blocks.N`, `attention all` and `rollout` on a ViT: per-head T×T maps of the probe
/// images, the class token's row (or the mean row for pool=mean) over the image, attention rollout.
enum TokenAttentionCommands {
    /// The probe images with one evaluation-mode pass through the ViT (interventions apply).
    struct Probe {
        var indices: [Int]
        var labels: [Int]
        var classNames: [String]
        var pictures: [RGBImage]
        /// Per block, `[P, H, T, T]`.
        var maps: [Tensor]
        var logits: Tensor

        func label(_ n: Int) -> String { classNames[safe: labels[n]] ?? "?" }
    }

    static func probe(_ ctx: ShellContext, _ vit: ViT) throws -> Probe {
        let data = try ctx.data()
        let test = data.splits.test
        let indices = ctx.session.experiment.probeIndices(data)
        guard !indices.isEmpty, let batch = data.images(.test, indices: indices) else {
            throw ExperimentError("the test split has no images to probe")
        }
        let wasTraining = vit.isTraining
        vit.eval()
        defer { vit.train(wasTraining) }
        let (maps, logits) = vit.attentionMaps(batch.images)
        let pictures = try indices.map {
            try RGBImage(width: test.width, height: test.height, pixels: test.rgbInterleaved(at: $0))
        }
        return Probe(indices: indices, labels: batch.labels, classNames: data.classNames, pictures: pictures,
                     maps: maps,
                     logits: logits)
    }

    /// `sample=` checked against the probes.
    static func sample(_ inv: Invocation, _ probe: Probe) throws -> Int {
        let sample = inv.int("sample") ?? 0
        guard sample < probe.indices.count else {
            throw inv.error("sample=\(sample) is not a probe image", at: "sample",
                            suggestion: "there are \(probe.indices.count) probe images "
                                + "(one per class unless 'set probes=' chose them): "
                                + "sample=0…\(probe.indices.count - 1)")
        }
        return sample
    }

    /// The `block` positional: `blocks.N`, or `nil` for `all`.
    static func block(_ inv: Invocation, _ vit: ViT) throws -> Int? {
        let name = inv.string("block") ?? "all"
        if name == "all" { return nil }
        let names = vit.blocks.indices.map { "blocks.\($0)" }
        guard let i = names.firstIndex(of: name) else {
            throw inv.error("no transformer block called '\(name)'", at: "block",
                            suggestion: EditDistance.suggestion(for: name, in: names)
                                ?? "the blocks are \(names.joined(separator: ", ")) (named by their state_dict prefix)")
        }
        return i
    }

    /// One head's `T×T` map of probe `sample` from maps `[P, H, T, T]`.
    static func headMap(_ maps: Tensor, sample: Int, head: Int) -> [Float] {
        let (h, t) = (maps.shape[1], maps.shape[2])
        let start = (sample * h + head) * t * t
        return Array(maps.storage[start ..< start + t * t])
    }

    /// What the head reads per patch: the class token's row over the patch keys (pool=cls), or the
    /// mean row (pool=mean); `grid²` values.
    static func pooledRow(_ map: [Float], tokens t: Int, pool: ViTConfig.Pool) -> [Float] {
        switch pool {
        case .cls: return Array(map[1..<t])
        case .mean: return (0..<t).map { c in (0..<t).reduce(Float(0)) { $0 + map[$1 * t + c] } / Float(t) }
        }
    }

    static func attention(_ inv: Invocation, _ ctx: ShellContext, _ vit: ViT) throws {
        let index = try block(inv, vit)
        let probe = try probe(ctx, vit)
        let sample = try sample(inv, probe)
        let heads = vit.config.heads, t = vit.config.tokens
        if let h = inv.int("head"), !(0..<heads).contains(h) {
            throw inv.error("head=\(h) is not a head of this model", at: "head",
                            suggestion: "heads count from 0: head=0…\(heads - 1)")
        }
        let shownHeads = inv.int("head").map { [$0] } ?? Array(0..<heads)
        let blocks = index.map { [$0] } ?? Array(vit.blocks.indices)
        let caption = "probe \(sample) (\(probe.label(sample)))"
        var tiles: [ImageTile] = [], overlays = [ImageTile(image: probe.pictures[sample].upscaled(by: 4),
                                                           caption: [caption])]
        for b in blocks {
            for h in shownHeads {
                let map = headMap(probe.maps[b], sample: sample, head: h)
                tiles.append(ImageTile(image: TokenAttentionImage.map(map, tokens: t,
                                                                      title: "blocks.\(b) head \(h) · \(caption)")))
                let row = pooledRow(map, tokens: t, pool: vit.config.pool)
                overlays.append(ImageTile(image: TokenAttentionImage.overlay(image: probe.pictures[sample],
                                                                             weights: row,
                                                                             grid: vit.config.grid),
                                          caption: ["blocks.\(b) head \(h)"]))
                if index != nil {
                    showTerminal(ctx, map, row, tokens: t, grid: vit.config.grid, title: "blocks.\(b) head \(h)")
                }
            }
        }
        let stem = "attention-\(index.map { "blocks.\($0)" } ?? "all")-sample\(sample)"
            + (inv.int("head").map { "-head\($0)" } ?? "")
        let maps = ImageGrid.compose(tiles, columns: shownHeads.count, scale: 1, title: "attention · \(caption)")
        let over = ImageGrid.compose(overlays, columns: min(overlays.count, shownHeads.count + 1), scale: 1,
                                     title: vit.config.pool == .cls ? "class token's attention over the patches"
                                                                    : "mean attention over the patches")
        let path = try ctx.outputFile(inv, defaultName: stem + ".png")!
        let overPath = (path as NSString).deletingPathExtension + "-overlay.png"
        try PNGCodec.write(rgb: maps.pixels, width: maps.width, height: maps.height, to: path)
        try PNGCodec.write(rgb: over.pixels, width: over.width, height: over.height, to: overPath)
        // Elsewhere the terminal maps above stand for the pictures.
        if ctx.console.images.isBitmap { ctx.showPicture(over) { _ in "" } }
        ctx.console.write(ctx.console.styled("rows are query tokens, columns key tokens (token 0 is the class token "
                                             + "with pool=cls, then the patches row by row); each row sums to 1 over "
                                             + "the keys.", .dim))
        let rowName = vit.config.pool == .cls ? "class-token row" : "mean row"
        ctx.console.write("wrote \(path) (\(tiles.count) maps of \(t)×\(t)) and \(overPath) (the image and each "
                          + "head's \(rowName) over the \(vit.config.grid)×\(vit.config.grid) patches)")
    }

    /// A map downsampled for the terminal and the pooled row as a patch grid.
    static func showTerminal(_ ctx: ShellContext, _ map: [Float], _ row: [Float], tokens t: Int, grid: Int,
                             title: String) {
        var small = TokenAttentionImage.downsampled(map, rows: t, columns: t)
        small.title = title + (small.rows < t ? " (\(t)×\(t) averaged to \(small.rows)×\(small.columns))" : "")
        var patches = TokenAttentionImage.downsampled(row, rows: grid, columns: grid)
        patches.title = "over the \(grid)×\(grid) patches (0 to its max)"
        patches.scaledToPeak = true
        (patches.rowPrefix, patches.columnPrefix) = ("y", "x")
        ctx.console.write(Heatmap.renderSideBySide([small, patches], style: ctx.style))
    }

    static func rollout(_ inv: Invocation, _ ctx: ShellContext) throws {
        guard let vit = ctx.session.experiment.model as? ViT else {
            throw inv.error("'rollout' follows attention through the blocks of a ViT; this model has none",
                            suggestion: "build one with 'model vit'")
        }
        let probe = try probe(ctx, vit)
        let sample = try sample(inv, probe)
        guard let rollout = attentionRollout(probe.maps) else {
            throw inv.error("the ViT has no blocks (depth=0): nothing to roll out")
        }
        let t = vit.config.tokens, grid = vit.config.grid
        let start = sample * t * t
        let map = Array(rollout.storage[start ..< start + t * t])
        let row = pooledRow(map, tokens: t, pool: vit.config.pool)
        showTerminal(ctx, map, row, tokens: t, grid: grid, title: "rollout · probe \(sample) (\(probe.label(sample)))")
        let caption = "probe \(sample) (\(probe.label(sample)))"
        let picture = probe.pictures[sample]
        let tiles = [ImageTile(image: picture.upscaled(by: 4), caption: [caption]),
                     ImageTile(image: TokenAttentionImage.overlay(image: picture, weights: row, grid: grid),
                               caption: ["rollout over \(vit.blocks.count) blocks",
                                         String(format: "blue 0 to red %.3f", Double(row.max() ?? 0))])]
        let grid2 = ImageGrid.compose(tiles, columns: 2, scale: 1, title: "attention rollout")
        let path = try ctx.outputFile(inv, defaultName: "rollout-sample\(sample).png")!
        try PNGCodec.write(rgb: grid2.pixels, width: grid2.width, height: grid2.height, to: path)
        if ctx.console.images.isBitmap { ctx.showPicture(grid2) { _ in "" } }
        let shown = vit.config.pool == .cls ? "the class token's row" : "the mean row"
        let note = "rollout (Abnar & Zuidema, 2020): per block the heads' mean, A = 0.5·A + 0.5·I, "
            + "rows renormalised; rollout = A_last · … · A_first. Shown: \(shown) over the patches."
        ctx.console.write(ctx.console.styled(note, .dim))
        ctx.console.write("wrote \(path)")
    }
}

/// `intervene blocks.N head=h mode=zero|uniform`, `intervene rank` and `intervene clear` on a ViT.
extension TokenAttentionCommands {
    static func intervene(_ inv: Invocation, _ ctx: ShellContext, _ vit: ViT) throws {
        switch inv.string("block") {
        case "clear"?:
            let active = vit.blocks.enumerated().flatMap { b, block in
                block.selfAttn.headInterventions.enumerated().compactMap { h, i in
                    i.map { "blocks.\(b) head \(h) (\($0.rawValue))" }
                }
            }
            for block in vit.blocks {
                block.selfAttn.headInterventions = Array(repeating: nil, count: vit.config.heads)
            }
            ctx.console.write(active.isEmpty ? "no interventions were active"
                                             : "cleared: " + active.joined(separator: ", "))
        case "rank"?:
            try rank(inv, ctx, vit)
        default:
            guard let index = try block(inv, vit) else {
                throw inv.error("name a block (blocks.0 …), rank or clear", at: "block")
            }
            guard let head = inv.int("head"), (0..<vit.config.heads).contains(head) else {
                throw inv.error("say which head of blocks.\(index)",
                                suggestion: "add head=h (0…\(vit.config.heads - 1))")
            }
            guard let mode = inv.string("mode").flatMap(HeadIntervention.init(rawValue:)) else {
                throw inv.error("a ViT head takes mode=zero or mode=uniform", at: "mode")
            }
            vit.blocks[index].selfAttn.headInterventions[head] = mode
            let what = mode == .zero ? "zeroed (the head adds nothing before out_proj)"
                                     : "made uniform (every query attends 1/T to every key)"
            ctx.console.write("blocks.\(index) head \(head): attention \(what), for evaluation only; "
                              + "'eval' shows the effect, 'intervene clear' restores it")
        }
    }

    /// Test accuracy with each head zeroed in turn, most important head (largest drop) first.
    static func rank(_ inv: Invocation, _ ctx: ShellContext, _ vit: ViT) throws {
        let saved = vit.blocks.map(\.selfAttn.headInterventions)
        defer { for (block, s) in zip(vit.blocks, saved) { block.selfAttn.headInterventions = s } }
        let base = try ctx.testEvaluation()
        var drops: [(name: String, accuracy: Double)] = []
        for (b, block) in vit.blocks.enumerated() {
            for h in 0..<vit.config.heads {
                block.selfAttn.headInterventions = saved[b]
                block.selfAttn.headInterventions[h] = .zero
                drops.append(("blocks.\(b) head \(h)", try ctx.testEvaluation().accuracy))
            }
            block.selfAttn.headInterventions = saved[b]
        }
        drops.sort { $0.accuracy < $1.accuracy }
        let rows = drops.map {
            [$0.name, String(format: "%.2f%%", $0.accuracy), String(format: "%+.2f", $0.accuracy - base.accuracy)]
        }
        ctx.console.write(Table(headers: ["head zeroed", "test accuracy", "change (points)"],
                                rows: rows).render(style: ctx.style))
        ctx.console.write(String(format: "baseline %.2f%%; each head zeroed alone (evaluation only), "
                                         + "most important first", base.accuracy))
    }
}
