extension ModelSummary {
    /// torchinfo's table with columns Kernel Shape, Input Shape, Output Shape, Param #, Mult-Adds,
    /// Trainable and `var_names`/`depth` row labels, its totals and memory lines, then a footer
    /// with the attention products and softmax that torchinfo does not count.
    public func render(columnWidth: Int = 25) -> String {
        let nameWidth = self.nameWidth
        let divider = String(repeating: "=", count: nameWidth + 6 * columnWidth)
        func line(_ name: String, _ cells: [String]) -> String {
            var s = name.padding(nameWidth) + " "
            for cell in cells { s += cell.padding(columnWidth) + " " }
            while s.hasSuffix(" ") { s.removeLast() }
            return s + "\n"
        }
        var out = divider + "\n"
        out += line("Layer (type (var_name):depth-idx)",
                    ["Kernel Shape", "Input Shape", "Output Shape", "Param #", "Mult-Adds", "Trainable"])
        out += divider + "\n"
        for row in rows {
            out += line(Self.prefix(row.depth) + label(row), [
                row.kernelShape.map(Self.shape) ?? "--", Self.shape(row.inputShape), Self.shape(row.outputShape),
                parameterCell(row), row.isLeaf && row.multAdds > 0 ? Self.grouped(row.multAdds) : "--", row.trainable,
            ])
        }
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
        return out
    }

    private func attentionFooter() -> String {
        let blocks = attention.count
        let scores = attention.reduce(0) { $0 + $1.scoreMultAdds }
        let values = attention.reduce(0) { $0 + $1.valueMultAdds }
        let batch = inputShape.first ?? 0
        let projections = attention.reduce(0) { $0 + $1.projectionMultAdds }
        let tokens = projections > 0
        var out = "Not counted by torchinfo (\(blocks) \(tokens ? "MultiheadAttention" : "Ultimus") call\(blocks == 1 ? "" : "s"), batch \(batch)):\n"
        if tokens { out += "  in_proj q, k, v = x·Wᵢₙᵀ + bᵢₙ (torchinfo counts MultiheadAttention as 0): \(Self.grouped(projections)) mult-adds\n" }
        out += "  attention scores q·kᵀ/√\(tokens ? "d" : "h"): \(Self.grouped(scores)) mult-adds\n"
        out += (tokens ? "  A·v" : "  Z = v·AM") + ": \(Self.grouped(values)) mult-adds\n"
        out += "  softmax: \(Self.grouped(softmaxExps)) exponentials\n"
        out += "Total mult-adds with attention \(Self.readable(totalMultAdds + attentionMultAdds + projections))\n"
        if tokens {
            out += "Linear rows count B·T·in·out (every token); torchinfo counts a Linear on [B, T, D] once per batch item\n"
        }
        let mixing = attention.filter(\.isBatchMixing).map(\.name)
        if !mixing.isEmpty {
            out += "WARNING: \(mixing.joined(separator: ", ")) use attention=batch: a \(batch)×\(batch) map mixes the images of a batch (the seed's mistake)\n"
        }
        return out
    }

    private func label(_ row: SummaryRow) -> String {
        var s = row.typeName
        if !row.name.isEmpty { s += " (\(row.variableName))" }
        if row.depth > 0 { s += ": \(row.depth)-\(row.depthIndex)" }
        return s
    }

    private func parameterCell(_ row: SummaryRow) -> String {
        if row.parameterCount == 0 { return "--" }
        if row.isRecursive { return "(recursive)" }
        if row.isLeaf {
            let s = Self.grouped(row.parameterCount)
            return row.trainableParameterCount > 0 ? s : "(\(s))"
        }
        return row.ownParameterCount > 0 ? Self.grouped(row.ownParameterCount) : "--"
    }

    /// torchinfo widens the name column to the longest label plus 5 per depth level, in steps of 5.
    private var nameWidth: Int {
        let longest = rows.map { label($0).count + $0.depth * 5 + 1 }.max() ?? 0
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
