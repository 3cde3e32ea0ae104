import ExperimentKit
import Foundation
import Layers

/// `timeline attention [blocks.N] [sample=i]` on a ViT: per block and head, how the attention
/// entropy and the mean attention distance moved over the frames recorded during training.
extension TokenAttentionCommands {
    /// One head's numbers over the frames.
    struct HeadSeries {
        var block: String
        var head: Int
        var entropy: [Double] = []
        var distance: [Double] = []
    }

    static func timeline(_ inv: Invocation, _ ctx: ShellContext, _ vit: ViT) throws {
        let index = try block(inv, vit)
        let sample = inv.isExplicit("sample") ? inv.int("sample") : nil
        let blocks = index.map { [$0] } ?? Array(vit.blocks.indices)
        let frames = ctx.session.experiment.timeline.frames.filter { f in blocks.allSatisfy { f.blocks.contains("blocks.\($0)") } }
        guard let first = frames.first, let last = frames.last else {
            throw inv.error("no attention frames recorded yet",
                            suggestion: "train first ('train steps=20'); every few steps the probe images' heads are measured")
        }
        let series = try headSeries(inv, frames, blocks: blocks, heads: vit.config.heads, sample: sample)
        let config = vit.config
        let who = sample.map { "probe \($0)" } ?? "mean of \(first.maps.first?.shape.first ?? 0) probe images"
        ctx.console.write(ctx.style.text("timeline · \(who) · \(frames.count) frames, steps \(first.step)…\(last.step) "
                                         + "(epochs \(first.epoch)…\(last.epoch))"))
        ctx.console.write(timelineTable(series, config: config, style: ctx.style).render(style: ctx.style))
        ctx.console.write(ctx.console.styled(timelineNote(config), .dim))
        let picture = timelinePicture(series, steps: frames.map { Double($0.step) }, config: config, who: who)
        let name = "timeline-attention" + (index.map { "-blocks.\($0)" } ?? "") + (sample.map { "-sample\($0)" } ?? "") + ".png"
        let path = try ctx.outputFile(inv, defaultName: name)!
        try picture.writePNG(to: path)
        if ctx.console.images.isBitmap { ctx.showPicture(picture) { _ in "" } }
        ctx.console.write("wrote \(path)")
    }

    /// Per block two charts side by side, entropy and mean distance against the training step, a line per head.
    static func timelinePicture(_ series: [HeadSeries], steps: [Double], config: ViTConfig, who: String) -> RGBImage {
        var blocks: [String] = []
        for s in series where !blocks.contains(s.block) { blocks.append(s.block) }
        let maximum = log(Double(config.tokens))
        let charts = blocks.flatMap { block -> [Chart] in
            let heads = series.filter { $0.block == block }
            return [
                Chart(title: "\(block) entropy, nats (max \(String(format: "%.2f", maximum)))", xLabel: "step · \(who)",
                      yLabel: "entropy", series: heads.map { ChartSeries(name: "head \($0.head)", x: steps, y: $0.entropy) },
                      yRange: 0...maximum),
                Chart(title: "\(block) mean distance, patches", xLabel: "step · \(who)", yLabel: "patches",
                      series: heads.map { ChartSeries(name: "head \($0.head)", x: steps, y: $0.distance) }),
            ]
        }
        return RasterChart.grid(charts, columns: 2)
    }

    /// Each wanted head's entropy and distance per frame, for probe `sample` or the mean of the probes.
    static func headSeries(_ inv: Invocation, _ frames: [AttentionTimeLapse.Frame], blocks: [Int], heads: Int,
                           sample: Int?) throws -> [HeadSeries] {
        var series = blocks.flatMap { b in (0..<heads).map { HeadSeries(block: "blocks.\(b)", head: $0) } }
        for frame in frames {
            for (k, b) in blocks.enumerated() {
                guard let i = frame.blocks.firstIndex(of: "blocks.\(b)"), i < frame.maps.count else { continue }
                let stats = frame.maps[i]
                guard stats.rank == 3, stats.shape[1] == heads, stats.shape[2] == 2, stats.shape[0] > 0 else {
                    throw inv.error("the frame at step \(frame.step) does not hold \(heads) heads of blocks.\(b)",
                                    suggestion: "train again to record new frames")
                }
                if let sample, sample >= stats.shape[0] {
                    throw inv.error("sample=\(sample) is not a probe image; the frames hold probes 0…\(stats.shape[0] - 1)", at: "sample")
                }
                for h in 0..<heads {
                    series[k * heads + h].entropy.append(mean(stats, head: h, value: 0, sample: sample))
                    series[k * heads + h].distance.append(mean(stats, head: h, value: 1, sample: sample))
                }
            }
        }
        return series
    }

    /// Value `value` (0 entropy, 1 distance) of `head` in stats `[P, H, 2]`: probe `sample`, or the mean.
    static func mean(_ stats: Tensor, head: Int, value: Int, sample: Int?) -> Double {
        let (p, h) = (stats.shape[0], stats.shape[1])
        let samples = sample.map { [$0] } ?? Array(0..<p)
        return samples.reduce(0.0) { $0 + Double(stats.storage[($1 * h + head) * 2 + value]) } / Double(samples.count)
    }

    /// One row per head: entropy and distance at the first and last frame with a sparkline between,
    /// each sparkline on the scale shared by all the heads shown (lowest to highest value).
    static func timelineTable(_ series: [HeadSeries], config: ViTConfig, style: RenderStyle) -> Table {
        let width = min(10, series.first?.entropy.count ?? 0)
        func scale(_ values: [Double]) -> ClosedRange<Double> {
            let lo = values.min() ?? 0, hi = values.max() ?? 1
            return hi > lo ? lo...hi : (lo - 1)...(hi + 1)
        }
        let hRange = scale(series.flatMap(\.entropy)), dRange = scale(series.flatMap(\.distance))
        func number(_ v: Double?) -> String { String(format: "%.2f", v ?? .nan) }
        let rows = series.map { s -> [String] in
            [s.block, String(s.head), number(s.entropy.first), Sparkline.render(s.entropy, width: width, range: hRange, unicode: style.unicode),
             number(s.entropy.last), number(s.distance.first),
             Sparkline.render(s.distance, width: width, range: dRange, unicode: style.unicode), number(s.distance.last),
             String(format: "%.1f", (s.distance.last ?? .nan) * Double(config.patch))]
        }
        return Table(headers: ["block", "head", "H start", "entropy", "H now", "d start", "distance", "d now", "d px"],
                     rows: rows, rightAligned: [false, true, true, false, true, true, false, true, true])
    }

    static func timelineNote(_ config: ViTConfig) -> String {
        let t = config.tokens
        return String(format: "entropy H: −Σ A·ln A of each query row, in nats, mean over the %d queries; uniform attention "
                      + "(every key 1/T) has the maximum ln T = ln %d = %.2f, one key per query has 0. distance d: the mean "
                      + "attention distance (ViT paper, fig. 7), the attention-weighted distance between query and key "
                      + "patches in patches of %d px (class token left out); at most %.2f patches across the %d×%d grid. "
                      + "Sparklines run from the first recorded frame to the last, on a scale shared by the heads.",
                      t, t, log(Double(t)), config.patch, Double(config.grid - 1) * 2.0.squareRoot(), config.grid, config.grid)
    }
}
