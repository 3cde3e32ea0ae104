import Autograd
import Layers

/// One image walked through an Ultimus block with every intermediate, computed afresh in double
/// precision from the block's weights (what `explain BLOCK sample=i` prints).
///
/// With x `[48]`: K = W_k·x + b_k, Q = W_q·x + b_q, V = W_v·x + b_v (each `[8]`);
/// S[i,j] = Q[i]·K[j]/√8 (`[8, 8]`, the outer product QᵀK scaled); AM[i,j] = exp(S[i,j]) / Σⱼ exp(S[i,j])
/// (softmax over j: every row sums to 1); Z[j] = Σᵢ V[i]·AM[i,j] (`[8]`, V·AM); Out = W_out·Z + b_out
/// (`[48]`). An evaluation-only intervention replaces AM (or, for bypass, makes Out = x).
public struct AttentionExplanation: Sendable {
    public var block: String
    public var sample: Int
    public var x: [Double]
    public var k: [Double]
    public var q: [Double]
    public var v: [Double]
    /// S = QᵀK/√h, `[h][h]`.
    public var scores: [[Double]]
    /// The map actually used (after any intervention), `[h][h]`.
    public var attention: [[Double]]
    /// The softmax map before the intervention.
    public var softmaxMap: [[Double]]
    public var z: [Double]
    public var out: [Double]
    public var intervention: AttentionIntervention?
    /// Weights used for the substituted formulas.
    public internal(set) var weightK: [[Double]], biasK: [Double], weightOut: [[Double]], biasOut: [Double]

    /// Computes every intermediate of `block` for the input vector `x` (`[dModel]`).
    /// - Throws: ``InspectionError`` when `x` has the wrong length.
    public init(block: Ultimus, name: String, sample: Int, input x: [Float]) throws {
        guard x.count == block.dModel else {
            throw InspectionError("\(name) takes \(block.dModel) features, got \(x.count)")
        }
        self.block = name
        self.sample = sample
        self.x = x.map(Double.init)
        intervention = block.intervention
        func matrix(_ layer: Linear) -> [[Double]] {
            (0..<layer.outputFeatures).map { o in
                (0..<layer.inputFeatures).map { Double(layer.weight.storage[o * layer.inputFeatures + $0]) }
            }
        }
        func bias(_ layer: Linear) -> [Double] {
            layer.bias.map { $0.storage.map(Double.init) } ?? [Double](repeating: 0, count: layer.outputFeatures)
        }
        func apply(_ w: [[Double]], _ b: [Double], _ input: [Double]) -> [Double] {
            zip(w, b).map { row, bias in zip(row, input).reduce(bias) { $0 + $1.0 * $1.1 } }
        }
        weightK = matrix(block.fcK)
        biasK = bias(block.fcK)
        weightOut = matrix(block.fcOut)
        biasOut = bias(block.fcOut)
        k = apply(weightK, biasK, self.x)
        q = apply(matrix(block.fcQ), bias(block.fcQ), self.x)
        v = apply(matrix(block.fcV), bias(block.fcV), self.x)
        let h = block.heads
        let scale = Double(h).squareRoot()
        let (q, k) = (q, k)
        scores = (0..<h).map { i in (0..<h).map { j in q[i] * k[j] / scale } }
        softmaxMap = scores.map { row in
            let top = row.max() ?? 0
            let e = row.map { Foundation.exp($0 - top) }
            let sum = e.reduce(0, +)
            return e.map { $0 / sum }
        }
        var am = softmaxMap
        switch block.intervention {
        case .uniform?: am = Array(repeating: Array(repeating: 1 / Double(h), count: h), count: h)
        case .identity?: am = (0..<h).map { i in (0..<h).map { $0 == i ? 1 : 0 } }
        case .zeroRow(let r)? where (0..<h).contains(r): am[r] = Array(repeating: 0, count: h)
        default: break
        }
        attention = am
        let v = v
        z = (0..<h).map { j in (0..<h).reduce(0.0) { $0 + v[$1] * am[$1][j] } }
        out = block.intervention == .bypass ? self.x : apply(weightOut, biasOut, z)
    }

    /// The entry the substituted formulas use: the largest weight of the map (first on ties).
    public var focus: (i: Int, j: Int) {
        var best = (0, 0)
        for i in attention.indices {
            for j in attention[i].indices where attention[i][j] > attention[best.0][best.1] { best = (i, j) }
        }
        return best
    }

    /// Largest |difference| between this computation and the model's own forward (`k`, `q`, `v`,
    /// `attention`, `z` and the block output as recorded), or `nil` when nothing was recorded.
    public func discrepancy(with probe: ProbeForward) -> Double? {
        let n = sample
        func row(_ name: String) -> [Double]? {
            guard let t = probe.activation(name), t.rank >= 2, n < t.shape[0] else { return nil }
            let size = t.count / t.shape[0]
            return t.storage[(n * size)..<((n + 1) * size)].map(Double.init)
        }
        var worst = 0.0
        var found = false
        let pairs: [(String, [Double])] = [("k", k), ("q", q), ("v", v), ("attention", attention.flatMap { $0 }),
                                           ("z", z)]
        for (name, mine) in pairs {
            guard intervention != .bypass, let theirs = row(block + "." + name), theirs.count == mine.count else {
                continue
            }
            found = true
            worst = zip(mine, theirs).reduce(worst) { max($0, abs($1.0 - $1.1)) }
        }
        if let theirs = row(block), theirs.count == out.count {
            found = true
            worst = zip(out, theirs).reduce(worst) { max($0, abs($1.0 - $1.1)) }
        }
        return found ? worst : nil
    }
}

import Foundation
