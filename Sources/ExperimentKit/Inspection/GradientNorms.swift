import Autograd
import Layers

/// Per-parameter gradient norms of the last backward pass, as `grads` shows them.
///
/// For each parameter p with a gradient g: ‖g‖ = √Σg², ‖p‖ = √Σp², and their ratio ‖g‖/‖p‖ (how
/// far one unit-LR step would move the weights, relatively). `total` is the global norm
/// √Σ‖g‖², what `clip_grad_norm_` compares against.
public struct GradientNorms: Equatable, Sendable {
    public struct Row: Equatable, Sendable {
        public var name: String
        public var shape: [Int]
        /// ‖g‖, or `nil` when the parameter has no gradient.
        public var gradientNorm: Double?
        public var weightNorm: Double
        /// Largest |g| element.
        public var gradientMax: Double?
        /// Whether g holds NaN or ±∞.
        public var nonFinite: Bool
    }

    public var rows: [Row]

    public init(model: Module) {
        rows = model.namedParameters().map { name, p in
            let g = p.grad.map { TensorStatistics($0) }
            let gmax = p.grad.map { $0.storage.reduce(0.0) { Swift.max($0, Double(abs($1))) } }
            return Row(name: name, shape: p.shape, gradientNorm: g?.norm, weightNorm: TensorStatistics(p).norm,
                       gradientMax: gmax, nonFinite: (g?.nonFinite ?? 0) > 0)
        }
    }

    /// Whether any parameter has a gradient.
    public var hasGradients: Bool { rows.contains { $0.gradientNorm != nil } }

    /// √Σ‖g‖² over parameters with gradients.
    public var total: Double {
        rows.compactMap(\.gradientNorm).reduce(0) { $0 + $1 * $1 }.squareRoot()
    }

    /// Header and cells of the table `grads` prints: name, shape, ‖grad‖, ‖weight‖,
    /// ratio, plus a total row.
    public func cells() -> (headers: [String], rows: [[String]]) {
        var body: [[String]] = rows.map { row in
            let ratio = row.gradientNorm.map {
                row.weightNorm > Self.negligibleWeight ? Self.format($0 / row.weightNorm) : "–"
            } ?? "–"
            return [row.name, "\(row.shape)", row.gradientNorm.map(Self.format) ?? "–",
                    Self.format(row.weightNorm), ratio + (row.nonFinite ? " NaN/inf!" : "")]
        }
        body.append(["total", "", Self.format(total), "", ""])
        return (["parameter", "shape", "‖grad‖", "‖weight‖", "‖grad‖/‖weight‖"], body)
    }

    /// A weight norm at or below this (a zero or near-zero bias) gives no meaningful ratio: shown as '–'.
    static let negligibleWeight = 1e-6

    static func format(_ v: Double) -> String {
        if v == 0 { return "0" }
        if !v.isFinite { return "\(v)" }
        return abs(v) >= 1e-3 && abs(v) < 1e4 ? String(format: "%.4f", v) : String(format: "%.3e", v)
    }
}

import Foundation
