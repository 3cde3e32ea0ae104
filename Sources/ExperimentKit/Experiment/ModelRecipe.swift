import Layers

/// How the current model was built, so that it can be rebuilt (before loading saved weights) and
/// described: `model ultimus variant= attention=`, `model vit ...`, or `model new` followed by `layer ...` lines.
public enum ModelRecipe: Codable, Equatable, Sendable {
    /// UltimusNet; `classes` is the head's size when an image folder set it (`nil`: 10, as CIFAR-10).
    case ultimus(variant: UltimusNet.Variant, attention: AttentionMode, classes: Int? = nil)
    case layers([LayerSpec])
    case vit(ViTRecipe)

    /// The commands that build it.
    public var commands: [String] {
        switch self {
        case .ultimus(let variant, let attention, let classes):
            return ["model ultimus variant=\(variant.rawValue) attention=\(attention.rawValue)"
                        + (classes.map { " classes=\($0)" } ?? "")]
        case .layers(let specs): return ["model new"] + specs.map(\.command)
        case .vit(let r): return ["model vit " + r.arguments]
        }
    }

    /// Builds the network, drawing initial weights from `generator`.
    /// - Throws: ``ShapeError`` when a layer does not fit its input.
    /// - Parameter maxWeights: most weights the whole model may have (a file's tensors); a layer
    ///   that would pass it is refused before it is allocated.
    public func build(generator: inout SeededGenerator, maxWeights: Int = .max) throws -> Module {
        switch self {
        case .ultimus(let variant, let attention, let classes):
            if let classes, !(2...1000).contains(classes) { throw ShapeError("classes=\(classes) is outside 2...1000") }
            return UltimusNet(variant: variant, attention: attention, classes: classes ?? 10, generator: &generator)
        case .vit(let r):
            return try ViT(try r.config(), generator: &generator)
        case .layers(let specs):
            let net = LayerNetwork()
            net.weightBudget = maxWeights
            for spec in specs { try net.append(spec, generator: &generator) }
            // The budget guards building from a file only; layers added or rebuilt later have none.
            net.weightBudget = .max
            return net
        }
    }
}

/// The settings of `model vit` as typed (checked when the model is built).
public struct ViTRecipe: Codable, Equatable, Sendable {
    public var patch = 4, dim = 64, depth = 4, heads = 4, mlpRatio = 2
    public var pool = ViTConfig.Pool.cls
    /// Classes and image side taken from an image folder loaded before the model (`nil`: 10 and 32).
    public var classes: Int?, image: Int?

    public init() {}

    /// `patch=4 dim=64 depth=4 heads=4 mlp_ratio=2 pool=cls` (then `classes=` and `image=` when set).
    public var arguments: String {
        "patch=\(patch) dim=\(dim) depth=\(depth) heads=\(heads) mlp_ratio=\(mlpRatio) pool=\(pool.rawValue)"
            + (classes.map { " classes=\($0)" } ?? "") + (image.map { " image=\($0)" } ?? "")
    }

    /// The model's settings.
    /// - Throws: ``ShapeError`` naming the rule a setting breaks.
    public func config() throws -> ViTConfig {
        let sizes = [("dim", dim, 1024), ("depth", depth, 32), ("heads", heads, 64), ("mlp_ratio", mlpRatio, 16),
                     ("classes", classes ?? 10, 1000), ("image", image ?? 32, 512)]
        for (name, value, top) in sizes where value > top {
            throw ShapeError("\(name)=\(value) is larger than \(top)")
        }
        var c = ViTConfig()
        (c.patch, c.dim, c.depth, c.heads, c.mlpRatio, c.pool) = (patch, dim, depth, heads, mlpRatio, pool)
        (c.classes, c.image) = (classes ?? c.classes, image ?? c.image)
        try c.validate()
        return c
    }
}

/// A network built layer by layer (`model new`, `layer ...`): children run in order under the names
/// they were given, so state-dict keys read `conv1.weight`, `fc.bias`.
public final class LayerNetwork: Module {
    public private(set) var layers: [(name: String, module: Module)] = []
    /// The output shape of one image after the last layer (`[3, 32, 32]` before any layer).
    public private(set) var outputShape: [Int] = [3, 32, 32]
    /// The input shape of each layer, for taking layers away.
    private var inputShapes: [[Int]] = []
    /// Most weights the network may reach (a session file's tensors); layers beyond it are refused.
    var weightBudget = Int.max
    private var weightsUsed = 0

