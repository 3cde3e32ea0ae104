import Autograd
import Datasets
import Foundation

/// What `data ...` asked for: enough to load the same data again (after `load`, or in `fork`).
public struct DataSettings: Codable, Equatable, Sendable {
    /// Where images come from.
    public enum Source: String, Codable, Sendable { case cifar10, folder, synthetic }

    public var source: Source
    /// The folder given with `path=` (CIFAR-10 or an image folder); `nil` lets ``DataLocator`` search.
    public var path: String?
    /// Synthetic training images (`n=`); the test split has n/5.
    public var count: Int
    /// Synthetic classes (`classes=`, at most 10).
    public var classes: Int
    /// Images per training batch (`batch=`, default 512).
    public var batchSize: Int
    /// Training augmentations as a spec: `crop,flip,cutout` or `none`.
    public var augment: String
    /// Only the first N training images (`subset=`); classes take turns when the set is stored class by class.
    public var subset: Int?
    /// Training images held out for validation (`valid=`).
    public var valid: Int?
    /// Seed of the synthetic images and the validation split (and of the loader when
    /// ``loaderSeed`` is `nil`, as in sessions saved before it existed).
    public var seed: UInt64
    /// Seed of the loader: shuffling and augmentation.
    public var loaderSeed: UInt64?
    /// Image folders: the side images are resized to (`size=`, default 32; absent in older sessions).
    public var size: Int?
    /// Image folders: `squash` or `crop` (``ImageFolder/Fit``); `nil` is squash.
    public var fit: String?
    /// Image folders: `false` skips and counts unreadable files; `nil` is strict.
    public var strict: Bool?

    /// The side of the images an image folder is resized to.
    public var imageSide: Int { size ?? 32 }

    public init(source: Source, path: String? = nil, count: Int = 1024, classes: Int = 10, batchSize: Int = 512,
                augment: String = "none", subset: Int? = nil, valid: Int? = nil, seed: UInt64) {
        self.source = source
        self.path = path
        self.count = count
        self.classes = classes
        self.batchSize = batchSize
        self.augment = augment
        self.subset = subset
        self.valid = valid
        self.seed = seed
    }

    /// Sets ``seed`` from the session's seed and the settings that choose the images (source,
    /// path, n, classes, subset, valid), so running the same `data` command again in a session
    /// gives the same images, test set included; only ``loaderSeed`` comes from the running generator.
    public mutating func deriveDatasetSeed(sessionSeed: UInt64) {
        let key = [source.rawValue, path ?? "", "\(count)", "\(classes)", "\(subset ?? -1)", "\(valid ?? -1)"]
            .joined(separator: "|")
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        seed = Seeds.derive(sessionSeed, h)
    }

    /// The command that makes these settings, for messages.
    public var command: String {
        var parts = ["data", source.rawValue]
        if let path { parts.append("path=\(path.contains(" ") ? "\"\(path)\"" : path)") }
        if source == .folder, let size, size != 32 { parts.append("size=\(size)") }
        if source == .folder, let fit, fit != ImageFolder.Fit.squash.rawValue { parts.append("fit=\(fit)") }
        if source == .folder, strict == false { parts.append("strict=false") }
        if source == .synthetic { parts.append("n=\(count)") }
        if source == .synthetic, classes != 10 { parts.append("classes=\(classes)") }
        parts.append("batch=\(batchSize)")
        parts.append("augment=\(augment)")
        if let subset { parts.append("subset=\(subset)") }
        if let valid { parts.append("valid=\(valid)") }
        return parts.joined(separator: " ")
    }
}

/// Loaded data: the splits, their normalisation, and the loaders over them.
public final class DataState {
    public let settings: DataSettings
    public let splits: DataSplits
    public let normalization: Normalization
    /// Shuffled, augmented training batches; its position is saved with the session.
    public let trainLoader: DataLoader

    init(settings: DataSettings, splits: DataSplits) throws {
        self.settings = settings
        self.splits = splits
        normalization = settings.source == .cifar10 ? .cifar10 : Normalization.computed(from: splits.train)
        let augmentation = try Augmentation(spec: settings.augment)
        trainLoader = DataLoader(set: splits.train, batchSize: settings.batchSize, shuffle: true,
                                 augmentation: augmentation, normalization: normalization,
                                 seed: Seeds.derive(settings.loaderSeed ?? settings.seed, 0x4C4F_4144))
    }

    /// Class names, in label order.
    public var classNames: [String] { splits.classNames }

    /// The images of a split (`nil` for a validation split not held out).
    public func set(_ split: DataSplit) -> ImageSet? {
        switch split {
        case .train: return splits.train
        case .valid: return splits.valid
        case .test: return splits.test
        }
    }

    /// The split evaluated after each epoch: validation when there is one, else test.
    public var monitoredSplit: DataSplit { splits.valid == nil ? .test : .valid }

    /// An in-order, unaugmented loader over a split.
    public func evaluationLoader(_ split: DataSplit, subset: Int? = nil) -> DataLoader? {
        guard var set = set(split) else { return nil }
        if let subset { set = set.stratifiedSample(subset, seed: evaluationSubsetSeed) }
        let loader = DataLoader.evaluation(set: set, batchSize: max(settings.batchSize, 256),
                                           normalization: normalization)
        loader.prefetch = true
        return loader
    }

