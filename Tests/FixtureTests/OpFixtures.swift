import Autograd
import SafeTensorsIO
import Testing

/// Checkers for the op-level fixtures, keyed by `op`. Settings absent from a file take PyTorch's
/// defaults. Values and gradients are compared with rtol 1e-4, atol 1e-5 (float32 tolerance).
let opFixtureCheckers: [String: FixtureChecker] = [
    "conv2d": checkConv2d,
    "linear": checkLinear,
    "softmax": { try checkSoftmax($0, log: false) },
    "log_softmax": { try checkSoftmax($0, log: true) },
    "relu": checkRelu,
    "adaptive_avg_pool2d": checkAdaptiveAvgPool2d,
    "max_pool2d": checkMaxPool2d,
    "cross_entropy": checkCrossEntropy,
    "batch_norm": checkBatchNorm,
]

/// Leaf copies of `names` that require gradients.
private func leaves(_ file: FixtureFile, _ names: [String]) throws -> [Tensor] {
    try names.map { let t = try file.tensor($0); t.requiresGrad = true; return t }
}

/// Runs backward of `output` seeded with the file's `upstream`, then checks `output` and each
/// `grad_<name>` the file holds against the leaves' gradients.
private func checkForwardBackward(_ file: FixtureFile, output: Tensor, inputs: [(String, Tensor)]) throws {
    try file.expectClose(output, "output")
    let upstream = try file.tensor("upstream")
    guard upstream.count == output.count else {
        throw FixtureError(description: "\(file.name): output \(output.shape) cannot take upstream \(upstream.shape); "
                           + "gradients not checked")
    }
    output.backward(upstream.reshaped(output.shape))
    for (name, leaf) in inputs where file.has("grad_" + name) {
        try file.expectClose(leaf.grad, "grad_" + name)
    }
}

/// Throws unless setting `key` is absent or equals `value` (settings this engine does not vary).
private func requireDefault(_ file: FixtureFile, _ key: String, _ value: JSONValue) throws {
    guard let v = try file.setting(key), v != .null else { return }
    let same: Bool
    switch (v, value) {
    case let (.number(a), .number(b)): same = Double(a) == Double(b)
    case let (.array(items), .number(b)): same = items.allSatisfy { $0.doubleValue == Double(b) }
    default: same = v == value
    }
    guard same else { throw file.bad(key, "\(value.serialized) (the only value supported)") }
}

private func checkConv2d(_ file: FixtureFile) throws {
    try file.allowSettings(["stride", "padding", "dilation", "groups", "padding_mode"])
    try requireDefault(file, "dilation", .number("1"))
    try requireDefault(file, "groups", .number("1"))
    try requireDefault(file, "padding_mode", .string("zeros"))
    let x = try leaves(file, ["input"])[0], w = try leaves(file, ["weight"])[0]
    let b = file.has("bias") ? try leaves(file, ["bias"])[0] : nil
    guard w.rank == 4, w.shape[2] == w.shape[3] else {
        throw FixtureError(description: "\(file.name): non-square kernel \(w.shape)")
    }
    let stride = try file.int("stride", default: 1)
    var input = x, padding: Int
    switch try file.setting("padding") {
    case .string("valid")?: padding = 0
    case .string("same")?:
        // PyTorch pads k−1 in all: ⌊(k−1)/2⌋ on each side, the odd one more at the bottom and right.
        padding = (w.shape[2] - 1) / 2
        let extra = w.shape[2] - 1 - 2 * padding
        if extra > 0 { input = x.padded(axis: 2, before: 0, after: extra).padded(axis: 3, before: 0, after: extra) }
    default: padding = try file.int("padding", default: 0)
    }
    let y = conv2d(input, weight: w, bias: b, stride: stride, padding: padding)
    try checkForwardBackward(file, output: y, inputs: [("input", x), ("weight", w)] + (b.map { [("bias", $0)] } ?? []))
}

private func checkLinear(_ file: FixtureFile) throws {
    try file.allowSettings([])
    let x = try leaves(file, ["input"])[0], w = try leaves(file, ["weight"])[0]
    let b = file.has("bias") ? try leaves(file, ["bias"])[0] : nil
    let y = linear(x, weight: w, bias: b)
    try checkForwardBackward(file, output: y, inputs: [("input", x), ("weight", w)] + (b.map { [("bias", $0)] } ?? []))
}

private func checkSoftmax(_ file: FixtureFile, log: Bool) throws {
    try file.allowSettings(["dim"])
    let x = try leaves(file, ["input"])[0]
    let dim = try file.int("dim", default: -1)
    let y = log ? logSoftmax(x, axis: dim) : softmax(x, axis: dim)
    try checkForwardBackward(file, output: y, inputs: [("input", x)])
}

