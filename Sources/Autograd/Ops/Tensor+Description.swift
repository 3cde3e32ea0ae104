/// PyTorch-like printing: `tensor([[0.1000, 0.2000], ...], shape=[8, 8])`. Axes longer than 6 show
/// their first and last 3 entries around `...`; values use 4 decimals, or scientific notation when
/// magnitudes are very large or small.
extension Tensor: CustomStringConvertible {
    public var description: String {
        let summarize = count > 1000
        let values = storage.filter { $0.isFinite && $0 != 0 }.map { Swift.abs($0) }
        let scientific = (values.max() ?? 0) >= 1e5 || ((values.min() ?? 1) < 1e-4 && !values.isEmpty)
        let isInteger = storage.allSatisfy { $0 == $0.rounded() && Swift.abs($0) < 1e7 }
        func plain(_ v: Float) -> String {
            if v.isNaN { return "nan" }
            if v.isInfinite { return v > 0 ? "inf" : "-inf" }
            if isInteger { return String(Int(v)) + "." }
            if scientific { return formatScientific(v) }
            return formatFixed(v, 4)
        }
        // Right-align every entry to the widest one, as PyTorch does.
        let sample = summarize ? Array(storage.prefix(2000) + storage.suffix(2000)) : storage
        let width = sample.lazy.map { plain($0).count }.max() ?? 0
        func format(_ v: Float) -> String {
            let s = plain(v)
            return String(repeating: " ", count: width - s.count) + s
        }
        let body = rank == 0 ? format(storage.first ?? 0)
                             : block(axis: 0, offset: 0, summarize: summarize, format: format, indent: 7)
        var suffix = ", shape=\(shape)"
        if requiresGrad && node != nil {
            suffix += ", grad_fn=<\(node!.op)>"
        } else if requiresGrad {
            suffix += ", requires_grad=True"
        }
        return "tensor(\(body)\(suffix))"
    }

    private func block(axis: Int, offset: Int, summarize: Bool, format: (Float) -> String, indent: Int) -> String {
        let n = shape[axis]
        let stride = shape[(axis + 1)...].reduce(1, *)
        let shown: [Int?] = summarize && n > 6 ? Array(0..<3) + [nil] + Array(n - 3 ..< n) : Array(0..<n)
        if axis == rank - 1 {
            return "[" + shown.map { $0.map { format(storage[offset + $0]) } ?? "..." }.joined(separator: ", ") + "]"
        }
        let separator = "," + String(repeating: "\n", count: rank - 1 - axis)
            + String(repeating: " ", count: indent + axis + 1)
        return "[" + shown.map { i in
            i.map {
                block(axis: axis + 1, offset: offset + $0 * stride, summarize: summarize, format: format,
                      indent: indent)
            } ?? "..."
        }.joined(separator: separator) + "]"
    }
}

/// `v` with `digits` decimals.
func formatFixed(_ v: Float, _ digits: Int) -> String {
    let scale = Double((0..<digits).reduce(1) { r, _ in r * 10 })
    let rounded = (Double(v) * scale).rounded() / scale
    var s = String(Swift.abs(rounded))
    if s.contains("e") { return formatScientific(v) }
    let parts = s.split(separator: ".", omittingEmptySubsequences: false)
    let frac = parts.count > 1 ? String(parts[1]) : ""
    s = String(parts[0]) + "." + (frac + String(repeating: "0", count: digits)).prefix(digits)
    return (rounded < 0 || (rounded == 0 && v < 0) ? "-" : "") + s
}

/// `v` as `d.dddde±XX`.
func formatScientific(_ v: Float) -> String {
    if v == 0 { return "0.0000e+00" }
    var exponent = Int(Double(Swift.abs(v)).log10Floor)
    var mantissa = Double(v) / pow10(exponent)
    if Swift.abs((mantissa * 1e4).rounded() / 1e4) >= 10 { exponent += 1; mantissa = Double(v) / pow10(exponent) }
    let e = String(Swift.abs(exponent))
    return formatFixed(Float(mantissa), 4) + "e" + (exponent < 0 ? "-" : "+") + (e.count < 2 ? "0" + e : e)
}

private func pow10(_ e: Int) -> Double {
    var r = 1.0
    for _ in 0..<Swift.abs(e) { r *= 10 }
    return e < 0 ? 1 / r : r
}

private extension Double {
    var log10Floor: Double {
        var e = 0.0, v = self
        while v >= 10 { v /= 10; e += 1 }
        while v < 1 { v *= 10; e -= 1 }
        return e
    }
}
