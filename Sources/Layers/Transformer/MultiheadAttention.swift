#if canImport(Glibc)
import Glibc
#endif

/// An evaluation-only change to one attention head.
public enum HeadIntervention: String, Sendable, CaseIterable {
    /// The head's map is all zeros: the head contributes nothing (its output is 0 before out_proj).
    case zero
    /// Every query attends to every key equally (1/T).
    case uniform
}

/// `torch.nn.MultiheadAttention(embedDim, numHeads, batch_first=True)` for self-attention
/// (query = key = value = x), no mask, no dropout.
///
/// Convention: x `[B, T, D]`, H heads of d = D/H features. `q, k, v = x·Wᵢₙᵀ + bᵢₙ` split into
/// `[B, H, T, d]`; `A = softmax(q·kᵀ/√d)` `[B, H, T, T]`, each row (query) sums to 1 over the keys;
/// head outputs `A·v` are concatenated back to `[B, T, D]` and projected by `out_proj`.
/// Keys `in_proj_weight [3D, D]`, `in_proj_bias [3D]`, `out_proj.weight`, `out_proj.bias`.
/// Initialised as PyTorch: xavier-uniform in_proj_weight, zero biases, out_proj.weight as a Linear.
public final class MultiheadAttention: Module {
    public let embedDim: Int
    public let numHeads: Int
    public let inProjWeight: Tensor
    public let inProjBias: Tensor
    public let outProj: Linear
    /// Per head, an evaluation-only intervention (`nil`: none). Ignored in training mode.
    public var headInterventions: [HeadIntervention?]
    /// Whether ``forward(_:)`` keeps its maps in ``lastAttention`` (off by default: they are large).
    public var keepsAttention = false
    /// The maps `[B, H, T, T]` of the last forward while ``keepsAttention`` was on (detached).
    public private(set) var lastAttention: Tensor?

    /// - Throws: ``ShapeError`` when `embedDim` is not divisible by `numHeads`.
    public init(embedDim: Int, numHeads: Int, generator: inout SeededGenerator) throws {
        guard numHeads >= 1, embedDim >= 1, embedDim % numHeads == 0 else {
            throw ShapeError("dim \(embedDim) is not divisible by heads \(numHeads): "
                             + "each head takes dim/heads features; choose heads that divide dim")
        }
        self.embedDim = embedDim
        self.numHeads = numHeads
        inProjWeight = Initialization.xavierUniform([3 * embedDim, embedDim], using: &generator)
        inProjBias = Tensor.zeros([3 * embedDim], requiresGrad: true)
        outProj = Linear(inputFeatures: embedDim, outputFeatures: embedDim, generator: &generator)
        outProj.bias?.storage = [Float](repeating: 0, count: embedDim)
        headInterventions = Array(repeating: nil, count: numHeads)
    }

    /// Features per head.
    public var headDim: Int { embedDim / numHeads }

    public override var typeName: String { "MultiheadAttention" }
    public override var localParameters: [(String, Tensor)] {
        [("in_proj_weight", inProjWeight), ("in_proj_bias", inProjBias)]
    }
    public override var children: [(String, Module)] { [("out_proj", outProj)] }
    public override func recordingName(ofChild name: String) -> String? { nil }

    public override func validateInput(shape: [Int]) throws {
        guard shape.count == 3, shape[2] == embedDim else {
            throw ShapeError("MultiheadAttention expects tokens [B, T, \(embedDim)], got \(shape)")
        }
    }

    public override func forward(_ x: Tensor) -> Tensor {
        if canSkipMaps {
            let qkv = linear(x, weight: inProjWeight, bias: inProjBias)
            return outProj(packedSelfAttention(qkv, heads: numHeads))
        }
        let (y, maps) = attend(x)
        if keepsAttention { lastAttention = maps.detached() }
        return y
    }

    /// Whether nothing needs the maps as a tensor: no gradient is recorded, no one keeps or records them and
    /// no head is changed. Evaluation then runs ``packedSelfAttention(_:heads:)``, with the same result.
    private var canSkipMaps: Bool {
        !Tape.isRecording && !keepsAttention && recorder == nil
            && (isTraining || headInterventions.allSatisfy { $0 == nil })
    }

    /// The output `[B, T, D]` and the per-head attention maps `[B, H, T, T]` (after any intervention).
    public func attend(_ x: Tensor) -> (output: Tensor, attention: Tensor) {
        let (b, t, h, d) = (x.shape[0], x.shape[1], numHeads, headDim)
        let qkv = linear(x, weight: inProjWeight, bias: inProjBias).reshaped([b, t, 3, h, d]).permuted([2, 0, 3, 1, 4])
        func part(_ i: Int) -> Tensor { qkv.slice(axis: 0, range: i ..< i + 1).reshaped([b, h, t, d]) }
        let q = part(0) * Float(1 / Double(d).squareRoot()), k = part(1), v = part(2)
        let attention = intervene(softmaxLastAxis(batchedMatmul(q, k, transposeB: true)))
        record("attention", attention)
        let heads = batchedMatmul(attention, v).permuted([0, 2, 1, 3]).reshaped([b, t, embedDim])
        return (outProj(heads), attention)
    }

    /// Applies the evaluation-only head interventions to maps `[B, H, T, T]`.
    private func intervene(_ maps: Tensor) -> Tensor {
        guard !isTraining, headInterventions.contains(where: { $0 != nil }) else { return maps }
        let (b, h, t) = (maps.shape[0], maps.shape[1], maps.shape[2])
        var values = maps.storage
        for i in 0..<b {
            for (head, change) in headInterventions.enumerated() {
                guard let change else { continue }
                let start = (i * h + head) * t * t
                let fill: Float = change == .zero ? 0 : 1 / Float(t)
                for j in start ..< start + t * t { values[j] = fill }
            }
        }
        return noGrad { Tensor(shape: maps.shape, storage: values) }
    }
}
