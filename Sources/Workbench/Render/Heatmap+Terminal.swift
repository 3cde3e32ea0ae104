import Foundation

/// Terminal drawing of ``HeatmapMatrix`` values: coloured cells (256-colour backgrounds on the
/// viridis scale, see ``HeatmapMatrix/colorPosition(_:)``, black or white digits by luminance) with
/// values, row sums `Σ` and row entropy `H`; without colour the values alone, or shade characters in
/// the compact form.
public enum Heatmap {
    /// How much of a map to draw, from most to least detailed.
    public enum Detail: Sendable, CaseIterable {
        /// Values in every cell, then the row sum and entropy columns.
        case valuesAndStats
        /// Values in every cell.
        case values
        /// Two-column coloured (or shaded) cells, then the row entropy.
        case compactAndStats
        /// Two-column cells only.
        case compact
    }

    /// One map, as detailed as `style.width` allows (or exactly `detail` when given).
    public static func render(_ map: HeatmapMatrix, style: RenderStyle, detail: Detail? = nil) -> String {
        let d = detail ?? Detail.allCases.first { width(map, $0) <= style.width } ?? .compact
        return lines(map, detail: d, style: style).map { ANSI.truncate($0, to: style.width) }.joined(separator: "\n")
    }

    /// Several maps side by side (`attention all`): the most detailed form in which all fit in one row,
    /// otherwise wrapped onto further rows of maps.
    public static func renderSideBySide(_ maps: [HeatmapMatrix], style: RenderStyle) -> String {
        guard !maps.isEmpty else { return "" }
        let gap = 2
        for perRow in stride(from: maps.count, through: 1, by: -1) {
            for d in Detail.allCases {
                let w = maps.prefix(perRow).map { titledWidth($0, d) }.reduce(0, +) + gap * (perRow - 1)
                guard w <= style.width else { continue }
                var out: [String] = []
                for start in stride(from: 0, to: maps.count, by: perRow) {
                    let group = maps[start..<min(start + perRow, maps.count)].map { m in
                        (lines(m, detail: d, style: style), titledWidth(m, d))
                    }
                    let height = group.map { $0.0.count }.max() ?? 0
                    for r in 0..<height {
                        var row = group.map {
                            r < $0.0.count ? ANSI.pad($0.0[r], to: $0.1) : String(repeating: " ", count: $0.1)
                        }.joined(separator: String(repeating: " ", count: gap))
                        while row.hasSuffix(" ") { row.removeLast() }
                        out.append(row)
                    }
                    if start + perRow < maps.count { out.append("") }
                }
                return out.joined(separator: "\n")
            }
        }
        return maps.map { render($0, style: style) }.joined(separator: "\n\n")
    }

    /// The width in columns of `map` drawn at `detail`.
    static func width(_ map: HeatmapMatrix, _ detail: Detail) -> Int {
        let label = rowLabelWidth(map)
        switch detail {
        case .valuesAndStats: return label + map.columns * (cellWidth(map) + 1) + 8 + 7
        case .values: return label + map.columns * (cellWidth(map) + 1)
        case .compactAndStats: return label + 2 * map.columns + 6
        case .compact: return label + 2 * map.columns
        }
    }

    /// The width of `map` drawn at `detail`, widened to its title so the title is never cut.
    static func titledWidth(_ map: HeatmapMatrix, _ detail: Detail) -> Int {
        max(width(map, detail), ANSI.displayWidth(map.title))
    }

    static func rowLabelWidth(_ map: HeatmapMatrix) -> Int { map.rowPrefix.count + String(map.rows - 1).count }

    /// Values in 0…1 print as `0.27`, anything else with three significant digits.
    static func format(_ v: Double, _ map: HeatmapMatrix) -> String {
        guard v.isFinite else { return "nan" }
        if map.isProbability { return String(format: "%.2f", v) }
        if v == v.rounded() && abs(v) < 1e6 { return String(Int(v)) }
        return String(format: "%.3g", v)
    }

