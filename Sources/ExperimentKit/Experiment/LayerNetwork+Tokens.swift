import Layers

/// The token layers of a network built layer by layer into a ViT: `layer patches`, `layer block`,
/// `layer norm`, `layer pool`. Tokens flow as `[T, D]` per image; the keys come out as ``ViT``'s
/// (`cls_token`, `pos_embed`, `patch_embed.*`, `blocks.N.*`, `norm.*`, `head.*`) with the default names.
extension LayerNetwork {
    /// Whether a layer name is a list entry such as `blocks.0`, the one dotted form allowed (as
    /// PyTorch's `ModuleList` names its items).
    static func isListEntry(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[0].allSatisfy { $0.isLetter || $0 == "_" }
            && !parts[1].isEmpty && parts[1].allSatisfy(\.isASCII) && parts[1].allSatisfy(\.isNumber)
    }

    /// The default name of a token layer, `nil` for other kinds: `embed`, `blocks.N` (the first free
    /// N), `norm`, `pool`, and `head` for a linear layer right after a token pool.
    func tokenLayerName(kind: LayerKind) -> String? {
        func free(_ name: String) -> Bool { !layers.contains { $0.name == name } }
        switch kind {
        case .block: return (0...).lazy.map { "blocks.\($0)" }.first(where: free)
        case .patches, .norm, .pool:
            let stem = kind == .patches ? "embed" : kind.rawValue
            return free(stem) ? stem : nil
        case .linear: return layers.last?.module is TokenPool && free("head") ? "head" : nil
        default: return nil
        }
    }

    /// Whether the layers hold a patch embedding with a class token.
    var hasClassToken: Bool { layers.contains { ($0.module as? PatchEmbedding)?.clsToken != nil } }

    /// A token layer for `spec` after `input`.
    /// - Parameter classToken: whether an earlier layer prepends a class token.
    static func makeTokenLayer(_ spec: LayerSpec, input: [Int], classToken: Bool, checkWeights: (Int) throws -> Void,
                               generator: inout SeededGenerator) throws -> (Module, [Int]) {
        func requireTokens() throws {
            guard input.count == 2 else {
                throw ShapeError("layer \(spec.kind.rawValue) needs tokens [T, D] but the previous layer gives "
                                 + "\(input); "
                                 + "start with 'layer patches'")
            }
        }
        switch spec.kind {
        case .patches: return try patches(spec, input: input, checkWeights: checkWeights, generator: &generator)
        case .block:
            try requireTokens()
            let d = input[1], heads = spec.int("heads"), ratio = spec.int("mlp_ratio")
            if spec.settings["dim"] != nil, spec.int("dim", d) != d {
                throw ShapeError("layer \(spec.name): dim=\(spec.int("dim", d)) does not match the tokens' \(d) "
                                 + "features; "
                                 + "leave dim= out (it follows the previous layer)")
            }
            try checkWeights(4 * d * d + 2 * d * d * ratio)
            let block = try TransformerEncoderLayer(dModel: d, nhead: heads, dimFeedforward: d * ratio,
                                                    generator: &generator)
            return (block, input)
        case .norm:
            guard let d = input.last, input.count <= 2 else {
                throw ShapeError("layer norm needs tokens [T, D] or features [D] but the previous layer gives \(input)")
            }
            return (LayerNorm(d, eps: Float(spec.double("eps"))), input)
        case .pool:
            try requireTokens()
            let mean = spec.double("mean") != 0
            guard mean || classToken else {
                throw ShapeError("layer pool mode=cls reads the class token, but the tokens have none; "
                                 + "use mode=mean, or 'layer patches cls=true'")
            }
            return (TokenPool(mean ? .mean : .cls), [input[1]])
        default:
            throw ShapeError("layer \(spec.kind.rawValue) is not a token layer")
        }
    }

    /// `layer patches patch=P dim=D cls=true|false`: images `[C, S, S]` to `[(S/P)² (+1), D]`.
    static func patches(_ spec: LayerSpec, input: [Int], checkWeights: (Int) throws -> Void,
                        generator: inout SeededGenerator) throws -> (Module, [Int]) {
        guard input.count == 3 else {
            throw ShapeError("layer patches needs images [C, H, W] but the previous layer gives \(input); put it first")
        }
        let patch = spec.int("patch"), dim = spec.int("dim"), cls = spec.double("cls") != 0
        guard input[1] == input[2], input[1] % patch == 0 else {
            throw ShapeError("image size \(input[1])×\(input[2]) is not divisible by patch \(patch): "
                             + "patches must tile "
                             + "the image; choose a patch that divides \(input[1])")
        }
        let grid = input[1] / patch, tokens = grid * grid + (cls ? 1 : 0)
        try checkWeights(dim * (input[0] * patch * patch + 1) + tokens * dim + (cls ? dim : 0))
        let embed = PatchEmbedding(channels: input[0], dim: dim, patch: patch, grid: grid, classToken: cls,
                                   generator: &generator)
        return (embed, [tokens, dim])
    }
}
