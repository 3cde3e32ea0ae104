import Foundation

/// Everything a batch depends on, as a value: making batch (epoch, index) is a pure function of it, so a
/// background thread computes exactly what the calling thread would.
struct BatchRecipe: Sendable {
    let set: ImageSet
    let batchSize: Int
    let shuffle: Bool
    let dropLast: Bool
    let augmentation: Augmentation
    let normalization: Normalization
    let seed: UInt64
    let table: [Float]

    init(set: ImageSet, batchSize: Int, shuffle: Bool, dropLast: Bool, augmentation: Augmentation,
         normalization: Normalization, seed: UInt64) {
        self.set = set
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.augmentation = augmentation
        self.normalization = normalization
        self.seed = seed
        self.table = normalization.lookupTable
    }

    var batchesPerEpoch: Int {
        dropLast ? set.count / batchSize : (set.count + batchSize - 1) / batchSize
    }

    /// The order of images in `epoch`: a seeded permutation, or `0..<count` without shuffling.
    func order(epoch: Int) -> [Int] {
        shuffle ? ImageSet.permutation(set.count, seed: mix(seed, 0x5348_5546, UInt64(epoch))) : Array(0..<set.count)
    }

    /// Batch `index` of `epoch`, given that epoch's order.
    func batch(epoch: Int, index: Int, order: [Int]) -> Batch {
        let start = index * batchSize
        let indices = Array(order[start..<min(order.count, start + batchSize)])
        var generator = SeededGenerator(seed: mix(seed, UInt64(epoch), UInt64(index)))
        return make(indices: indices, augmentation: augmentation, generator: &generator)
    }

    /// Normalised images at `indices`, each augmented with draws from `generator` in turn.
    func make(indices: [Int], augmentation: Augmentation, generator: inout SeededGenerator) -> Batch {
        let h = set.height, w = set.width, size = set.imageSize
        let draws = indices.map { _ in augmentation.draw(using: &generator, height: h, width: w) }
        var storage = [Float](repeating: 0, count: indices.count * size)
        set.images.withUnsafeBufferPointer { src in
            table.withUnsafeBufferPointer { lut in
                storage.withUnsafeMutableBufferPointer { out in
                    for (k, i) in indices.enumerated() {
                        augmentation.apply(draws[k], source: src.baseAddress! + i * size, height: h, width: w,
                                           table: lut.baseAddress!, output: out.baseAddress! + k * size)
                    }
                }
            }
        }
        return Batch(images: Tensor(shape: [indices.count, 3, h, w], storage: storage),
                     labels: indices.map { set.labels[$0] }, indices: indices)
    }
}

/// Combines a seed with two counters into an independent stream seed (SplitMix64 finaliser per step).
func mix(_ seed: UInt64, _ a: UInt64, _ b: UInt64) -> UInt64 {
    func finalise(_ x: UInt64) -> UInt64 { SeededGenerator.mixed(x &+ SeededGenerator.gamma) }
    return finalise(finalise(finalise(seed) ^ a) ^ b)
}