    /// The seed of `eval subset=N` samples: the data's seed, so the same images every time.
    var evaluationSubsetSeed: UInt64 { settings.seed ^ 0x4556_414C }

    /// Normalised images at `indices` of a split, without augmentation (probe images, checks).
    public func images(_ split: DataSplit, indices: [Int]) -> Batch? {
        guard let set = set(split), indices.allSatisfy({ $0 >= 0 && $0 < set.count }) else { return nil }
        return DataLoader.evaluation(set: set, batchSize: max(1, indices.count), normalization: normalization)
            .batch(indices: indices)
    }

    /// One line per split: `train 49,000 · valid 1,000 · test 10,000`.
    public var countsLine: String {
        var parts = ["train \(DataState.grouped(splits.train.count))"]
        if let v = splits.valid { parts.append("valid \(DataState.grouped(v.count))") }
        parts.append("test \(DataState.grouped(splits.test.count))")
        return parts.joined(separator: " · ")
    }

    public static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}

extension DataSettings {
    /// The largest synthetic set (about 1.2 GB of pixels).
    public static let maxSyntheticCount = 100_000

    /// Reads the images these settings describe (may take seconds for CIFAR-10).
    /// - Throws: ``DatasetError`` (missing folder, bad files) or a message about a bad setting.
    func load(dataDirectory: String?, progress: ProgressCallback? = nil) throws -> DataSplits {
        var splits: DataSplits
        switch source {
        case .synthetic:
            // The count may come from a session file: check it before allocating (12 KB per image).
            guard count >= 1, count <= Self.maxSyntheticCount else {
                throw DatasetError("synthetic n=\(count) is outside 1...\(Self.maxSyntheticCount); use a smaller n")
            }
            // Labels cycle through all 10 classes: draw enough that `count` fall in the first `classes`.
            let all = Synthetic.classNames.count
            let drawn = classes < all ? (count * all + classes - 1) / classes : count
            guard drawn <= Self.maxSyntheticCount else {
                throw DatasetError("synthetic n=\(count) with classes=\(classes) draws \(drawn) images, "
                                   + "more than \(Self.maxSyntheticCount); use a smaller n")
            }
            splits = Synthetic.make(count: drawn, seed: seed)
            if classes < all {
                let kept = Self.keep(classes: classes, of: splits.train)
                let train = kept.selecting(Array(0..<min(count, kept.count)))
                let test = Self.keep(classes: classes, of: splits.test)
                splits = DataSplits(train: train, test: test,
                                    source: "synthetic shapes, \(classes) classes (\(train.count) train, "
                                            + "\(test.count) test, seed \(seed))")
            }
        case .cifar10:
            splits = try DataLocator().load(explicit: path ?? dataDirectory, progress: progress)
        case .folder:
            guard let path else { throw DatasetError("data folder needs path=DIR (a folder with train/ and test/)") }
            let root = PathName.expandingTilde(path)
            guard ImageFolder.isImageFolder(root) else {
                let what = FileManager.default.fileExists(atPath: root)
                    ? "has no train/ and test/ folders" : "no such folder"
                throw DatasetError("\(path): \(what); data folder reads DIR/train/<class>/<image> and "
                                   + "DIR/test/<class>/<image>")
            }
            guard let fitting = ImageFolder.Fit(rawValue: fit ?? "squash") else {
                throw DatasetError("fit=\(fit ?? "") is not squash or crop; use fit=squash or fit=crop")
            }
            splits = try ImageFolder.loadSplits(root: root, cache: DecodedCache(folder: DataLocator().cacheFolder),
                                                height: imageSide, width: imageSide,
                                                resizing: ImageFolder.Resizing(fit: fitting, strict: strict ?? true),
                                                progress: progress)
        }
        if let subset {
            guard subset <= splits.train.count else {
                throw DatasetError("subset=\(subset) is more than the \(splits.train.count) training images; "
                                   + "use a smaller subset")
            }
            // An image folder lists the images class by class: its first N would be one class.
            let grouped = splits.train.isGroupedByClass && Set(splits.train.labels).count > 1
            let train = grouped ? splits.train.takingClassesInTurn(subset) : splits.train.selecting(Array(0..<subset))
            splits = DataSplits(train: train, test: splits.test,
                                source: splits.source + ", first \(subset) training images"
                                    + (grouped ? " (classes taking turns)" : ""))
        }
        if let valid, valid > 0 {
            guard valid < splits.train.count else {
                throw DatasetError("valid=\(valid) leaves no training images (there are \(splits.train.count)); "
                                   + "hold out fewer")
            }
            splits = try splits.holdingOutValidation(valid, seed: Seeds.derive(seed, 0x5641_4C49))
        }
        guard splits.train.count > 0, splits.test.count > 0 else {
            throw DatasetError("the data has \(splits.train.count) training and \(splits.test.count) test images; "
                               + "both must be non-empty")
        }
        return splits
    }

    private static func keep(classes: Int, of set: ImageSet) -> ImageSet {
        let kept = set.labels.indices.filter { set.labels[$0] < classes }
        var out = set.selecting(kept)
        out.classNames = Array(set.classNames.prefix(classes))
        return out
    }
}
