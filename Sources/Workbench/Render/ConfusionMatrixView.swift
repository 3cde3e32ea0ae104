import Foundation

/// A confusion matrix (`counts[true][predicted]`) with per-class accuracy, in the terminal and as SVG.
public struct ConfusionMatrixView: Sendable, Equatable {
    /// `counts[t][p]`: images of true class `t` predicted as `p`.
    public var counts: [[Int]]
    public var classNames: [String]
    public var title: String

    public init(counts: [[Int]], classNames: [String], title: String = "Confusion matrix") {
        self.counts = counts
        self.classNames = classNames
        self.title = title
    }

    /// A matrix from parallel label arrays.
    public init(trueLabels: [Int], predicted: [Int], classNames: [String], title: String = "Confusion matrix") {
        var m = [[Int]](repeating: [Int](repeating: 0, count: classNames.count), count: classNames.count)
        for (t, p) in zip(trueLabels, predicted) where m.indices.contains(t) && m.indices.contains(p) {
            m[t][p] += 1
        }
        self.init(counts: m, classNames: classNames, title: title)
    }

    /// Recall of each class in percent: `counts[c][c] / Σₚ counts[c][p] · 100` (NaN for an empty row).
    public var perClassAccuracy: [Double] {
        counts.indices.map { c in
            let n = counts[c].reduce(0, +)
            return n > 0 ? 100 * Double(counts[c][c]) / Double(n) : .nan
        }
    }

    /// Overall accuracy in percent: trace / total · 100.
    public var accuracy: Double {
        let total = counts.joined().reduce(0, +)
        let hits = counts.indices.reduce(0) { $0 + counts[$1][$1] }
        return total > 0 ? 100 * Double(hits) / Double(total) : .nan
    }

    /// Rows = true class, columns = predicted class (abbreviated names), counts coloured on the Blues
    /// scale by their share of the row, then the row's accuracy. Without colour, diagonal counts are
    /// marked with `*`.
    public func render(style: RenderStyle) -> String {
        let n = counts.count
        let cw = max(4, String(counts.joined().max() ?? 0).count + 2)
        let nameWidth = min(10, max(4, classNames.map(\.count).max() ?? 4))
        let fits = nameWidth + n * cw + 8 <= style.width
        let cell = fits ? cw : max(3, (style.width - nameWidth - 8) / max(1, n))
        let paint = Painter(style: style)
        let classNames = self.classNames.map(style.text)
        var out = [paint.bold(style.text(title)) + String(format: "  (accuracy %.2f%%)", accuracy)]
        var header = ANSI.pad("true\\pred", to: nameWidth)
        for name in classNames { header += ANSI.pad(String(name.prefix(cell - 1)), to: cell, right: true) }
        out.append(header + ANSI.pad("acc%", to: 8, right: true))
        let acc = perClassAccuracy
        for t in 0..<n {
            var line = ANSI.pad(String(classNames[safe: t].prefix(nameWidth)), to: nameWidth)
            let rowTotal = max(1, counts[t].reduce(0, +))
            for p in 0..<n {
                var text = String(counts[t][p])
                if !style.color && p == t { text += "*" }
                let padded = ANSI.pad(text, to: cell, right: true)
                if style.color {
                    let bg = Colormap.blues.color(Double(counts[t][p]) / Double(rowTotal))
                    line += ANSI.background256(ANSI.cubeIndex(bg)) + ANSI.foreground256(bg.luminance > 0.5 ? 16 : 231)
                        + padded + ANSI.reset
                } else {
                    line += padded
                }
            }
            out.append(line + ANSI.pad(acc[t].isNaN ? "-" : String(format: "%.1f", acc[t]), to: 8, right: true))
        }
        return out.map { ANSI.truncate($0, to: style.width) }.joined(separator: "\n")
    }

    /// The matrix as a standalone SVG: coloured cells with counts, class names on both axes,
    /// a per-class accuracy column and the overall accuracy in the title.
    public func svg(cellSize: Int = 44) -> String {
        let n = counts.count, cs = Double(cellSize)
        let left = 96.0, top = 96.0
        let width = Int(left + cs * Double(n) + 90), height = Int(top + cs * Double(n) + 40)
        var svg = SVGDocument(width: width, height: height)
        svg.text(title + String(format: " (accuracy %.2f%%)", accuracy), x: Double(width) / 2, y: 22, size: 14,
                 anchor: "middle", bold: true)
        svg.text("predicted", x: left + cs * Double(n) / 2, y: top + cs * Double(n) + 26, size: 12, anchor: "middle")
        svg.text("true", x: 16, y: top + cs * Double(n) / 2, size: 12, anchor: "middle", rotate: -90)
        let acc = perClassAccuracy
        svg.beginGroup(id: "cells")
        for t in 0..<n {
            let rowTotal = max(1, counts[t].reduce(0, +))
            for p in 0..<n {
                let share = Double(counts[t][p]) / Double(rowTotal)
                let bg = Colormap.blues.color(share)
                let x = left + cs * Double(p), y = top + cs * Double(t)
                svg.rect(x, y, cs, cs, fill: bg.hex, stroke: "#ffffff",
                         title: "\(classNames[safe: t]) → \(classNames[safe: p]): \(counts[t][p])")
                svg.text(String(counts[t][p]), x: x + cs / 2, y: y + cs / 2 + 4, size: 11, anchor: "middle",
                         fill: bg.luminance > 0.5 ? "#000000" : "#ffffff")
            }
        }
        svg.endGroup()
        for (i, name) in classNames.enumerated() {
            svg.text(name, x: left - 6, y: top + cs * (Double(i) + 0.5) + 4, anchor: "end")
            svg.text(name, x: left + cs * (Double(i) + 0.5), y: top - 6, anchor: "start", rotate: -45)
        }
        svg.text("acc %", x: left + cs * Double(n) + 45, y: top - 6, anchor: "middle", bold: true)
        for t in 0..<n {
            svg.text(acc[t].isNaN ? "-" : String(format: "%.1f", acc[t]), x: left + cs * Double(n) + 45,
                     y: top + cs * (Double(t) + 0.5) + 4, anchor: "middle")
        }
        return svg.text
    }

    /// Writes ``svg(cellSize:)`` to `path` atomically.
    public func writeSVG(to path: String, cellSize: Int = 44) throws {
        try RenderFile.write(svg(cellSize: cellSize), to: path)
    }
}

extension Array where Element == String {
    /// The element at `i`, or its index as text when out of range.
    subscript(safe i: Int) -> String { indices.contains(i) ? self[i] : String(i) }
}
