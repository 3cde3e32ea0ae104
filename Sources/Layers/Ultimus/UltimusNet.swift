/// The assignment's network on CIFAR-10 images `[N, 3, 32, 32]` → logits `[N, 10]` (another class
/// count sizes the head: `fc` is 48→`classes`; pooling makes any image side work).
///
/// `.spec`: conv1..3 (3→16→32→48, 3×3, padding 1, no activation), global average pooling
/// (`x.mean(dim=(2, 3))`), ultimus1..4 (48→8→48), fc (48→10): 25,882 parameters.
/// `.bnrelu`: each conv followed by BatchNorm2d (bn1..bn3) and ReLU: 26,074 parameters.
/// Parameter order and names are those of the PyTorch reference model: conv1..3, bn1..3,
/// ultimus1..4, fc. Weights are drawn from the generator in that order, as PyTorch initialises.
public final class UltimusNet: Module {
    /// Which network.
    public enum Variant: String, Codable, Sendable, CaseIterable {
        case spec, bnrelu
    }

    public let variant: Variant
    public let convs: [Conv2d]
    public let norms: [BatchNorm2d]
    public let blocks: [Ultimus]
    public let fc: Linear

    public init(variant: Variant = .spec, attention: AttentionMode = .sample, classes: Int = 10,
                generator: inout SeededGenerator) {
        self.variant = variant
        let widths = [3, 16, 32, 48]
        convs = (0..<3).map { i in
            Conv2d(inChannels: widths[i], outChannels: widths[i + 1], kernelSize: 3, padding: 1, generator: &generator)
        }
        norms = variant == .bnrelu ? widths.dropFirst().map { BatchNorm2d($0) } : []
        blocks = (0..<4).map { _ in Ultimus(dModel: 48, heads: 8, attention: attention, generator: &generator) }
        fc = Linear(inputFeatures: 48, outputFeatures: classes, generator: &generator)
    }

    /// The attention mode of every block; setting it sets all four.
    public var attention: AttentionMode {
        get { blocks[0].attention }
        set { for block in blocks { block.attention = newValue } }
    }

    /// Whether any block mixes images across the batch.
    public var isBatchMixing: Bool { blocks.contains { $0.isBatchMixing } }

    public override var typeName: String { "UltimusNet" }

    public override var children: [(String, Module)] {
        convs.enumerated().map { ("conv\($0.offset + 1)", $0.element as Module) }
            + norms.enumerated().map { ("bn\($0.offset + 1)", $0.element as Module) }
            + blocks.enumerated().map { ("ultimus\($0.offset + 1)", $0.element as Module) }
            + [("fc", fc)]
    }

    public override func forward(_ x: Tensor) -> Tensor {
        var h = x
        for (i, conv) in convs.enumerated() {
            if variant == .bnrelu {
                h = convNormReLU(i, h)
                record("relu\(i + 1)", h)
            } else {
                h = conv(h)
            }
        }
        h = h.mean(axes: [2, 3])
        record("gap", h)
        for block in blocks { h = block(h) }
        return fc(h)
    }

    /// `relu(bn_i(conv_i(x)))`, the bnrelu stage `i`, by the fastest route that keeps the results:
    /// in evaluation without the tape, BatchNorm folded into the convolution's weights and the ReLU
    /// applied in the same pass; otherwise the convolution, then BatchNorm and ReLU as one fused op.
    /// Recording activations or tracing a summary runs the three modules one by one, since those
    /// show each module's own output.
    func convNormReLU(_ i: Int, _ x: Tensor) -> Tensor {
        let (conv, norm) = (convs[i], norms[i])
        if recorder != nil || SummaryTracer.active != nil { return norm(conv(x)).relu() }
        if !norm.isTraining && !Tape.isRecording { return conv.foldedForward(x, norm: norm) }
        return norm.normalizedReLU(conv(x))
    }
}
