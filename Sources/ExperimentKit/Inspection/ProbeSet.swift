import Autograd
import Layers

/// The probe images of one command (the session's probes, or the one image of `index=N` or
/// `image=PATH`) with one evaluation-mode forward through them: what `attention`, `explain`,
/// `intervene`, `gradcam` and `inspect act.…` look at.
public struct ProbeSet {
    /// The images, labels and where each came from.
    public var probes: ProbeImages
    public var classNames: [String]
    /// `true` for the one image of `index=` or `image=` (captions name it, not a probe number).
    public var isSingle: Bool
    public var forward: ProbeForward

    public init(probes: ProbeImages, classNames: [String], isSingle: Bool = false, model: Module) {
        self.probes = probes
        self.classNames = classNames
        self.isSingle = isSingle
        forward = ProbeForward(model: model, images: probes.images)
    }

    public var count: Int { probes.labels.count }
    public var images: Tensor { probes.images }
    public var labels: [Int] { probes.labels }

    /// The class name of class `i` (its number when unnamed).
    public func className(_ i: Int) -> String { classNames.indices.contains(i) ? classNames[i] : "class \(i)" }

    /// The true class name of probe `n` (`?` for an image file).
    public func label(_ n: Int) -> String { labels.indices.contains(n) && labels[n] >= 0 ? className(labels[n]) : "?" }

    /// How headers name probe `n`: `probe 1 (automobile)`, `test image 57 (cat)` or `cat.png`.
    public func caption(_ n: Int) -> String {
        let source = probes.sources.indices.contains(n) ? probes.sources[n] : "probe \(n)"
        if probes.indices.indices.contains(n), probes.indices[n] == nil {
            return isSingle ? source : "probe \(n) (\(source))"
        }
        return (isSingle ? source : "probe \(n)") + " (\(label(n)))"
    }
}
