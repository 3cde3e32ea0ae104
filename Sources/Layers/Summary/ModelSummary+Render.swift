extension ModelSummary {
    /// torchinfo's table with columns Kernel Shape, Input Shape, Output Shape, Param #, Mult-Adds,
    /// Trainable and `var_names`/`depth` row labels, its totals and memory lines, then a footer
    /// with the attention products and softmax that torchinfo does not count.
    /// - Parameters:
    ///   - depth: rows deeper than this are folded into their ancestor at this depth, which then
    ///     shows their parameters and mult-adds (torchinfo's `depth`).
    ///   - maxWidth: when the table is wider, columns shrink to their contents and Kernel Shape,
    ///     Input Shape and Trainable are left out (in that order) until it fits; `nil` keeps
    ///     torchinfo's fixed 25-character columns.
    public func render(columnWidth: Int = 25, depth: Int = 3, maxWidth: Int? = nil) -> String {
        let shown = rows.filter { $0.depth <= depth }
        let headers = ["Kernel Shape", "Input Shape", "Output Shape", "Param #", "Mult-Adds", "Trainable"]
        let cells = shown.map { row in [
            row.kernelShape.map(Self.shape) ?? "--", Self.shape(row.inputShape), Self.shape(row.outputShape),
            parameterCell(row, folded: row.depth == depth), multAddCell(row, folded: row.depth == depth), row.trainable,
        ] }
        let labels = shown.map { Self.prefix($0.depth) + label($0) }
        var columns = Array(headers.indices)
        var widths = headers.map { _ in columnWidth }
        let nameWidth = self.nameWidth(depth: depth)
        func tableWidth() -> Int { nameWidth + columns.reduce(0) { $0 + widths[$1] + 1 } }
        if let maxWidth, tableWidth() > maxWidth {
            widths = headers.indices.map { c in ([headers[c]] + cells.map { $0[c] }).map(\.count).max()! }
            for dropped in [0, 1, 5] where tableWidth() > maxWidth { columns.removeAll { $0 == dropped } }
        }
        let divider = String(repeating: "=", count: maxWidth == nil ? nameWidth + 6 * columnWidth : tableWidth())
        func line(_ name: String, _ row: [String]) -> String {
            var s = name.padding(nameWidth) + " "
            for c in columns { s += row[c].padding(widths[c]) + " " }
            while s.hasSuffix(" ") { s.removeLast() }
            return s + "\n"
        }
        var out = divider + "\n" + line("Layer (type (var_name):depth-idx)", headers) + divider + "\n"
        for (name, row) in zip(labels, cells) { out += line(name, row) }
        out += divider + "\n"
        out += "Total params: \(Self.grouped(totalParameters))\n"
        out += "Trainable params: \(Self.grouped(trainableParameters))\n"
        out += "Non-trainable params: \(Self.grouped(totalParameters - trainableParameters))\n"
        out += "Total mult-adds \(Self.readable(totalMultAdds))\n"
        out += divider + "\n"
        out += "Input size (MB): \(Self.megabytes(inputBytes))\n"
        out += "Forward/backward pass size (MB): \(Self.megabytes(forwardBackwardBytes))\n"
        out += "Params size (MB): \(Self.megabytes(parameterBytes))\n"
        out += "Estimated Total Size (MB): \(Self.megabytes(totalBytes))\n"
        out += divider
        if !attention.isEmpty { out += "\n" + attentionFooter() + divider }
        if columns.count < headers.count {
            let left = headers.indices.filter { !columns.contains($0) }.map { headers[$0] }
            out += "\n(left out to fit the terminal: \(left.joined(separator: ", ")); a wider terminal shows them)"
        }
        return out
    }

    /// Mult-adds of a leaf, or of everything folded into a row at the depth limit.
    private func multAddCell(_ row: SummaryRow, folded: Bool) -> String {
        if row.isLeaf { return row.multAdds > 0 ? Self.grouped(row.multAdds) : "--" }
        guard folded else { return "--" }
        let prefix = row.name.isEmpty ? "" : row.name + "."
        let sum = rows.filter { $0.isLeaf && !$0.isRecursive && $0.name.hasPrefix(prefix) }
            .reduce(0) { $0 + $1.multAdds }
        return sum > 0 ? Self.grouped(sum) : "--"
    }

    private func attentionFooter() -> String {
        let blocks = attention.count
        let scores = attention.reduce(0) { $0 + $1.scoreMultAdds }
        let values = attention.reduce(0) { $0 + $1.valueMultAdds }
        let batch = inputShape.first ?? 0
        let projections = attention.reduce(0) { $0 + $1.projectionMultAdds }
        let tokens = projections > 0
        let calls = "\(blocks) \(tokens ? "MultiheadAttention" : "Ultimus") call\(blocks == 1 ? "" : "s")"
        var out = "Not counted by torchinfo (\(calls), batch \(batch)):\n"
        if tokens {
            out += "  in_proj q, k, v = x·Wᵢₙᵀ + bᵢₙ (torchinfo counts MultiheadAttention as 0): "
                + "\(Self.grouped(projections)) mult-adds\n"
        }
        if !tokens { out += "  notation: " + Ultimus.notation() + "\n" }
        out += "  attention scores " + (tokens ? "q·kᵀ/√d" : "S = QᵀK/√8")
            + ": \(Self.grouped(scores)) mult-adds\n"
        out += (tokens ? "  A·v" : "  Z = V·AM") + ": \(Self.grouped(values)) mult-adds\n"
        if !tokens { out += "  " + Ultimus.columnMixingNote + "\n" }
        out += "  softmax: \(Self.grouped(softmaxExps)) exponentials\n"
        out += "Total mult-adds with attention \(Self.readable(totalMultAdds + attentionMultAdds + projections))\n"
        if tokens {
            out += "Linear rows count B·T·in·out (every token); "
                + "torchinfo counts a Linear on [B, T, D] once per batch item\n"
        }
        let mixing = attention.filter(\.isBatchMixing).map(\.name)
        if !mixing.isEmpty {
            out += "WARNING: \(mixing.joined(separator: ", ")) use attention=batch: "
                + "a \(batch)×\(batch) map mixes the images of a batch (the seed's mistake)\n"
        }
        return out
    }

    private func label(_ row: SummaryRow) -> String {
        var s = row.typeName
        if !row.name.isEmpty { s += " (\(row.variableName))" }
        if row.depth > 0 { s += ": \(row.depth)-\(row.depthIndex)" }
        return s
    }

    private func parameterCell(_ row: SummaryRow, folded: Bool) -> String {
        if row.parameterCount == 0 { return "--" }
        if row.isRecursive { return "(recursive)" }
        if row.isLeaf || folded {
            let s = Self.grouped(row.parameterCount)
            return row.trainableParameterCount > 0 ? s : "(\(s))"
        }
        return row.ownParameterCount > 0 ? Self.grouped(row.ownParameterCount) : "--"
    }

    /// torchinfo widens the name column to the longest label plus 5 per depth level, in steps of 5.
    private var nameWidth: Int { nameWidth(depth: .max) }

    private func nameWidth(depth: Int) -> Int {
        let longest = rows.filter { $0.depth <= depth }.map { label($0).count + $0.depth * 5 + 1 }.max() ?? 0
        return longest >= 40 ? (longest + 4) / 5 * 5 : 40
    }

    static func prefix(_ depth: Int) -> String {
        switch depth {
        case 0: return ""
        case 1: return "├─"
        default: return String(repeating: "│    ", count: depth - 1) + "└─"
        }
    }

    /// Python's list repr: `[20, 3, 32, 32]`.
    static func shape(_ s: [Int]) -> String { "[" + s.map(String.init).joined(separator: ", ") + "]" }

    /// `25882` → `25,882`.
    static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// torchinfo's automatic units: `(M): 388.44`, `(G): 9.94`, `(T): ...`.
    static func readable(_ n: Int) -> String {
        let (unit, value): (String, Double) = n >= 1_000_000_000_000 ? ("T", Double(n) / 1e12)
            : n >= 1_000_000_000 ? ("G", Double(n) / 1e9) : ("M", Double(n) / 1e6)
        if value == value.rounded() { return "(\(unit)): \(grouped(Int(value)))" }
        return "(\(unit)): \(fixed2(value))"
    }

    static func megabytes(_ bytes: Int) -> String { fixed2(Double(bytes) / 1e6) }

    /// `x` with two decimals and thousands separators, rounding as Python's format.
    static func fixed2(_ x: Double) -> String {
        let s = String(format: "%.2f", x)
        guard let dot = s.firstIndex(of: ".") else { return s }
        let whole = Int(s[..<dot]) ?? 0
        return (x < 0 && whole == 0 ? "-" : "") + grouped(whole) + String(s[dot...])
    }
}

extension String {
    /// Left-aligned in `width` characters (never truncated), as Python's `f"{s:<width}"`.
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

import Foundation
