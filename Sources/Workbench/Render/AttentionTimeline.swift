import Foundation

/// One recorded attention map of the time-lapse: the map of a probe image at a training step.
public struct AttentionFrame: Sendable, Equatable {
    public var step: Int
    public var map: HeatmapMatrix
    public init(step: Int, map: HeatmapMatrix) {
        self.step = step
        self.map = map
    }
}

/// A map that has stopped distinguishing anything.
public enum AttentionCollapse: String, Sendable, Equatable {
    /// Mean row entropy at least 98% of `ln n`: every query attends to every key about equally.
    case uniform
    /// Mean of the row maxima at least 0.95: every query attends to a single key.
    case oneHot = "one-hot"
}

/// The numbers of one frame: mean row entropy `H̄` (nats), the largest weight, the mean of the row
/// maxima, and a collapse flag.
public struct AttentionFrameSummary: Sendable, Equatable {
    public var step: Int
    public var meanEntropy: Double
    public var peak: Double
    public var meanRowPeak: Double
    public var collapse: AttentionCollapse?
}

/// Playback of an attention time-lapse in the terminal: thumbnails of selected frames, then
/// sparklines of entropy and peak (and, when given, loss and LR) on one shared step axis, then a
/// table of frames with collapse flags.
public enum AttentionTimeline {
    /// Summary numbers and collapse flag of `map`.
    public static func summarize(_ map: HeatmapMatrix, step: Int = 0) -> AttentionFrameSummary {
        let entropies = map.rowEntropies.filter { $0.isFinite }
        let meanH = entropies.reduce(0, +) / Double(max(1, entropies.count))
        let rowPeaks = (0..<map.rows).map { map.row($0).max() ?? 0 }
        let meanRowPeak = rowPeaks.reduce(0, +) / Double(max(1, map.rows))
        var flag: AttentionCollapse?
        if meanH >= 0.98 * log(Double(map.columns)) { flag = .uniform }
        else if meanRowPeak >= 0.95 { flag = .oneHot }
        return AttentionFrameSummary(step: step, meanEntropy: meanH, peak: map.peak, meanRowPeak: meanRowPeak,
                                     collapse: flag)
    }

    /// The playback text.
    /// - Parameters:
    ///   - frames: the recorded maps in step order.
    ///   - title: heading (e.g. `ultimus2 · probe 0`).
    ///   - loss: per-step `(step, loss)` to draw on the same axis.
    ///   - lr: per-step `(step, learning rate)`.
    ///   - maxTableRows: frames listed in the table (first, last, flagged, then evenly spaced).
    public static func render(_ frames: [AttentionFrame], title: String = "", style: RenderStyle,
                              loss: [(step: Int, value: Double)] = [], lr: [(step: Int, value: Double)] = [],
                              maxTableRows: Int = 12) -> String {
        guard let first = frames.first, let last = frames.last else { return "no attention frames recorded" }
        let summaries = frames.map { summarize($0.map, step: $0.step) }
        var out: [String] = []
        let heading = title.isEmpty ? "" : title + " · "
        let header = "\(heading)\(frames.count) frames, steps \(first.step)…\(last.step)"
        out.append(ANSI.truncate(style.text(header), to: style.width))
        out += strip(frames, summaries: summaries, style: style)
        out += tracks(summaries, keys: first.map.columns, loss: loss, lr: lr, style: style)
        out += table(summaries, maxRows: maxTableRows, style: style)
        return out.joined(separator: "\n")
    }

    /// Thumbnails of up to `(width + 2) / (columns + 2)` evenly spaced frames (always the first and last),
    /// with their steps and flags (`U` uniform, `1` one-hot) underneath.
    static func strip(_ frames: [AttentionFrame], summaries: [AttentionFrameSummary], style: RenderStyle) -> [String] {
        let w = frames[0].map.columns
        let cell = max(w, 6) + 2
        let count = min(frames.count, max(1, (style.width + 2) / cell))
        let picks = count == 1 ? [frames.count - 1]
            : (0..<count).map { Int((Double($0) * Double(frames.count - 1) / Double(count - 1)).rounded()) }
        let thumbs = picks.map { thumbnail(frames[$0].map, style: style) }
        var out: [String] = []
        for r in 0..<(thumbs.map(\.count).max() ?? 0) {
            out.append(thumbs.map { ANSI.pad(r < $0.count ? $0[r] : "", to: cell - 2) }.joined(separator: "  "))
        }
        out.append(picks.map { ANSI.pad(String(frames[$0].step), to: cell - 2) }.joined(separator: "  "))
        let flags = picks.map { i -> String in
            switch summaries[i].collapse {
            case .uniform?: return "U"
            case .oneHot?: return "1"
            case nil: return ""
            }
        }
        if flags.contains(where: { !$0.isEmpty }) {
            out.append(flags.map { ANSI.pad($0, to: cell - 2) }.joined(separator: "  "))
        }
        return out.map { var s = $0; while s.hasSuffix(" ") { s.removeLast() }; return s }
    }

