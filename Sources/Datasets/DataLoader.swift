import Foundation

/// Mini-batches of an ``ImageSet``: shuffled per epoch, augmented and normalised, prepared one batch
/// ahead on a background thread.
///
/// Batch `k` of epoch `e` depends only on (`seed`, `e`, `k`): the epoch's permutation comes from
/// `mix(seed, "SHUF", e)` and the augmentation draws from `mix(seed, e, k)`. So the background thread
/// gives exactly the single-threaded result, and ``state`` / ``restore(_:)`` resume mid-epoch with
/// identical batches.
///
/// ```swift
/// let loader = DataLoader(set: splits.train, batchSize: 512, shuffle: true,
///                         augmentation: .standard, normalization: .cifar10, seed: 1)
/// while let batch = loader.next() { ... }   // one epoch; the next call starts the next
/// ```
public final class DataLoader {
    private var recipe: BatchRecipe
    public private(set) var epoch = 0
    /// The next batch to hand out in ``epoch``.
    public private(set) var batchIndex = 0
    /// Whether the next batch is prepared on a background thread (results are identical either way).
    public var prefetch = true

    private var cachedOrder: (epoch: Int, order: [Int])?
    private var pending: Pending?
    private let queue = DispatchQueue(label: "ultimus.dataloader", qos: .userInitiated)

    /// - Parameters:
    ///   - batchSize: images per batch (≥ 1); the last batch is smaller unless `dropLast`.
    ///   - shuffle: a new seeded permutation each epoch; without it, file order (for evaluation).
    ///   - augmentation: applied per image; use `.none` for evaluation.
    public init(set: ImageSet, batchSize: Int, shuffle: Bool, dropLast: Bool = false, augmentation: Augmentation,
                normalization: Normalization, seed: UInt64) {
        recipe = BatchRecipe(set: set, batchSize: max(1, batchSize), shuffle: shuffle, dropLast: dropLast,
                             augmentation: augmentation, normalization: normalization, seed: seed)
    }

    /// An in-order, unaugmented loader for evaluation.
    public static func evaluation(set: ImageSet, batchSize: Int, normalization: Normalization) -> DataLoader {
        DataLoader(set: set, batchSize: batchSize, shuffle: false, augmentation: .none,
                   normalization: normalization, seed: 0)
    }

    deinit { pending?.group.wait() }

    public var set: ImageSet { recipe.set }
    public var batchSize: Int { recipe.batchSize }
    public var shuffle: Bool { recipe.shuffle }
    public var dropLast: Bool { recipe.dropLast }
    public var augmentation: Augmentation { recipe.augmentation }
    public var normalization: Normalization { recipe.normalization }
    public var seed: UInt64 { recipe.seed }
    /// Batches handed out per epoch: `count / batchSize`, rounded up unless `dropLast`.
    public var batchesPerEpoch: Int { recipe.batchesPerEpoch }

    /// The next batch, or `nil` at the end of an epoch; the call after a `nil` starts the next epoch.
    public func next() -> Batch? {
        if batchIndex >= batchesPerEpoch {
            epoch += 1
            batchIndex = 0
            return nil
        }
        let batch: Batch
        if let p = pending, p.epoch == epoch, p.index == batchIndex {
            p.group.wait()
            batch = p.box.batch!
        } else {
            pending?.group.wait()
            batch = recipe.batch(epoch: epoch, index: batchIndex, order: order(epoch: epoch))
        }
        pending = nil
        batchIndex += 1
        if prefetch { startPrefetch() }
        return batch
    }

    /// The images at `indices`, normalised; augmented when `augment` (draws seeded by `seed` and the indices).
    public func batch(indices: [Int], augment: Bool = false) -> Batch {
        let hash = UInt64(truncatingIfNeeded: indices.hashValueStable)
        var generator = SeededGenerator(seed: mix(seed, 0x4556_414C, hash))
        return recipe.make(indices: indices, augmentation: augment ? recipe.augmentation : .none, generator: &generator)
    }

    /// The position to save with a session.
    public var state: LoaderState {
        LoaderState(epoch: epoch, batchIndex: batchIndex, seed: seed, count: set.count, batchSize: batchSize)
    }

    /// Continues from a saved position (and seed). Throws when it was saved for a different set or batch size.
    public func restore(_ state: LoaderState) throws {
        guard state.count == set.count, state.batchSize == batchSize else {
            throw DatasetError("the saved loader position is for \(state.count) images "
                + "in batches of \(state.batchSize), "
                + "this loader has \(set.count) in batches of \(batchSize)")
        }
        guard state.epoch >= 0, state.batchIndex >= 0, state.batchIndex <= batchesPerEpoch else {
            throw DatasetError("the saved loader position (epoch \(state.epoch), batch \(state.batchIndex)) "
                + "is out of range")
        }
        pending?.group.wait()
        pending = nil
        if state.seed != seed {
            recipe = BatchRecipe(set: set, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast,
                                 augmentation: augmentation, normalization: normalization, seed: state.seed)
            cachedOrder = nil
        }
        epoch = state.epoch
        batchIndex = state.batchIndex
    }

    private func order(epoch: Int) -> [Int] {
        if let cached = cachedOrder, cached.epoch == epoch { return cached.order }
        let order = recipe.order(epoch: epoch)
        cachedOrder = (epoch, order)
        return order
    }

    private func startPrefetch() {
        var nextEpoch = epoch, nextIndex = batchIndex
        if nextIndex >= batchesPerEpoch { nextEpoch += 1; nextIndex = 0 }
        guard nextIndex < batchesPerEpoch else { return }
        let job = Pending(epoch: nextEpoch, index: nextIndex)
        let recipe = self.recipe, order = order(epoch: nextEpoch)
        job.group.enter()
        queue.async { [nextEpoch, nextIndex] in
            job.box.batch = recipe.batch(epoch: nextEpoch, index: nextIndex, order: order)
            job.group.leave()
        }
        pending = job
    }

    private final class Box: @unchecked Sendable { var batch: Batch? }

    private struct Pending {
        let epoch: Int
        let index: Int
        let group = DispatchGroup()
        let box = Box()
    }
}

extension Array where Element == Int {
    /// FNV-1a over the values: a hash that is the same in every run (Swift's `hashValue` is not).
    var hashValueStable: UInt64 {
        var h = FNV1a()
        for v in self { h.combine(word: UInt64(bitPattern: Int64(v))) }
        return h.value
    }
}