private func checkRelu(_ file: FixtureFile) throws {
    try file.allowSettings(["inplace"])
    let x = try leaves(file, ["input"])[0]
    try checkForwardBackward(file, output: x.relu(), inputs: [("input", x)])
}

/// `output_size`: an integer, or `[oh, ow]` where `null` keeps that input size (PyTorch's `None`).
private func checkAdaptiveAvgPool2d(_ file: FixtureFile) throws {
    try file.allowSettings(["output_size"])
    let x = try leaves(file, ["input"])[0]
    let (h, w) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
    let size: (Int, Int)
    if let items = try file.setting("output_size")?.arrayValue {
        guard items.count == 2 else { throw file.bad("output_size", "an integer or a pair [oh, ow]") }
        func side(_ item: JSONValue, _ input: Int) throws -> Int {
            if item == .null { return input }
            guard let n = item.intValue, n >= 1 else {
                throw file.bad("output_size", "a pair of positive integers or nulls")
            }
            return n
        }
        size = (try side(items[0], h), try side(items[1], w))
    } else {
        let n = try file.int("output_size", default: 1)
        size = (n, n)
    }
    let y = adaptiveAvgPool2d(x, outputHeight: size.0, outputWidth: size.1)
    try checkForwardBackward(file, output: y, inputs: [("input", x)])
}

private func checkMaxPool2d(_ file: FixtureFile) throws {
    try file.allowSettings(["kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices"])
    try requireDefault(file, "dilation", .number("1"))
    try requireDefault(file, "ceil_mode", .bool(false))
    try requireDefault(file, "return_indices", .bool(false))
    guard let kernel = try file.optionalInt("kernel_size") else {
        throw FixtureError(description: "\(file.name): max_pool2d needs kernel_size")
    }
    let x = try leaves(file, ["input"])[0]
    let y = maxPool2d(x, kernelSize: kernel, stride: try file.optionalInt("stride") ?? kernel,
                      padding: try file.int("padding", default: 0))
    try checkForwardBackward(file, output: y, inputs: [("input", x)])
}

private func checkCrossEntropy(_ file: FixtureFile) throws {
    try file.allowSettings(["reduction", "label_smoothing", "ignore_index"])
    try requireDefault(file, "label_smoothing", .number("0"))
    let logits = try leaves(file, ["input"])[0]
    let labels = try file.entry("target").int64s.map(Int.init)
    let ignore = try file.int("ignore_index", default: -100)
    guard !labels.contains(ignore) else {
        throw FixtureError(description: "\(file.name): ignore_index targets are not supported")
    }
    let reduction = try file.string("reduction", default: "mean")
    let loss: Tensor
    switch reduction {
    case "mean": loss = crossEntropy(logits, labels: labels)
    case "sum": loss = crossEntropy(logits, labels: labels) * Float(labels.count)
    case "none":
        let c = logits.shape[1]
        var oneHot = [Float](repeating: 0, count: labels.count * c)
        for (i, label) in labels.enumerated() { oneHot[i * c + label] = -1 }
        loss = (logSoftmax(logits, axis: 1) * Tensor(shape: logits.shape, storage: oneHot)).sum(axes: [1])
    default: throw file.bad("reduction", "mean, sum or none")
    }
    try file.expectClose(loss, "output")
    let upstream = file.has("upstream") ? try file.tensor("upstream").reshaped(loss.shape) : nil
    loss.backward(upstream)
    try file.expectClose(logits.grad, "grad_input")
}

private func checkBatchNorm(_ file: FixtureFile) throws {
    try file.allowSettings(["training", "momentum", "eps"])
    let x = try leaves(file, ["input"])[0]
    let w = file.has("weight") ? try leaves(file, ["weight"])[0] : nil
    let b = file.has("bias") ? try leaves(file, ["bias"])[0] : nil
    let c = x.shape[1]
    let runningMean = Tensor.zeros([c]), runningVar = Tensor.ones([c])
    // momentum=None is PyTorch's cumulative average; after one batch its factor is 1.
    let momentum: Float = try file.isNull("momentum") ? 1 : try file.float("momentum", default: 0.1)
    let y = batchNorm2d(x, weight: w, bias: b, runningMean: runningMean, runningVar: runningVar,
                        training: try file.bool("training", default: true), momentum: momentum,
                        eps: try file.float("eps", default: 1e-5))
    var inputs = [("input", x)]
    if let w { inputs.append(("weight", w)) }
    if let b { inputs.append(("bias", b)) }
    try checkForwardBackward(file, output: y, inputs: inputs)
    if file.has("running_mean") { try file.expectClose(runningMean, "running_mean") }
    if file.has("running_var") { try file.expectClose(runningVar, "running_var") }
}
