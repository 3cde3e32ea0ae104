import Autograd
import Layers

/// The probe images (by default the first 8 test images) with one evaluation-mode forward through
/// them: what `attention`, `explain`, `intervene` and `inspect act.…` look at.
public struct ProbeSet {
    /// Indices into the test split.
    public var indices: [Int]
    /// Normalised images `[P, 3, H, W]`.
    public var images: Tensor
    public var labels: [Int]
    public var classNames: [String]
    public var forward: ProbeForward

    public init(indices: [Int], images: Tensor, labels: [Int], classNames: [String], model: Module) {
        self.indices = indices
        self.images = images
        self.labels = labels
        self.classNames = classNames
        forward = ProbeForward(model: model, images: images)
    }

    /// The class name of class `i` (its number when unnamed).
    public func className(_ i: Int) -> String { classNames.indices.contains(i) ? classNames[i] : "class \(i)" }

    /// The true class name of probe `n`.
    public func label(_ n: Int) -> String { labels.indices.contains(n) ? className(labels[n]) : "?" }
}
