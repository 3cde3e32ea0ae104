import Autograd
import Datasets
import Foundation

/// The probe images that `attention`, `explain`, `intervene`, `gradcam sample=` and the attention
/// time-lapse look at: by default the first test image of each class, in class order; `set probes=`
/// chooses test images and image files instead.
public struct ProbeImages {
    /// Test index of each probe, `nil` for an image file.
    public var indices: [Int?]
    /// Normalised images `[P, 3, 32, 32]`.
    public var images: Tensor
    /// True class of each probe, `-1` for an image file.
    public var labels: [Int]
    /// Interleaved RGB of each probe, for image grids.
    public var rgb: [[UInt8]]
    /// `test image 57` or the file's name (without its folder).
    public var sources: [String]
}

extension Experiment {
    /// The first test image of each class, in class order (classes with no test image skipped).
    public static func defaultProbes(labels: [Int], classes: Int) -> [Int] {
        (0..<classes).compactMap { c in labels.firstIndex(of: c) }
    }

    /// The test indices of the probes: those chosen with `set probes=`, else one per class.
    public func probeIndices(_ data: DataState) -> [Int] {
        let test = data.splits.test
        if !timeline.probes.isEmpty || !timeline.probeFiles.isEmpty {
            return timeline.probes.filter { $0 < test.count }
        }
        return Self.defaultProbes(labels: test.labels, classes: data.classNames.count)
    }

    /// The probes as one batch: chosen test images, then chosen files.
    public func probeImages(_ data: DataState) -> ProbeImages? {
        let indices = probeIndices(data)
        return Self.images(data, indices: indices, files: timeline.probeFiles)
    }

    /// Test images at `indices` followed by `files`, normalised as the data is.
    public static func images(_ data: DataState, indices: [Int], files: [ImageFile]) -> ProbeImages? {
        guard !(indices.isEmpty && files.isEmpty),
              let batch = data.images(.test, indices: indices.isEmpty ? [0] : indices) else {
            return nil
        }
        let test = data.splits.test
        var storage = indices.isEmpty ? [] : batch.images.storage
        for file in files { storage += file.normalized(data.normalization) }
        let count = indices.count + files.count
        return ProbeImages(indices: indices.map { $0 } + files.map { _ in nil },
                           images: Tensor(shape: [count, 3, test.height, test.width], storage: storage),
                           labels: (indices.isEmpty ? [] : batch.labels) + files.map { _ in -1 },
                           rgb: indices.map { test.rgbInterleaved(at: $0) } + files.map(\.rgb),
                           sources: indices.map { "test image \($0)" }
                               + files.map { ($0.name as NSString).lastPathComponent })
    }

    /// Chooses the probes (an empty choice restores one per class); forgets the recorded
    /// time-lapse frames, which belong to the previous probes.
    public func setProbes(indices: [Int], files: [ImageFile]) {
        timeline.probes = indices
        timeline.probeFiles = files
        timeline.resetProbes()
    }
}

extension ProbeImages {
    /// Probe `n` alone.
    public func pick(_ n: Int) -> ProbeImages {
        let size = images.count / max(1, labels.count)
        let image = Tensor(shape: [1] + images.shape.dropFirst(),
                           storage: Array(images.storage[(n * size)..<((n + 1) * size)]))
        return ProbeImages(indices: [indices[n]], images: image, labels: [labels[n]], rgb: [rgb[n]],
                           sources: [sources[n]])
    }
}

extension ProbeImages {
    /// One line listing the probes: `probes: 0 test image 3 (cat), 1 dog.png`.
    public func listing(classNames: [String]) -> String {
        "probes: " + labels.indices.map { n in
            "\(n) \(sources[n])" + (classNames.indices.contains(labels[n]) ? " (\(classNames[labels[n]]))" : "")
        }.joined(separator: ", ")
    }
}