    static func cellWidth(_ map: HeatmapMatrix) -> Int {
        max(3, map.values.map { format($0, map).count }.max() ?? 4)
    }

    static func lines(_ map: HeatmapMatrix, detail: Detail, style: RenderStyle) -> [String] {
        let label = rowLabelWidth(map)
        let compact = detail == .compact || detail == .compactAndStats
        let stats = detail == .valuesAndStats || detail == .compactAndStats
        let cw = compact ? 2 : cellWidth(map) + 1
        var out: [String] = []
        if !map.title.isEmpty { out.append(style.text(map.title)) }
        var header = String(repeating: " ", count: label)
        for c in 0..<map.columns {
            let name = compact ? String(c % 10) : map.columnPrefix + String(c)
            header += ANSI.pad(name, to: cw, right: true)
        }
        if detail == .valuesAndStats {
            header += ANSI.pad(style.unicode ? "Σ" : "sum", to: 8, right: true) + ANSI.pad("H", to: 7, right: true)
        }
        if detail == .compactAndStats { header += ANSI.pad("H", to: 6, right: true) }
        out.append(header)
        let sums = map.rowSums, entropies = map.rowEntropies
        for r in 0..<map.rows {
            var line = ANSI.pad(map.rowPrefix + String(r), to: label)
            for c in 0..<map.columns {
                line += cell(map[r, c], map: map, width: cw, compact: compact, style: style)
            }
            if detail == .valuesAndStats {
                line += ANSI.pad(String(format: "%.3f", sums[r]), to: 8, right: true)
                line += ANSI.pad(String(format: "%.3f", entropies[r]), to: 7, right: true)
            } else if detail == .compactAndStats {
                line += ANSI.pad(String(format: "%.2f", entropies[r]), to: 6, right: true)
            }
            out.append(line)
        }
        if stats {
            let meanH = entropies.filter { $0.isFinite }.reduce(0, +) / Double(max(1, map.rows))
            let mean = style.unicode ? "H̄" : "mean H"
            out.append(compact
                ? String(format: "\(mean) %.2f max %.2f", meanH, map.peak)
                : String(format: "\(mean) %.3f (uniform ln %d = %.3f), peak %.3f", meanH, map.columns,
                         log(Double(map.columns)), map.peak))
        }
        if compact {
            // Two-character cells carry no digits: their shade is scaled to this map's own range, so a
            // near-uniform map still shows its structure; the range says what the extremes are.
            let r = compactRange(map)
            let format = style.unicode ? "scale %.3g…%.3g" : "scale %.3g-%.3g"
            out.append(String(format: format, r.lowerBound, r.upperBound))
        }
        let w = width(map, detail)
        return out.enumerated().map { i, line in
            ANSI.truncate(line, to: i == 0 && !map.title.isEmpty ? max(w, style.width) : w)
        }
    }

    /// The smallest and largest finite values of `map` (widened when equal): the compact cells' scale.
    static func compactRange(_ map: HeatmapMatrix) -> ClosedRange<Double> {
        let finite = map.values.filter { $0.isFinite }
        return Chart.widen(finite.min() ?? 0, finite.max() ?? 1)
    }

    static func cell(_ v: Double, map: HeatmapMatrix, width: Int, compact: Bool, style: RenderStyle) -> String {
        if compact {
            let r = compactRange(map)
            let t = (v - r.lowerBound) / (r.upperBound - r.lowerBound)
            if style.color {
                return ANSI.background256(ANSI.cubeIndex(Colormap.viridis.color(t))) + "  " + ANSI.reset
            }
            let ch = Colormap.shade(t, unicode: style.unicode)
            return String(repeating: ch, count: 2)
        }
        let t = map.colorPosition(v)
        let text = ANSI.pad(format(v, map), to: width, right: true)
        guard style.color, v.isFinite else { return text }
        let bg = Colormap.viridis.color(t)
        let fg = bg.luminance > 0.5 ? 16 : 231
        return ANSI.background256(ANSI.cubeIndex(bg)) + ANSI.foreground256(fg) + text + ANSI.reset
    }
}
