import Layers

/// The attention time-lapse: the maps of every attention block for a fixed set of probe images,
/// recorded every ``every`` training steps (the first and last step of each `train` always kept).
///
/// A frame holds, per block, the map of the probe batch: `[P, h, h]` (P probes, h = 8) for
/// per-image attention, `[P, P]` for the seed's batch-mixing attention. 4 blocks × 10 probes ×
/// 64 floats = 10 KB per frame. For a ViT, whose `T×T` maps per head would be far larger, a block's
/// frame is each probe's and head's entropy and mean attention distance, `[P, H, 2]`.
public struct AttentionTimeLapse: Equatable {
    /// One recording.
    public struct Frame: Equatable {
        /// Global step after which the maps were taken (1 = after the first update).
        public var step: Int
        /// Epoch number (from 1) the step belongs to.
        public var epoch: Int
        /// Block names (`ultimus1` ...), in model order.
        public var blocks: [String]
        /// One map per block, detached.
        public var maps: [Tensor]

        public static func == (a: Frame, b: Frame) -> Bool {
            a.step == b.step && a.epoch == b.epoch && a.blocks == b.blocks
                && zip(a.maps, b.maps).allSatisfy { $0.shape == $1.shape && $0.storage == $1.storage }
        }
    }

    /// Indices (into the test split) of the probe images chosen with `set probes=`; empty means
    /// the default, the first test image of each class (``Experiment/probeIndices(_:)``).
    public var probes: [Int] = []
    /// Image files chosen as probes (after the test images); kept in memory, not in session files.
    public var probeFiles: [ImageFile] = []
    /// Steps between frames; fixed when the first frame is recorded.
    public var every: Int?
    public var frames: [Frame] = []

    public init() {}

    /// Clears the frames (new data means new probe images).
    mutating func resetProbes() {
        frames = []
        every = nil
    }

    /// The interval for a loader with `batchesPerEpoch` batches: about eight frames per epoch.
    static func interval(batchesPerEpoch: Int) -> Int { max(1, batchesPerEpoch / 8) }

    /// The frame at or before `step` (the latest recorded by then).
    public func frame(atStep step: Int) -> Frame? { frames.last { $0.step <= step } ?? frames.first }
}

extension Experiment {
    /// The attention blocks of the current model with their names.
    public var attentionBlocks: [(name: String, block: Ultimus)] {
        (model?.namedModules() ?? []).compactMap { entry in (entry.module as? Ultimus).map { (entry.name, $0) } }
    }

    /// Records the probe images' attention maps after the current step, in evaluation mode and
    /// without gradients, so no running statistic or generator moves. Afterwards the blocks'
    /// `lastAttention` holds the probe maps.
    func recordAttentionFrame(epoch: Int) {
        guard let model, let data, let batch = probeImages(data) else { return }
        let wasTraining = model.isTraining
        model.eval()
        defer { model.train(wasTraining) }
        let recorded: (names: [String], maps: [Tensor])
        if let vit = model as? ViT {
            guard !vit.blocks.isEmpty else { return }
            recorded = Self.headStatistics(vit, images: batch.images)
        } else {
            let blocks = attentionBlocks
            guard !blocks.isEmpty else { return }
            _ = noGrad { model(batch.images) }
            recorded = (blocks.map(\.name), blocks.map { $0.block.lastAttention ?? Tensor.zeros([0]) })
        }
        if timeline.every == nil {
            timeline.every = AttentionTimeLapse.interval(batchesPerEpoch: data.trainLoader.batchesPerEpoch)
        }
        timeline.frames.removeAll { $0.step == globalStep }
        timeline.frames.append(.init(step: globalStep, epoch: epoch, blocks: recorded.names, maps: recorded.maps))
    }

    /// A ViT's frame: per block (`blocks.N`), each probe's and head's entropy and mean attention
    /// distance, `[P, H, 2]` (``attentionStatistics(_:grid:classToken:)``), not the `T×T` maps.
    static func headStatistics(_ vit: ViT, images: Tensor) -> (names: [String], maps: [Tensor]) {
        let maps = vit.attentionMaps(images).maps
        let stats = maps.map { attentionStatistics($0, grid: vit.config.grid, classToken: vit.config.pool == .cls) }
        return (maps.indices.map { "blocks.\($0)" }, stats)
    }
}
