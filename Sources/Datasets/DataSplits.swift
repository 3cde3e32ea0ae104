/// The train, test and optional validation sets of one dataset, with where they came from.
public struct DataSplits: Sendable, Equatable {
    public var train: ImageSet
    public var test: ImageSet
    /// Held out of the training images by ``holdingOutValidation(_:seed:)``; `nil` when there is none.
    public var valid: ImageSet?
    /// A human description, e.g. `"CIFAR-10 image folder /data/cifar10"`.
    public var source: String

    public init(train: ImageSet, test: ImageSet, valid: ImageSet? = nil, source: String) {
        self.train = train
        self.test = test
        self.valid = valid
        self.source = source
    }

    /// The class names (those of the training set).
    public var classNames: [String] { train.classNames }

    /// Moves `n` seeded-random training images into ``valid`` (`valid=N`). Throws on a bad `n`.
    public func holdingOutValidation(_ n: Int, seed: UInt64) throws -> DataSplits {
        let (rest, held) = try train.holdingOut(n, seed: seed)
        return DataSplits(train: rest, test: test, valid: held, source: source)
    }

    /// Keeps the first `n` images per class of every split (for quick experiments).
    public func firstPerClass(_ n: Int) -> DataSplits {
        DataSplits(train: train.firstPerClass(n), test: test.firstPerClass(n),
                   valid: valid?.firstPerClass(n), source: source + ", first \(n) per class")
    }
}
