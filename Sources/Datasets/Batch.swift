/// One mini-batch: normalised (and possibly augmented) images with their labels.
public struct Batch {
    /// `[B, 3, H, W]` float32, normalised.
    public var images: Tensor
    /// `B` class indices.
    public var labels: [Int]
    /// Where each image sits in the loader's ``ImageSet``.
    public var indices: [Int]

    public init(images: Tensor, labels: [Int], indices: [Int]) {
        self.images = images
        self.labels = labels
        self.indices = indices
    }

    /// Number of images.
    public var count: Int { labels.count }
}

/// A loader's position, saved with a session so that training resumes mid-epoch with identical batches.
///
/// Every batch's order and augmentation are a pure function of (`seed`, `epoch`, `batchIndex`), so these
/// values are the loader's whole random state.
public struct LoaderState: Codable, Equatable, Sendable {
    /// Epochs started before the current one (0 for the first epoch).
    public var epoch: Int
    /// The next batch to hand out within `epoch`.
    public var batchIndex: Int
    /// The loader's seed: its generator state.
    public var seed: UInt64
    /// Images in the set, to catch a resume against different data.
    public var count: Int
    public var batchSize: Int

    public init(epoch: Int, batchIndex: Int, seed: UInt64, count: Int, batchSize: Int) {
        self.epoch = epoch
        self.batchIndex = batchIndex
        self.seed = seed
        self.count = count
        self.batchSize = batchSize
    }
}