    public override init() {}

    public override var typeName: String { "Network" }
    /// A patch embedding's keys sit at the top (`cls_token`, `pos_embed`, `patch_embed.*`), as in ``ViT``.
    public override var localParameters: [(String, Tensor)] {
        layers.flatMap { ($0.module as? PatchEmbedding)?.localParameters ?? [] }
    }
    public override var children: [(String, Module)] {
        layers.flatMap { $0.module is PatchEmbedding ? $0.module.children : [($0.name, $0.module)] }
    }

    public override func forward(_ x: Tensor) -> Tensor {
        layers.reduce(x) { $1.module($0) }
    }

    public override func validateInput(shape: [Int]) throws {
        guard shape.count == 4, Array(shape.dropFirst()) == [3, 32, 32] else {
            throw ShapeError("the network expects images [N, 3, 32, 32], got \(shape)")
        }
    }

    /// Default name for the next layer of `kind`: conv1, bn1, relu1, drop1, pool1, gap1, flatten1, fc1, ultimus1.
    /// Token layers: embed, blocks.0, blocks.1, ..., norm, pool, and head after a pool.
    public func defaultName(kind: LayerKind) -> String {
        if let name = tokenLayerName(kind: kind) { return name }
        var i = 1
        while layers.contains(where: { $0.name == "\(kind.stem)\(i)" }) { i += 1 }
        return "\(kind.stem)\(i)"
    }

    /// Appends a layer, inferring its input size from the previous one.
    /// - Throws: ``ShapeError`` when it cannot follow the current output (a conv after flatten...).
    public func append(_ spec: LayerSpec, generator: inout SeededGenerator) throws {
        guard !layers.contains(where: { $0.name == spec.name }) else {
            throw ShapeError("the network already has a layer called '\(spec.name)'; give another name=")
        }
        guard !spec.name.isEmpty, !spec.name.contains(".") || Self.isListEntry(spec.name) else {
            throw ShapeError("layer name '\(spec.name)' must be non-empty and without dots (except a list entry such "
                             + "as blocks.0)")
        }
        let (module, shape) = try Self.make(spec, input: outputShape, budget: weightBudget - weightsUsed,
                                            classToken: hasClassToken, generator: &generator)
        weightsUsed += module.parameterCount
        module.train(isTraining)
        layers.append((spec.name, module))
        inputShapes.append(outputShape)
        outputShape = shape
    }

    /// Drops the layers from `index` on (the output shape goes back to that layer's input).
    public func truncate(to index: Int) {
        guard index < layers.count else { return }
        outputShape = inputShapes[index]
        layers.removeSubrange(index...)
        inputShapes.removeSubrange(index...)
    }

    /// Whether `specs` can follow the layers before `index` (shapes fit, names are free).
    func canRebuild(_ specs: [LayerSpec], after index: Int) throws {
        var shape = index < inputShapes.count ? inputShapes[index] : outputShape
        var names = Set(layers.prefix(index).map(\.name))
        var scratch = SeededGenerator(seed: 0)
        var classToken = layers.prefix(index).contains { ($0.module as? PatchEmbedding)?.clsToken != nil }
        for spec in specs {
            guard names.insert(spec.name).inserted else {
                throw ShapeError("the network already has a layer called '\(spec.name)'")
            }
            let module: Module
            (module, shape) = try Self.make(spec, input: shape, classToken: classToken, generator: &scratch)
            classToken = classToken || (module as? PatchEmbedding)?.clsToken != nil
        }
    }

    /// Largest channel or feature count of a layer, and largest weight count of one layer: a typo
    /// (`out=1000000`) or a damaged session file fails instead of allocating gigabytes.
    static let maxWidth = 65_536
    static let maxLayerWeights = 64_000_000

    /// Checks the numeric settings of `spec` against their ranges (the `layer` command's, for
    /// settings read back from files).
    static func checkSettings(_ spec: LayerSpec) throws {
        let ranges: [String: ClosedRange<Int>] = [
            "out": 1...maxWidth, "kernel": 1...15, "stride": 1...8, "padding": 0...8,
            "dim": 1...4096, "patch": 1...32, "heads": 1...64, "mlp_ratio": 1...16,
        ]
        for (key, range) in ranges where spec.settings[key] != nil {
            let v = spec.int(key, 0)
            guard range.contains(v) else {
                let given = spec.settings[key]!
                let shown = given == given.rounded() && abs(given) < 1e18 ? String(Int64(given)) : "\(given)"
                throw ShapeError("layer \(spec.name): "
                                 + "\(key)=\(shown) is outside \(range.lowerBound)...\(range.upperBound)")
            }
        }
        for key in ["p", "momentum", "eps"] {
            if let v = spec.settings[key], !v.isFinite || v < 0 || (key != "eps" && v >= 1) {
                throw ShapeError("layer \(spec.name): \(key)=\(v) is out of range")
            }
        }
    }