    /// A map in `columns` terminal columns: half blocks in colour (two map rows per line), shade
    /// characters without colour (one map row per line).
    static func thumbnail(_ map: HeatmapMatrix, style: RenderStyle) -> [String] {
        if style.color && style.unicode {
            return stride(from: 0, to: map.rows, by: 2).map { r in
                (0..<map.columns).map { c in
                    let top = Colormap.viridis.color(map.colorPosition(map[r, c]))
                    let bottom = r + 1 < map.rows
                        ? Colormap.viridis.color(map.colorPosition(map[r + 1, c])) : RGB(0, 0, 0)
                    return ANSI.foreground256(ANSI.cubeIndex(top)) + ANSI.background256(ANSI.cubeIndex(bottom)) + "▀"
                }.joined() + ANSI.reset
            }
        }
        return (0..<map.rows).map { r in
            (0..<map.columns).map { c -> String in
                let t = map.colorPosition(map[r, c])
                if style.color { return ANSI.background256(ANSI.cubeIndex(Colormap.viridis.color(t))) + " " }
                return String(Colormap.shade(t, unicode: style.unicode))
            }.joined() + (style.color ? ANSI.reset : "")
        }
    }

    /// Sparklines on a shared step axis: frame values hold until the next frame; per-step series are
    /// averaged per column.
    static func tracks(_ s: [AttentionFrameSummary], keys: Int, loss: [(step: Int, value: Double)],
                       lr: [(step: Int, value: Double)], style: RenderStyle) -> [String] {
        let label = 9
        let width = max(8, style.width - label - 12)
        let lo = min(s.first!.step, loss.first?.step ?? .max, lr.first?.step ?? .max)
        let hi = max(s.last!.step, loss.last?.step ?? .min, lr.last?.step ?? .min)
        func column(_ step: Int) -> Int {
            hi > lo ? min(width - 1, (step - lo) * (width - 1) / (hi - lo)) : 0
        }
        func held(_ values: [Double]) -> [Double] {
            var cols = [Double](repeating: .nan, count: width)
            for (k, v) in values.enumerated() {
                let from = column(s[k].step), to = k + 1 < s.count ? column(s[k + 1].step) : width
                for c in from..<max(from + 1, to) where c < width { cols[c] = v }
            }
            return cols
        }
        func binned(_ series: [(step: Int, value: Double)]) -> [Double] {
            var sum = [Double](repeating: 0, count: width), n = [Int](repeating: 0, count: width)
            for p in series where p.value.isFinite { sum[column(p.step)] += p.value; n[column(p.step)] += 1 }
            return (0..<width).map { n[$0] > 0 ? sum[$0] / Double(n[$0]) : .nan }
        }
        func row(_ name: String, _ cols: [Double], range: ClosedRange<Double>?, note: String) -> String {
            ANSI.pad(name, to: label) + Sparkline.render(cols, range: range, unicode: style.unicode)
                + " " + style.text(note)
        }
        let maxH = log(Double(max(2, keys)))
        var out = [""]
        let hs = s.map(\.meanEntropy), ps = s.map(\.peak)
        out.append(row("entropy", held(hs), range: 0...maxH, note: String(format: "%.2f→%.2f", hs.first!, hs.last!)))
        out.append(row("peak", held(ps), range: 0...1, note: String(format: "%.2f→%.2f", ps.first!, ps.last!)))
        if !loss.isEmpty {
            let note = String(format: "%.3g→%.3g", loss.first!.value, loss.last!.value)
            out.append(row("loss", binned(loss), range: nil, note: note))
        }
        if !lr.isEmpty {
            out.append(row("lr", binned(lr), range: nil, note: String(format: "max %.2g", lr.map(\.value).max() ?? 0)))
        }
        var axis = [Character](repeating: style.unicode ? "─" : "-", count: width)
        for x in s { axis[column(x.step)] = style.unicode ? "┴" : "+" }
        out.append(ANSI.pad("step", to: label) + String(axis))
        let loText = String(lo), hiText = String(hi)
        out.append(String(repeating: " ", count: label) + loText
                   + String(repeating: " ", count: max(1, width - loText.count - hiText.count)) + hiText)
        return out.map { ANSI.truncate($0, to: style.width) }
    }

    /// The frames table: first, last and flagged frames first, then evenly spaced ones, in step order.
    static func table(_ s: [AttentionFrameSummary], maxRows: Int, style: RenderStyle) -> [String] {
        var keep = Set([0, s.count - 1])
        for (i, x) in s.enumerated() where x.collapse != nil && keep.count < maxRows { keep.insert(i) }
        let spare = max(0, maxRows - keep.count)
        if spare > 0 && s.count > 2 {
            for k in 1...spare { keep.insert(k * (s.count - 1) / (spare + 1)) }
        }
        let rows = keep.sorted().prefix(max(2, maxRows)).map { i -> [String] in
            let x = s[i]
            return [String(x.step), String(format: "%.3f", x.meanEntropy), String(format: "%.3f", x.peak),
                    String(format: "%.3f", x.meanRowPeak), x.collapse?.rawValue ?? ""]
        }
        let table = Table(headers: ["step", style.unicode ? "H̄" : "mean H", "peak", "row max", "flag"],
                          rows: rows, rightAligned: [true, true, true, true, false])
        var out = [""] + table.render(style: style).split(separator: "\n").map(String.init)
        if rows.count < s.count { out.append("(\(rows.count) of \(s.count) frames listed)") }
        return out
    }
}
