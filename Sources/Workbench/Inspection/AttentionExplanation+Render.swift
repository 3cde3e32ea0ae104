import ExperimentKit
import Layers
import Foundation

extension AttentionExplanation {
    /// The walk-through as terminal text: each intermediate with its shape, its values and the
    /// formula with numbers substituted for one entry (the map's largest weight).
    /// - Parameters:
    ///   - inputName: where X comes from (`gap`, `ultimus1`).
    ///   - caption: how the header names the image (`probe 3 (cat)`); `probe N` when `nil`.
    ///   - discrepancy: the largest difference from the model's own forward, if checked.
    public func render(style: RenderStyle, inputName: String, caption: String? = nil,
                       discrepancy: Double? = nil) -> String {
        let (fi, fj) = focus
        let f = { (v: Double) in NumberFormat.short(v) }
        let t = { (v: Double) in NumberFormat.term(v) }
        let h = k.count
        var lines: [String] = []
        func head(_ text: String) { lines.append(style.color ? ANSI.bold + text + ANSI.reset : text) }
        func body(_ text: String) { lines.append("    " + text) }
        func matrix(_ m: [[Double]], sums: Bool = false) {
            let cells = m.map { $0.map { NumberFormat.short($0) } }
            let width = cells.flatMap { $0 }.map(\.count).max() ?? 1
            let columns = (0..<m.count).map { j in
                String(repeating: " ", count: max(0, width - String(j).count - 1)) + "j\(j)"
            }
            body("     " + columns.joined(separator: " ") + (sums ? "   row sum" : ""))
            for (i, row) in cells.enumerated() {
                let padded = row.map { String(repeating: " ", count: width - $0.count) + $0 }.joined(separator: " ")
                body("i\(i)  " + padded + (sums ? "   " + f(m[i].reduce(0, +)) : ""))
            }
        }

        head("explain \(block) · " + (caption ?? "probe \(sample)")
             + (intervention.map { " · intervention: \($0) (evaluation only)" } ?? ""))
        body("notation: " + Ultimus.notation(heads: h))
        head("X [\(x.count)]  the block's input: the output of \(inputName) for this image")
        body(NumberFormat.vector(x, perLine: 12, indent: 4))

        head("K = fc_k(X) [\(h)]   K[j] = Σ_c W_k[j,c]·X[c] + b_k[j]")
        body(NumberFormat.vector(k))
        let kTerms = (0..<x.count).map { "\(t(weightK[fj][$0]))·\(t(x[$0]))" }
        body("K[\(fj)] = " + kTerms.prefix(3).joined(separator: " + ") + " + … + " + kTerms.last!
             + " + \(t(biasK[fj]))  (\(x.count) products) = \(f(k[fj]))")
        head("Q = fc_q(X) [\(h)]   (same form, its own weights)")
        body(NumberFormat.vector(q))
        head("V = fc_v(X) [\(h)]")
        body(NumberFormat.vector(v))

        let scale = Double(h).squareRoot()
        head("S = QᵀK/√\(h) [\(h), \(h)]   the outer product of the rows Q, K [1, \(h)]; "
             + "S[i,j] = Q[i]·K[j]/√\(h): every query slot i against every key slot j")
        body("S[\(fi),\(fj)] = \(t(q[fi]))·\(t(k[fj]))/\(f(scale)) = \(f(scores[fi][fj]))")
        matrix(scores)

        head("AM = softmax over j of S [\(h), \(h)]   AM[i,j] = exp(S[i,j]) / Σⱼ exp(S[i,j]): each row i sums to 1")
        let denominators = scores[fi].map { "exp(\(f($0)))" }
        body("AM[\(fi),\(fj)] = exp(\(f(scores[fi][fj]))) / (" + denominators.joined(separator: " + ")
             + ") = \(f(softmaxMap[fi][fj]))")
        if case .bypass? = intervention {
            body("intervention bypass: the block passes its input through, so Out = X; "
                 + "the map below is the softmax it no longer uses")
        } else if let intervention {
            body("intervention \(intervention): "
                 + "the block uses the map below instead of the softmax (weights unchanged)")
        }
        matrix(attention, sums: true)
        let entropy = attention.map { row in -row.reduce(0.0) { $1 > 0 ? $0 + $1 * Foundation.log($1) : $0 } }
        body("row entropy (nats, uniform = ln \(h) = \(f(Foundation.log(Double(h))))): "
             + entropy.map(f).joined(separator: " "))

        head("Z = V·AM [\(h)]   Z[j] = Σᵢ V[i]·AM[i,j]: "
             + "column j mixes the values by how much each slot attends to j")
        body(Ultimus.columnMixingNote)
        let terms = (0..<h).map { "\(t(v[$0]))·\(t(attention[$0][fj]))" }
        body("Z[\(fj)] = " + terms.joined(separator: " + ") + " = \(f(z[fj]))")
        body(NumberFormat.vector(z))

        if intervention == .bypass {
            head("Out = X [\(x.count)]   bypass: the block is skipped")
        } else {
            head("Out = fc_out(Z) [\(out.count)]   Out[c] = Σⱼ W_out[c,j]·Z[j] + b_out[c]")
            body("Out[0] = " + (0..<h).map { "\(t(weightOut[0][$0]))·\(t(z[$0]))" }.joined(separator: " + ")
                 + " + \(t(biasOut[0])) = \(f(out[0]))")
        }
        body(NumberFormat.vector(out, perLine: 12, indent: 4))
        if let discrepancy {
            let ok = discrepancy < 1e-4
            body("checked against the model's own forward: "
                 + "largest difference \(NumberFormat.short(discrepancy, digits: 2))"
                 + (ok ? " ✓" : " ✗ (the block computes something else)"))
        }
        return lines.map { NumberFormat.symbols($0, unicode: style.unicode) }.joined(separator: "\n")
    }
}
