/// The settings of a ``ViT``: `model vit [patch=4] [dim=64] [depth=4] [heads=4] [mlp_ratio=2] [pool=cls]`.
public struct ViTConfig: Equatable, Sendable {
    /// How the head reads the tokens: the class token (token 0) or the mean of all tokens.
    public enum Pool: String, Codable, Sendable, CaseIterable { case cls, mean }

    public var patch = 4, dim = 64, depth = 4, heads = 4, mlpRatio = 2
    public var pool = Pool.cls
    public var classes = 10, image = 32, channels = 3
    public var layerNormEps: Float = 1e-5
    public var activation = GELUApproximation.none

    public init() {}

    /// Patches per side, `image / patch`.
    public var grid: Int { image / patch }
    /// Tokens per image: the patches, plus the class token with `pool = cls`.
    public var tokens: Int { grid * grid + (pool == .cls ? 1 : 0) }

    /// Checks the rules the model needs, each as one line naming it.
    public func validate() throws {
        let sizes = [("patch", patch), ("dim", dim), ("heads", heads), ("mlp_ratio", mlpRatio), ("classes", classes)]
        for (name, value) in sizes
        where value < 1 {
            throw ShapeError("\(name)=\(value) must be at least 1")
        }
        guard depth >= 0 else { throw ShapeError("depth=\(depth) must be 0 or more") }
        guard image % patch == 0 else {
            throw ShapeError("image size \(image) is not divisible by patch \(patch): patches must tile the image; "
                             + "choose a patch that divides \(image) (1, 2, 4, 8, 16, 32)")
        }
        guard dim % heads == 0 else {
            throw ShapeError("dim \(dim) is not divisible by heads \(heads): each head takes dim/heads features; "
                             + "choose heads that divide dim")
        }
    }
}

/// A small Vision Transformer equal to `ViT` in `bench/torch_vit.py` (stock PyTorch modules):
///
///     patch_embed = Conv2d(3, dim, patch, stride=patch)   # tokens [B, T, dim] (flatten, transpose)
///     cls_token   = [1, 1, dim] (pool = cls only; token 0)  pos_embed = [1, T, dim]
///     blocks.N    = TransformerEncoderLayer(dim, heads, dim·mlp_ratio), pre-norm, GELU
///     norm        = LayerNorm(dim);  head = Linear(dim, classes) on token 0 or the token mean
///
/// Images `[B, 3, 32, 32]` in, logits `[B, classes]` out. Initialised as PyTorch: Conv2d and Linear
/// kaiming-uniform, cls_token 0, pos_embed N(0, 0.02²), attention as ``MultiheadAttention``.
public final class ViT: Module {
    public let config: ViTConfig
    public let patchEmbed: Conv2d
    public let clsToken: Tensor?
    public let posEmbed: Tensor
    public let norm: LayerNorm
    public let head: Linear
    private let blockList: ModuleList

    /// - Throws: ``ShapeError`` naming the rule a setting breaks.
    public init(_ config: ViTConfig = ViTConfig(), generator: inout SeededGenerator) throws {
        try config.validate()
        self.config = config
        let d = config.dim
        patchEmbed = Conv2d(inChannels: config.channels, outChannels: d, kernelSize: config.patch, stride: config.patch,
                            generator: &generator)
        clsToken = config.pool == .cls ? Tensor.zeros([1, 1, d], requiresGrad: true) : nil
        posEmbed = Tensor.randn([1, config.tokens, d], using: &generator) * 0.02
        posEmbed.requiresGrad = true
        let blocks = try (0..<config.depth).map { _ in
            try TransformerEncoderLayer(dModel: d, nhead: config.heads, dimFeedforward: d * config.mlpRatio,
                                        layerNormEps: config.layerNormEps, activation: config.activation,
                                        generator: &generator)
        }
        blockList = ModuleList(blocks)
        norm = LayerNorm(d, eps: config.layerNormEps)
        head = Linear(inputFeatures: d, outputFeatures: config.classes, generator: &generator)
    }

    /// The transformer blocks, `blocks.0` first.
    public var blocks: [TransformerEncoderLayer] { blockList.modules.map { $0 as! TransformerEncoderLayer } }

    public override var typeName: String { "ViT" }
    public override var localParameters: [(String, Tensor)] {
        (clsToken.map { [("cls_token", $0)] } ?? []) + [("pos_embed", posEmbed)]
    }
    public override var children: [(String, Module)] {
        [("patch_embed", patchEmbed), ("blocks", blockList), ("norm", norm), ("head", head)]
    }

    public override func validateInput(shape: [Int]) throws {
        let (c, s) = (config.channels, config.image)
        guard shape.count == 4, shape[1] == c, shape[2] == s, shape[3] == s else {
            throw ShapeError("ViT expects images [N, \(c), \(s), \(s)], got \(shape); the position embedding is "
                             + "learned for \(config.tokens) tokens of \(s)×\(s) images")
        }
    }

    /// Patch tokens, the class token first (pool = cls), plus the position embedding: `[B, T, dim]`.
    public func tokens(_ x: Tensor) -> Tensor {
        PatchEmbedding.tokens(x, patchEmbed: patchEmbed, clsToken: clsToken, posEmbed: posEmbed)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        classify(blocks.reduce(tokens(x)) { $1($0) })
    }

    /// The head on the final norm of the tokens: token 0 (cls) or the mean over tokens.
    func classify(_ h: Tensor) -> Tensor {
        let n = norm(h)
        let pooled = TokenPool.pooled(n, config.pool)
        record("pool", pooled)
        return head(pooled)
    }

    /// Per block, the attention maps `[B, heads, T, T]` of one forward over `x` (each block's map from
    /// its `norm1` input), and the logits. No gradients are recorded.
    public func attentionMaps(_ x: Tensor) -> (maps: [Tensor], logits: Tensor) {
        noGrad {
            var h = tokens(x)
            var maps: [Tensor] = []
            for block in blocks {
                let (y, a) = block.attend(h)
                maps.append(a)
                h = y
            }
            return (maps, classify(h))
        }
    }
}
