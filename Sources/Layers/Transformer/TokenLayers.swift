/// Image to tokens, the first layer of a ViT built layer by layer (`layer patches`):
///
///     patch_embed = Conv2d(channels, dim, patch, stride=patch)   # [B, dim, g, g] → [B, g², dim]
///     cls_token   = [1, 1, dim] prepended as token 0 (with a class token)
///     pos_embed   = [1, T, dim] added to every image's tokens
///
/// Images `[B, C, H, W]` in, tokens `[B, T, dim]` out. Its keys sit at the top of a network's state
/// dict, as in ``ViT``: `cls_token`, `pos_embed`, `patch_embed.weight`, `patch_embed.bias`. Weights
/// are drawn in ``ViT``'s order: the convolution, then `pos_embed` ~ N(0, 0.02²); `cls_token` starts at 0.
public final class PatchEmbedding: Module {
    public let patchEmbed: Conv2d
    public let clsToken: Tensor?
    public let posEmbed: Tensor

    /// - Parameters:
    ///   - grid: patches per side (image side / patch).
    ///   - classToken: whether token 0 is a learned class token.
    public init(channels: Int, dim: Int, patch: Int, grid: Int, classToken: Bool,
                generator: inout SeededGenerator) {
        patchEmbed = Conv2d(inChannels: channels, outChannels: dim, kernelSize: patch, stride: patch,
                            generator: &generator)
        clsToken = classToken ? Tensor.zeros([1, 1, dim], requiresGrad: true) : nil
        posEmbed = Tensor.randn([1, grid * grid + (classToken ? 1 : 0), dim], using: &generator) * 0.02
        posEmbed.requiresGrad = true
    }

    public override var typeName: String { "PatchEmbedding" }
    public override var localParameters: [(String, Tensor)] {
        (clsToken.map { [("cls_token", $0)] } ?? []) + [("pos_embed", posEmbed)]
    }
    public override var children: [(String, Module)] { [("patch_embed", patchEmbed)] }

    public override func forward(_ x: Tensor) -> Tensor {
        Self.tokens(x, patchEmbed: patchEmbed, clsToken: clsToken, posEmbed: posEmbed)
    }

    /// Patch tokens, the class token first when there is one, plus the position embedding: `[B, T, dim]`.
    static func tokens(_ x: Tensor, patchEmbed: Conv2d, clsToken: Tensor?, posEmbed: Tensor) -> Tensor {
        let p = patchEmbed(x)
        let (b, d) = (p.shape[0], p.shape[1])
        var t = p.reshaped([b, d, p.shape[2] * p.shape[3]]).permuted([0, 2, 1])
        if let clsToken { t = Tensor.concat([clsToken.expanded(to: [b, 1, d]), t], axis: 1) }
        return t + posEmbed
    }
}

/// Tokens `[B, T, D]` to one vector per image `[B, D]` for the classifier (`layer pool`): token 0
/// (the class token) or the mean over the tokens, as ``ViT``'s `pool=cls|mean`. No parameters.
public final class TokenPool: Module {
    public let pool: ViTConfig.Pool

    public init(_ pool: ViTConfig.Pool) { self.pool = pool }

    public override var typeName: String { "TokenPool" }

    public override func forward(_ x: Tensor) -> Tensor { Self.pooled(x, pool) }

    static func pooled(_ x: Tensor, _ pool: ViTConfig.Pool) -> Tensor {
        pool == .cls ? x.slice(axis: 1, range: 0..<1).squeezed(axis: 1) : x.mean(axes: [1])
    }
}
