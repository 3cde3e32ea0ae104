import Autograd
import Layers

/// Copies of a model for inspection: a forward pass through a copy can move nothing in the
/// original (BatchNorm statistics, `lastAttention`, recorded activations, gradients).
public enum ModelCopy {
    /// A new ``UltimusNet`` with `model`'s variant, attention mode, per-block interventions and state
    /// (parameters and buffers), in evaluation mode. Its initial draw uses a private generator, so
    /// the session's generators do not move.
    public static func evaluationCopy(of model: UltimusNet) -> UltimusNet {
        var scratch = SeededGenerator(seed: 0)
        let copy = UltimusNet(variant: model.variant, attention: model.attention, generator: &scratch)
        for (mine, theirs) in zip(copy.blocks, model.blocks) {
            mine.attention = theirs.attention
            mine.intervention = theirs.intervention
        }
        // Same architecture and keys: this cannot fail.
        _ = try? copy.load(stateDict: model.stateDict())
        copy.eval()
        return copy
    }
}

/// One evaluation-mode forward of a batch through a copy of the model, with every activation kept.
public struct ProbeForward {
    /// Logits `[N, 10]`.
    public var logits: Tensor
    /// Every recorded activation, in execution order (`conv1`, …, `ultimus2.q`, `ultimus2.attention`, …).
    public var activations: [(name: String, tensor: Tensor)]

    /// Runs `images` `[N, 3, H, W]` (normalised) through an evaluation copy of `model`, without
    /// gradients. Other models run themselves in evaluation mode (their mode and recording switch
    /// are restored; their last attention maps and recorded activations are those of this forward).
    public init(model: Module, images: Tensor) {
        if let net = model as? UltimusNet {
            let copy = ModelCopy.evaluationCopy(of: net)
            copy.recordActivations = true
            logits = noGrad { copy(images) }
            activations = copy.activations
            return
        }
        let modes = model.namedModules().map { ($0.module, $0.module.isTraining) }
        let recording = model.recordActivations
        model.eval()
        model.recordActivations = true
        logits = noGrad { model(images) }
        activations = model.activations
        model.recordActivations = recording
        // Pre-order: `train(_:)` recurses, and each descendant's own call comes later and wins.
        for (module, training) in modes { module.train(training) }
    }

    /// The activation named `name`.
    public func activation(_ name: String) -> Tensor? { activations.last { $0.name == name }?.tensor }

    /// Softmax probabilities `[N, 10]` as rows of doubles.
    public var probabilities: [[Double]] { Self.softmaxRows(logits) }

    /// Softmax of each row of `[N, C]` logits, in double precision.
    public static func softmaxRows(_ logits: Tensor) -> [[Double]] {
        let classes = logits.shape[1]
        return (0..<logits.shape[0]).map { n in
            let row = logits.storage[(n * classes)..<((n + 1) * classes)].map(Double.init)
            let top = row.max() ?? 0
            let e = row.map { Foundation.exp($0 - top) }
            let sum = e.reduce(0, +)
            return e.map { $0 / sum }
        }
    }

    /// The 8×8 (or B×B for a batch-mixing block) attention map of `block` for image `sample`.
    public func attentionMap(block: String, sample: Int) -> [[Double]]? {
        guard let am = activation(block + ".attention") else { return nil }
        if am.rank == 3 {
            let (r, c) = (am.shape[1], am.shape[2])
            guard sample < am.shape[0] else { return nil }
            return (0..<r).map { i in (0..<c).map { j in Double(am.storage[(sample * r + i) * c + j]) } }
        }
        let (r, c) = (am.shape[0], am.shape[1])
        return (0..<r).map { i in (0..<c).map { j in Double(am.storage[i * c + j]) } }
    }
}

import Foundation
