/// The Ultimus attention block over one feature vector per image.
///
/// Input x `[B, d]` (d = `dModel`, 48). k, q, v = `fc_k`, `fc_q`, `fc_v`(x), each `[B, h]` (h = 8).
/// `.sample` (the specification): AM[b,i,j] = softmax over j of q[b,i]·k[b,j]/√h, `[B, h, h]`;
/// Z[b,j] = Σᵢ v[b,i]·AM[b,i,j], `[B, h]`. `.batch` (the seed's mistake): AM = softmax_j(Q·Kᵀ/√h)
/// `[B, B]`, Z = AM·V. Output = `fc_out`(Z), `[B, d]`.
///
/// The block keeps its last attention map in ``lastAttention`` (detached). When recording, it
/// exposes `k`, `q`, `v`, `attention` and `z`. In evaluation mode an ``intervention`` can replace the
/// map or skip the block.
public final class Ultimus: Module {
    public let dModel: Int
    public let heads: Int
    public let fcK: Linear
    public let fcQ: Linear
    public let fcV: Linear
    public let fcOut: Linear
    /// How the attention map is formed; `.batch` is the seed's batch-mixing mistake.
    public var attention: AttentionMode
    /// An evaluation-only change to the map, or `nil`. Ignored in training mode.
    public var intervention: AttentionIntervention?
    /// The attention map of the last forward: `[B, h, h]`, or `[B, B]` in `.batch` mode.
    public private(set) var lastAttention: Tensor?

    /// Creates the block; the four layers draw their initial weights from `generator` in the order
    /// fc_k, fc_q, fc_v, fc_out, as PyTorch constructs them.
    public init(dModel: Int = 48, heads: Int = 8, attention: AttentionMode = .sample,
                generator: inout SeededGenerator) {
        self.dModel = dModel
        self.heads = heads
        self.attention = attention
        fcK = Linear(inputFeatures: dModel, outputFeatures: heads, generator: &generator)
        fcQ = Linear(inputFeatures: dModel, outputFeatures: heads, generator: &generator)
        fcV = Linear(inputFeatures: dModel, outputFeatures: heads, generator: &generator)
        fcOut = Linear(inputFeatures: heads, outputFeatures: dModel, generator: &generator)
    }

    /// Whether the block mixes images across the batch (`.batch` mode): flag it wherever shown.
    public var isBatchMixing: Bool { attention == .batch }

    public override var children: [(String, Module)] {
        [("fc_k", fcK), ("fc_q", fcQ), ("fc_v", fcV), ("fc_out", fcOut)]
    }

    /// fc_k/fc_q/fc_v outputs are recorded as `k`/`q`/`v`; fc_out's output is the block's own.
    public override func recordingName(ofChild name: String) -> String? {
        switch name {
        case "fc_k": return "k"
        case "fc_q": return "q"
        case "fc_v": return "v"
        default: return nil
        }
    }

    public override func forward(_ x: Tensor) -> Tensor {
        if !isTraining, intervention == .bypass { return x }
        let k = fcK(x), q = fcQ(x), v = fcV(x)
        let scale = Float(Double(heads).squareRoot())
        var am: Tensor
        let z: Tensor
        switch attention {
        case .sample:
            am = softmax(q.unsqueezed(axis: 2) * k.unsqueezed(axis: 1) / scale, axis: -1)
            am = intervene(am)
            z = matmul(v.unsqueezed(axis: 1), am).squeezed(axis: 1)
        case .batch:
            am = softmax(matmul(q, k.transposed(0, 1)) / scale, axis: -1)
            am = intervene(am)
            z = matmul(am, v)
        }
        lastAttention = am.detached()
        record("attention", am)
        record("z", z)
        return fcOut(z)
    }

    /// Puts back a map saved before a trace (summaries must not change what the user inspects).
    func restoreAttention(_ map: Tensor?) { lastAttention = map }

    /// Applies the evaluation-only intervention to a map whose last axis is the softmax axis.
    private func intervene(_ am: Tensor) -> Tensor {
        guard !isTraining, let intervention else { return am }
        let n = am.shape[am.rank - 1], rows = am.shape[am.rank - 2]
        let maps = am.count / (n * rows)
        switch intervention {
        case .bypass:
            return am
        case .uniform:
            return Tensor.full(am.shape, 1 / Float(n))
        case .identity:
            var eye = [Float](repeating: 0, count: am.count)
            for m in 0..<maps { for i in 0..<min(rows, n) { eye[m * rows * n + i * n + i] = 1 } }
            return Tensor(shape: am.shape, storage: eye)
        case .zeroRow(let row):
            guard (0..<rows).contains(row) else { return am }
            var mask = [Float](repeating: 1, count: am.count)
            for m in 0..<maps { for j in 0..<n { mask[m * rows * n + row * n + j] = 0 } }
            return am * Tensor(shape: am.shape, storage: mask)
        }
    }
}
