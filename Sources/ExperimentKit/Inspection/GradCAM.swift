import Autograd
import Datasets
import Layers

/// Grad-CAM (Selvaraju et al. 2017) on a convolution of an ``UltimusNet``.
///
/// For image n with target class c and the layer's activation A `[C, H, W]`:
/// weights w_k = mean over (y, x) of ∂logit_c/∂A[k, y, x]; CAM = ReLU(Σ_k w_k·A[k]) `[H, W]`,
/// bilinearly resized to the image size and min–max normalised to [0, 1] (pytorch-grad-cam's
/// `scale_cam_image`). The gradient flows through a copy of the model in evaluation mode, so
/// nothing about the session's model changes.
public enum GradCAM {
    /// One image's map.
    public struct Result: Sendable {
        /// The class whose score was differentiated.
        public var targetClass: Int
        public var predicted: Int
        /// Softmax probability of `predicted`.
        public var probability: Double
        /// Per-channel weights w_k.
        public var weights: [Double]
        /// Normalised map at the image's size, row-major, in [0, 1].
        public var map: [Float]
        public var width: Int
        public var height: Int
        /// Largest value of ReLU(Σ w_k A_k) before normalising (0: no evidence for the class).
        public var rawMax: Double
        /// Smallest value of ReLU(Σ w_k A_k) before normalising.
        public var rawMin: Double = 0
    }

    /// Which tensor `layer` names, in words: for bnrelu `convN` is the convolution's output before
    /// BatchNorm and ReLU, `reluN` the output after them.
    public static func describe(layer: String, of model: UltimusNet) -> String {
        let n = layer.drop { !$0.isNumber }
        if layer.hasPrefix("relu") { return "output of ReLU(BatchNorm(conv\(n)))" }
        return model.variant == .bnrelu ? "\(layer) output before BatchNorm and ReLU" : "\(layer) output"
    }

    /// The layers Grad-CAM accepts for `model`: `conv1`…`conv3`, and for bnrelu `relu1`…`relu3`
    /// (the activation after BatchNorm and ReLU).
    public static func layers(of model: UltimusNet) -> [String] {
        let convs = model.convs.indices.map { "conv\($0 + 1)" }
        return model.variant == .bnrelu ? convs + model.convs.indices.map { "relu\($0 + 1)" } : convs
    }

    /// Grad-CAM of `layer` for each image of `images` `[N, 3, H, W]` (normalised).
    /// - Parameter targets: the class per image; `nil` uses the predicted class.
    /// - Throws: ``InspectionError`` for an unknown layer.
    public static func compute(model: UltimusNet, images: Tensor, layer: String,
                               targets: [Int]? = nil) throws -> [Result] {
        let known = layers(of: model)
        guard let position = known.firstIndex(of: layer) else {
            throw InspectionError("Grad-CAM needs a convolution; "
                                  + "'\(layer)' is not one of \(known.joined(separator: ", "))"
                                  + (EditDistance.suggestion(for: layer, in: known).map { "; \($0)" } ?? ""))
        }
        let stage = position % model.convs.count
        let afterReLU = position >= model.convs.count
        // A batch-mixing model's output for one image depends on the others: differentiate images one by one.
        if model.isBatchMixing, images.shape[0] > 1 {
            return try (0..<images.shape[0]).flatMap { n in
                try compute(model: model, images: images.slice(axis: 0, range: n..<(n + 1)), layer: layer,
                            targets: targets.map { [$0[n]] })
            }
        }
        let copy = ModelCopy.evaluationCopy(of: model)
        var captured: Tensor?
        var h = images
        for (i, conv) in copy.convs.enumerated() {
            h = conv(h)
            if i == stage, !afterReLU { (h, captured) = leaf(h) }
            if copy.variant == .bnrelu { h = copy.norms[i](h).relu() }
            if i == stage, afterReLU { (h, captured) = leaf(h) }
        }
        h = h.mean(axes: [2, 3])
        for block in copy.blocks { h = block(h) }
        let logits = copy.fc(h)
        guard let activation = captured else { throw InspectionError("\(layer) was not reached") }
        let (n, classes) = (logits.shape[0], logits.shape[1])
        let predicted = logits.argmax(axis: 1)
        let chosen = targets ?? predicted
        var pick = [Float](repeating: 0, count: n * classes)
        for b in 0..<n { pick[b * classes + chosen[b]] = 1 }
        (logits * Tensor(shape: logits.shape, storage: pick)).sum().backward()
        guard let gradient = activation.grad else { throw InspectionError("no gradient reached \(layer)") }

        let (channels, height, width) = (activation.shape[1], activation.shape[2], activation.shape[3])
        let plane = height * width
        let probabilities = ProbeForward.softmaxRows(logits)
        return (0..<n).map { b in
            let base = b * channels * plane
            let weights = (0..<channels).map { c in
                let channel = gradient.storage[(base + c * plane)..<(base + (c + 1) * plane)]
                return channel.reduce(0.0) { $0 + Double($1) } / Double(plane)
            }
            var cam = [Double](repeating: 0, count: plane)
            for c in 0..<channels where weights[c] != 0 {
                let offset = base + c * plane
                for p in 0..<plane { cam[p] += weights[c] * Double(activation.storage[offset + p]) }
            }
            cam = cam.map { max(0, $0) }
            let resized = ImageResize.bilinear(cam, width: width, height: height, to: images.shape[3], images.shape[2])
            let (lo, hi) = (resized.min() ?? 0, resized.max() ?? 0)
            let normalised = resized.map { hi > lo ? Float(($0 - lo) / (hi - lo)) : 0 }
            return Result(targetClass: chosen[b], predicted: predicted[b], probability: probabilities[b][predicted[b]],
                          weights: weights, map: normalised, width: images.shape[3], height: images.shape[2],
                          rawMax: cam.max() ?? 0, rawMin: cam.min() ?? 0)
        }
    }

    private static func leaf(_ t: Tensor) -> (Tensor, Tensor) {
        let a = t.detached()
        a.requiresGrad = true
        return (a, a)
    }
}