    static func make(_ spec: LayerSpec, input: [Int], budget: Int = .max, classToken: Bool = false,
                     generator: inout SeededGenerator) throws -> (Module, [Int]) {
        try checkSettings(spec)
        func checkWeights(_ count: Int) throws {
            guard count <= budget else {
                throw ShapeError("layer \(spec.name) needs \(count) weights but the file holds only \(max(0, budget)) "
                                 + "more")
            }
            guard count <= maxLayerWeights else {
                throw ShapeError("layer \(spec.name) would have \(count) weights (at most \(maxLayerWeights)); "
                                 + "use a smaller out=")
            }
        }
        let spatial = input.count == 3
        func requireSpatial() throws {
            guard spatial else {
                throw ShapeError("layer \(spec.kind.rawValue) needs images [C, H, W] but the previous layer gives "
                                 + "\(input); put it before gap/flatten")
            }
        }
        func requireFlat() throws {
            guard input.count == 1 else {
                throw ShapeError("layer \(spec.kind.rawValue) needs features [N] but the previous layer gives "
                                 + "\(input); add 'layer gap' or 'layer flatten' first")
            }
        }
        switch spec.kind {
        case .conv:
            try requireSpatial()
            let out = spec.int("out"), k = spec.int("kernel"), s = spec.int("stride"), p = spec.int("padding")
            let h = (input[1] + 2 * p - k) / s + 1, w = (input[2] + 2 * p - k) / s + 1
            guard input[1] + 2 * p >= k, input[2] + 2 * p >= k, h > 0, w > 0 else {
                throw ShapeError("conv kernel \(k) does not fit the \(input[1])×\(input[2]) input with padding \(p)")
            }
            try checkWeights(out * input[0] * k * k)
            // Activations of one image: out × h × w floats (a batch of 512 must fit in memory).
            guard out * h * w <= 1_048_576 else {
                throw ShapeError("layer \(spec.name) would output \(out)×\(h)×\(w) values per image (at most "
                                 + "1,048,576); use a smaller out= or a stride")
            }
            let conv = Conv2d(inChannels: input[0], outChannels: out, kernelSize: k, stride: s, padding: p,
                              bias: spec.double("bias") != 0, generator: &generator)
            return (conv, [out, h, w])
        case .bn:
            try requireSpatial()
            return (BatchNorm2d(input[0], eps: Float(spec.double("eps")), momentum: Float(spec.double("momentum"))),
                    input)
        case .relu:
            return (ReLU(), input)
        case .dropout:
            return (Dropout(p: Float(spec.double("p")), seed: generator.next()), input)
        case .maxpool:
            try requireSpatial()
            let k = spec.int("kernel"), s = spec.int("stride", k)
            guard input[1] >= k, input[2] >= k else {
                throw ShapeError("maxpool window \(k) is larger than the \(input[1])×\(input[2]) input")
            }
            return (MaxPool2d(kernelSize: k, stride: s), [input[0], (input[1] - k) / s + 1, (input[2] - k) / s + 1])
        case .gap:
            try requireSpatial()
            return (GlobalAvgPool(), [input[0]])
        case .flatten:
            return (Flatten(), [input.reduce(1, *)])
        case .linear:
            try requireFlat()
            let out = spec.int("out")
            try checkWeights(out * input[0])
            let linear = Linear(inputFeatures: input[0], outputFeatures: out, bias: spec.double("bias") != 0,
                                generator: &generator)
            return (linear, [out])
        case .ultimus:
            try requireFlat()
            try checkWeights(3 * spec.int("dim") * input[0])
            return (Ultimus(dModel: input[0], heads: spec.int("dim"), attention: .sample, generator: &generator), input)
        case .patches, .block, .norm, .pool:
            return try makeTokenLayer(spec, input: input, classToken: classToken, checkWeights: checkWeights,
                                      generator: &generator)
        }
    }
}
