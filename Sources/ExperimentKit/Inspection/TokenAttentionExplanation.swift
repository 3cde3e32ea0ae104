import Autograd
import Foundation
import Layers

/// One query token through one ViT block (`explain blocks.N head=h token=t`), with every
/// intermediate: the block's own modules give LayerNorm, the projections and the MLP; the chosen
/// head's scores, softmax and weighted sum are recomputed from its q, k and v.
///
/// Convention: tokens x `[T, D]`, H heads of d = D/H features; q, k, v = LN(x)·Wᵢₙᵀ + bᵢₙ split per
/// head; A = softmax(q·kᵀ/√d), each row (query) sums to 1 over the keys; z = A·v; the heads'
/// z concatenated, then out_proj; x + attention, then x + MLP.
public struct TokenAttentionExplanation: Sendable {
    public var block: String
    public var head: Int
    public var token: Int
    public var tokens: Int
    public var dim: Int
    public var headDim: Int
    public var hidden: Int
    /// The evaluation-only intervention on this head, if any (its map replaces the softmax).
    public var intervention: HeadIntervention?
    public var input: [Double]
    public var normed: [Double]
    public var q: [Double]
    /// The head's keys and values, `[T][d]`.
    public var keys: [[Double]]
    public var values: [[Double]]
    public var scores: [Double]
    public var weights: [Double]
    public var z: [Double]
    public var concatenated: [Double]
    public var projected: [Double]
    public var residual: [Double]
    public var mlp: [Double]
    public var output: [Double]
    /// max |output − the block's own forward| for this token.
    public var discrepancy: Double

    /// - Parameters:
    ///   - x: the tokens entering the block for one image, `[1, T, D]`.
    public init(block layer: TransformerEncoderLayer, name: String, head: Int, token: Int, x: Tensor) {
        let attn = layer.selfAttn
        let (t, d, dh) = (x.shape[1], x.shape[2], attn.headDim)
        (block, self.head, self.token, tokens, dim, headDim) = (name, head, token, t, d, dh)
        hidden = layer.linear1.outputFeatures
        intervention = attn.isTraining ? nil : attn.headInterventions[head]
        let n: Tensor = noGrad { layer.norm1(x) }
        let projections: Tensor = noGrad { linear(n, weight: attn.inProjWeight, bias: attn.inProjBias) }
        let qkv: [Double] = projections.storage.map { Double($0) }
        func piece(_ part: Int, _ h: Int, _ j: Int) -> [Double] {
            let start = j * 3 * d + part * d + h * dh
            return Array(qkv[start ..< start + dh])
        }
        func row(_ s: Tensor) -> [Double] { s.storage[token * d ..< (token + 1) * d].map { Double($0) } }
        input = row(x)
        normed = row(n)
        q = piece(0, head, token)
        keys = (0..<t).map { piece(1, head, $0) }
        values = (0..<t).map { piece(2, head, $0) }
        let scale = 1 / Double(dh).squareRoot()
        (scores, weights, z) = TokenAttentionExplanation.attend(q: q, keys: keys, values: values, scale: scale,
                                                                change: intervention)
        var all: [Double] = []
        for h in 0..<attn.numHeads {
            let (qh, kh, vh) = (piece(0, h, token), (0..<t).map { piece(1, h, $0) }, (0..<t).map { piece(2, h, $0) })
            all += TokenAttentionExplanation.attend(q: qh, keys: kh, values: vh, scale: 1 / Double(dh).squareRoot(),
                               change: attn.isTraining ? nil : attn.headInterventions[h]).z
        }
        concatenated = all
        let vector = { (v: [Double]) in Tensor(shape: [1, v.count], storage: v.map(Float.init)) }
        let o: Tensor = noGrad { attn.outProj(vector(all)) }
        projected = o.storage.map { Double($0) }
        let sum = zip(row(x), o.storage.map { Double($0) }).map(+)
        residual = sum
        let m: Tensor = noGrad {
            layer.linear2(gelu(layer.linear1(layer.norm2(vector(sum))), approximate: layer.activation))
        }
        mlp = m.storage.map { Double($0) }
        output = zip(sum, m.storage.map { Double($0) }).map(+)
        let forward: Tensor = noGrad { layer(x) }
        let theirs: [Double] = forward.storage[token * d ..< (token + 1) * d].map { Double($0) }
        discrepancy = zip(output, theirs).reduce(0.0) { max($0, abs($1.0 - $1.1)) }
    }

    /// Scores `q·kⱼ·scale`, their softmax (or the intervention's map) and `z = Σⱼ aⱼ·vⱼ`.
    static func attend(q: [Double], keys: [[Double]], values: [[Double]], scale: Double,
                       change: HeadIntervention?) -> (scores: [Double], weights: [Double], z: [Double]) {
        let scores = keys.map { k in zip(q, k).reduce(0) { $0 + $1.0 * $1.1 } * scale }
        let top = scores.max() ?? 0
        let e = scores.map { Foundation.exp($0 - top) }
        let sum = e.reduce(0, +)
        var weights = e.map { $0 / sum }
        switch change {
        case .zero?: weights = weights.map { _ in 0 }
        case .uniform?: weights = weights.map { _ in 1 / Double(keys.count) }
        case nil: break
        }
        var z = [Double](repeating: 0, count: q.count)
        for (a, v) in zip(weights, values) { for i in z.indices { z[i] += a * v[i] } }
        return (scores, weights, z)
    }
}
