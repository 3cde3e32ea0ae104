/// How an Ultimus block forms its attention map.
public enum AttentionMode: String, Codable, Sendable, CaseIterable {
    /// The specification: one h×h map per image, AM[b,i,j] = softmax_j(q[b,i]·k[b,j]/√h).
    case sample
    /// The seed notebook's mistake, kept for teaching: QKᵀ over the batch, a B×B map that mixes
    /// images (an image's prediction depends on its batch-mates).
    case batch
}

/// An evaluation-only change to an Ultimus block's attention, for experiments.
public enum AttentionIntervention: Equatable, Sendable, CustomStringConvertible {
    /// Every weight 1/n (n = the map's row length).
    case uniform
    /// AM = I: each slot attends only to itself.
    case identity
    /// The block is skipped: its output is its input.
    case bypass
    /// Row i of AM set to 0 (rows outside the map are left alone).
    case zeroRow(Int)

    public var description: String {
        switch self {
        case .uniform: return "uniform"
        case .identity: return "identity"
        case .bypass: return "bypass"
        case .zeroRow(let i): return "zero_row(\(i))"
        }
    }

    /// The intervention named `mode` (`uniform`, `identity`, `bypass`, or `zero_row` with `row`);
    /// `nil` for another name or `zero_row` without a row.
    public init?(mode: String, row: Int?) {
        switch mode {
        case "uniform": self = .uniform
        case "identity": self = .identity
        case "bypass": self = .bypass
        case "zero_row": guard let row else { return nil }; self = .zeroRow(row)
        default: return nil
        }
    }

    /// Reads back a ``description`` (`uniform`, …, `zero_row(3)`).
    public init?(description text: String) {
        if text.hasPrefix("zero_row("), text.hasSuffix(")") {
            guard let row = Int(text.dropFirst(9).dropLast()) else { return nil }
            self = .zeroRow(row)
        } else {
            self.init(mode: text, row: nil)
        }
    }

    /// Checks the intervention against a map with `rows` rows.
    /// - Throws: ``ShapeError`` for a row outside `0..<rows`.
    public func validate(rows: Int) throws {
        if case .zeroRow(let i) = self, !(0..<rows).contains(i) {
            throw ShapeError("zero_row(\(i)) is outside the attention map's rows 0..<\(rows); pick a row in range")
        }
    }
}
