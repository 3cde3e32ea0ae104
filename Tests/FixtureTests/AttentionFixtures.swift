import Autograd
import Foundation
import Layers
import Testing

/// Checkers for the token-attention fixtures (`layer_norm`, `gelu`, `multihead_attention`,
/// `transformer_block`, `vit`), keyed by `op`. Every setting is read from the file's metadata;
/// absent settings take PyTorch's defaults, unsupported values fail.
let attentionFixtureCheckers: [String: FixtureChecker] = [
    "layer_norm": checkLayerNorm,
    "gelu": checkGELU,
    "multihead_attention": checkMultiheadAttention,
    "transformer_block": checkTransformerBlock,
    "vit": checkViT,
]

/// Loads the file's tensors under `prefix` + each state key into `module` (marking them read).
private func loadState(_ module: Module, from file: FixtureFile, prefix: String = "") throws {
    try module.load(stateDict: StateDict(try module.stateDict().keys.map { ($0, try file.tensor(prefix + $0)) }))
}

/// Backward of `output` seeded with the file's `upstream`; checks `grad_input` and `grad.` + every parameter.
private func checkBackward(_ file: FixtureFile, _ output: Tensor, input: Tensor, _ module: Module?) throws {
    output.backward(try file.tensor("upstream").reshaped(output.shape))
    try file.expectClose(input.grad, "grad_input")
    for (name, p) in module?.namedParameters() ?? [] { try expectGradient(file, p.grad, name) }
}

/// The key part `[D, 2D)` of an `in_proj_bias` `[3D]`: its true gradient is exactly 0, since adding
/// a constant to every key's score leaves each softmax row unchanged.
func keyBiasRange(_ name: String, _ count: Int) -> Range<Int>? {
    name.hasSuffix("in_proj_bias") ? count / 3 ..< 2 * count / 3 : nil
}

/// Checks the gradient of parameter `name` against `grad.<name>`. On the key bias (true gradient 0)
/// both sides must be rounding noise: within 1e-4 of 0, relative to the largest gradient of the tensor.
private func expectGradient(_ file: FixtureFile, _ grad: Tensor?, _ name: String,
                            rtol: Float = 1e-4, atol: Float = 1e-5) throws {
    guard let grad, let range = keyBiasRange(name, grad.count) else {
        return try file.expectClose(grad, "grad." + name, rtol: rtol, atol: atol)
    }
    let expected = try file.tensor("grad." + name)
    let scale = expected.storage.map(abs).max() ?? 0
    let compared = grad.copy()
    for i in range {
        #expect(max(abs(grad.storage[i]), abs(expected.storage[i])) <= 1e-4 * scale + atol,
                "\(file.name): grad.\(name)[\(i)]: \(grad.storage[i]) vs \(expected.storage[i]) should both be ~0")
        compared.storage[i] = expected.storage[i]
    }
    try file.expectClose(compared, "grad." + name, rtol: rtol, atol: atol)
}

private func geluApproximation(_ file: FixtureFile, _ key: String) throws -> GELUApproximation {
    guard let a = GELUApproximation(rawValue: try file.string(key, default: "none")) else {
        throw file.bad(key, "none or tanh")
    }
    return a
}

private func checkLayerNorm(_ file: FixtureFile) throws {
    try file.allowSettings(["normalized_shape", "eps", "elementwise_affine", "bias"])
    let x = try file.tensor("input")
    x.requiresGrad = true
    let n = try file.int("normalized_shape", default: x.shape.last ?? 0)
    guard n == x.shape.last else { throw file.bad("normalized_shape", "the input's last axis \(x.shape)") }
    let eps = try file.float("eps", default: 1e-5)
    let affine = try file.bool("elementwise_affine", default: true)
    let norm = LayerNorm(n, eps: eps)
    let weight = affine ? norm.weight : nil
    let hasBias = try file.bool("bias", default: true)
    let bias = affine && hasBias ? norm.bias : nil
    if let weight { weight.storage = try file.tensor("weight").storage }
    if let bias { bias.storage = try file.tensor("bias").storage }
    let y = layerNorm(x, weight: weight, bias: bias, eps: eps)
    try file.expectClose(y, "output")
    y.backward(try file.tensor("upstream"))
    try file.expectClose(x.grad, "grad_input")
    if let weight { try file.expectClose(weight.grad, "grad.weight") }
    if let bias { try file.expectClose(bias.grad, "grad.bias") }
}

private func checkGELU(_ file: FixtureFile) throws {
    try file.allowSettings(["approximate"])
    let x = try file.tensor("input")
    x.requiresGrad = true
    let y = gelu(x, approximate: try geluApproximation(file, "approximate"))
    try file.expectClose(y, "output")
    try checkBackward(file, y, input: x, nil)
}

private func checkMultiheadAttention(_ file: FixtureFile) throws {
    try file.allowSettings(["embed_dim", "num_heads", "batch_first", "dropout", "bias"])
    guard try file.float("dropout", default: 0) == 0 else { throw file.bad("dropout", "0") }
    guard try file.bool("bias", default: true) else { throw file.bad("bias", "true") }
    let batchFirst = try file.bool("batch_first", default: true)
    let x = try file.tensor("input")
    x.requiresGrad = true
    let d = try file.int("embed_dim", default: x.shape.last ?? 0)
    var g = SeededGenerator(seed: 0)
    let attention = try MultiheadAttention(embedDim: d, numHeads: try file.int("num_heads", default: 1), generator: &g)
    try loadState(attention, from: file)
    let tokens = batchFirst ? x : x.permuted([1, 0, 2])
    let (out, maps) = attention.attend(tokens)
    let y = batchFirst ? out : out.permuted([1, 0, 2])
    try file.expectClose(y, "output")
    try file.expectClose(maps, "attention")
    try checkBackward(file, y, input: x, attention)
}

private func checkTransformerBlock(_ file: FixtureFile) throws {
    try file.allowSettings(["d_model", "nhead", "dim_feedforward", "activation", "norm_first", "dropout",
                            "layer_norm_eps", "batch_first", "approximate"])
    guard try file.bool("norm_first", default: false) else { throw file.bad("norm_first", "true (pre-norm)") }
    guard try file.float("dropout", default: 0.1) == 0 else { throw file.bad("dropout", "0") }
    guard try file.string("activation", default: "relu") == "gelu" else { throw file.bad("activation", "gelu") }
    let batchFirst = try file.bool("batch_first", default: true)
    let x = try file.tensor("input")
    x.requiresGrad = true
    var g = SeededGenerator(seed: 0)
    let block = try TransformerEncoderLayer(
        dModel: try file.int("d_model", default: x.shape.last ?? 0), nhead: try file.int("nhead", default: 1),
        dimFeedforward: try file.int("dim_feedforward", default: 2048),
        layerNormEps: try file.float("layer_norm_eps", default: 1e-5),
        activation: try geluApproximation(file, "approximate"), generator: &g)
    try loadState(block, from: file)
    let out = block(batchFirst ? x : x.permuted([1, 0, 2]))
    let y = batchFirst ? out : out.permuted([1, 0, 2])
    try file.expectClose(y, "output")
    try checkBackward(file, y, input: x, block)
}

/// The model settings of a `vit` file, PyTorch's (torch_vit.py's) defaults where absent.
private func vitConfig(_ file: FixtureFile) throws -> ViTConfig {
    var c = ViTConfig()
    c.patch = try file.int("patch", default: 4)
    c.dim = try file.int("dim", default: 64)
    c.depth = try file.int("depth", default: 4)
    c.heads = try file.int("heads", default: 4)
    c.mlpRatio = try file.int("mlp_ratio", default: 2)
    c.classes = try file.int("classes", default: 10)
    c.image = try file.int("image", default: 32)
    c.channels = try file.int("channels", default: 3)
    c.layerNormEps = try file.float("layer_norm_eps", default: 1e-5)
    c.activation = try geluApproximation(file, "approximate")
    guard let pool = ViTConfig.Pool(rawValue: try file.string("pool", default: "cls")) else {
        throw file.bad("pool", "cls or mean")
    }
    c.pool = pool
    return c
}

/// The residual weight of the file's `rollout` description (`A = 0.5*A + 0.5*I`); 0.5 when absent.
private func rolloutResidual(_ file: FixtureFile) throws -> Double {
    let text = try file.string("rollout", default: "A = 0.5*A + 0.5*I").replacingOccurrences(of: " ", with: "")
    guard let range = text.range(of: #"A=[0-9.]+\*A"#, options: .regularExpression),
          let value = Double(text[range].dropFirst(2).dropLast(2)) else {
        throw file.bad("rollout", "a description with 'A = r*A + (1-r)*I'")
    }
    return value
}

/// A whole ViT from the file's initial state: logits, loss, every gradient, per-block attention maps and
/// rollout, then the state after three AdamW (or Adam) steps under OneCycleLR.
private func checkViT(_ file: FixtureFile) throws {
    let model = ["patch", "dim", "depth", "heads", "mlp_ratio", "pool", "classes", "image", "channels",
                 "layer_norm_eps", "approximate"]
    try file.allowSettings(model + ["loss", "optimizer", "schedule", "rollout"] + OptimizerKind.adam.settings
                           + oneCycleSettings)
    guard try file.string("loss", default: "cross_entropy") == "cross_entropy" else {
        throw file.bad("loss", "cross_entropy")
    }
    guard try file.string("schedule", default: "onecycle") == "onecycle" else { throw file.bad("schedule", "onecycle") }
    let kinds: [String: OptimizerKind] = ["adam": .adam, "adamw": .adamw]
    guard let kind = kinds[try file.string("optimizer", default: "adamw")] else {
        throw file.bad("optimizer", "adam or adamw")
    }
    var g = SeededGenerator(seed: 0)
    let vit = try ViT(try vitConfig(file), generator: &g)
    try loadState(vit, from: file, prefix: "state.")
    let images = try file.tensor("images")
    let labels = try file.entry("labels").int64s.map { Int($0) }
    vit.train()

    let (maps, _) = vit.attentionMaps(images)
    for (i, map) in maps.enumerated() { try file.expectClose(map, "attention.blocks.\(i)") }
    try file.expectClose(attentionRollout(maps, residual: try rolloutResidual(file)), "rollout")
    let logits = vit(images)
    try file.expectClose(logits, "logits")
    let loss = crossEntropy(logits, labels: labels)
    try file.expectClose(loss, "loss")
    loss.backward()
    for (name, p) in vit.namedParameters() { try expectGradient(file, p.grad, name, rtol: 1e-3, atol: 1e-6) }
    try checkAfterThreeSteps(file, vit, images: images, labels: labels,
                             optimizer: try kind.make(vit.parameters(), file),
                             noise: { key in keyBiasRange(key, vit.config.dim * 3) })
}
