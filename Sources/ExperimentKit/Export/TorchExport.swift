import Autograd
import Foundation
import Layers

/// Writes a session as a runnable PyTorch script (`export torch PATH.py`): the same model with the
/// same parameter names, its weights in a safetensors file beside the script, the optimizer, the
/// schedule, the augmentation and the number of epochs. The script checks at start-up that its
/// model's `state_dict()` names and shapes are the ones it declares in `PARAMETERS`.
public enum TorchExport {
    /// What was written.
    public struct Written: Equatable {
        public var script: String
        public var weights: String
        public var data: String?
        public var parameters: [(name: String, shape: [Int])]

        public static func == (a: Written, b: Written) -> Bool {
            a.script == b.script && a.weights == b.weights && a.data == b.data
                && a.parameters.map(\.name) == b.parameters.map(\.name)
                && a.parameters.map(\.shape) == b.parameters.map(\.shape)
        }
    }

    /// The files `write` makes for a script at `path`, script first.
    public static func files(for spec: TorchExportSpec, path: String) -> [String] {
        let base = String(path.dropLast(3))
        var files = [path, base + ".safetensors"]
        if case .embedded = spec.data { files.append(base + ".data.safetensors") }
        if let saved = spec.optimizerState, !saved.isEmpty { files.append(base + ".optim.safetensors") }
        return files
    }

    /// Writes `path` (the script), `NAME.safetensors` (the state dict of `model`), for embedded
    /// data `NAME.data.safetensors`, and for an optimizer state `NAME.optim.safetensors`, each atomically.
    /// - Throws: file errors; ``InspectionError`` when `path` does not end in `.py`.
    @discardableResult
    public static func write(_ spec: TorchExportSpec, model: Module, to path: String) throws -> Written {
        guard path.hasSuffix(".py") else {
            throw InspectionError("'\(path)' should end in .py; name the script like runs/train.py")
        }
        let base = String(path.dropLast(3))
        try AtomicWriter.makeFolders(PathName.folder(of: path), for: path)
        let weightsPath = base + ".safetensors"
        let state = model.stateDict()
        let entries: [SafeTensorsEntry] = state.keys.map { key in
            switch state[key]! {
            case .float32(let t): return SafeTensorsEntry(name: key, tensor: t)
            case .int64(let shape, let values): return SafeTensorsEntry(name: key, int64s: values, shape: shape)
            }
        }
        try SafeTensors.write(entries,
                              metadata: ["format": "pt", "variant": spec.variant, "weights": spec.weightsLabel],
                              to: weightsPath)
        var dataPath: String?
        if case let .embedded(train, test, height, width) = spec.data {
            let file = base + ".data.safetensors"
            try SafeTensors.write([
                SafeTensorsEntry(name: "train.images", dtype: .u8, shape: [train.labels.count, 3, height, width],
                                 bytes: train.images),
                SafeTensorsEntry(name: "train.labels", int64s: train.labels.map(Int64.init),
                                 shape: [train.labels.count]),
                SafeTensorsEntry(name: "test.images", dtype: .u8, shape: [test.labels.count, 3, height, width],
                                 bytes: test.images),
                SafeTensorsEntry(name: "test.labels", int64s: test.labels.map(Int64.init), shape: [test.labels.count]),
            ], metadata: ["classes": spec.classNames.joined(separator: ",")], to: file)
            dataPath = file
        }
        var optimizerPath: String?
        if let saved = spec.optimizerState, !saved.isEmpty {
            let file = base + ".optim.safetensors"
            try SafeTensors.write(saved.safeTensorsEntries(), metadata: ["format": "pt"], to: file)
            optimizerPath = file
        }
        let parameters = state.keys.map { (name: $0, shape: state[$0]!.shape) }
        let text = script(spec, parameters: parameters, scriptName: (path as NSString).lastPathComponent,
                          weightsFile: (weightsPath as NSString).lastPathComponent,
                          dataFile: dataPath.map { ($0 as NSString).lastPathComponent },
                          optimizerFile: optimizerPath.map { ($0 as NSString).lastPathComponent })
        try AtomicWriter.write(text, to: path, createFolders: true)
        return Written(script: path, weights: weightsPath, data: dataPath, parameters: parameters)
    }

    /// The script's text.
    public static func script(_ spec: TorchExportSpec, parameters: [(name: String, shape: [Int])],
                              scriptName: String = "train.py",
                              weightsFile: String, dataFile: String?, optimizerFile: String? = nil) -> String {
        let f = number
        // Every value from the session goes into the docstring escaped, as into the literals below.
        let e = pyEscaped
        var dataPath = ""
        if case .folder(let p) = spec.data { dataPath = p }
        let augmentation = [spec.crop ? "crop (pad \(spec.padding), reflect-101)" : nil,
                            spec.flip ? "horizontal flip p=\(f(spec.flipProbability))" : nil,
                            spec.cutout
                                ? "cutout \(spec.cutoutSize)×\(spec.cutoutSize) p=\(f(spec.cutoutProbability))" : nil]
            .compactMap { $0 }
        // Lengths in steps go through `steps`, which counts them in one rank's batches (--distributed).
        let schedule = spec.schedule.map { "return " + Self.perRankSteps($0.python) }
            ?? "return None  # the LR stays at the optimizer's"
        let scheduleDoc = spec.schedule.map { $0.python.replacingOccurrences(of: "optimizer, ", with: "") }
            ?? "none (constant LR)"
        let dataDoc = dataFile.map { "the session's images in \(e($0))" }
            ?? "CIFAR-10 from --data (default \(dataPath.isEmpty ? "none" : e(dataPath)))"
        let resumed = spec.startEpoch > 0 ? " (\(spec.startEpoch) already trained; the schedule resumes there)" : ""
        let parameterLines = parameters.map { p in
            let shape = p.shape.map(String.init).joined(separator: ", ") + (p.shape.count == 1 ? "," : "")
            return "    (\(pyString(p.name)), (\(shape))),"
        }
        let modelDoc = spec.vit == nil
            ? "\(e(spec.variant)), attention=\(e(spec.attention))" : "ViT (stock PyTorch modules)"
        let doc = """
        #!/usr/bin/env python3
        \"\"\"\(spec.vit == nil ? "UltimusNet" : "ViT") training exported from Ultimus Workbench \
        \(workbenchVersion) (seed \(spec.seed)).

        Model: \(modelDoc); \(e(spec.weightsLabel)) weights in \(e(weightsFile)) beside this file.
        Optimizer: \(spec.optimizer.python.replacingOccurrences(of: "params, ", with: ""))
        Schedule: \(scheduleDoc)
        Data: \(dataDoc); batch \(spec.batchSize); \
        augmentation: \(augmentation.isEmpty ? "none" : augmentation.joined(separator: ", ")).
        Epochs: \(spec.startEpoch + 1)..\(spec.epochs)\(resumed).

        Run:           python3 \(e(scriptName)) [--data DIR] [--epochs N] [--max-steps N] [--save out.safetensors]
        Several GPUs:  torchrun --nproc_per_node=N \(e(scriptName)) --distributed
        Needs torch, numpy and safetensors (pillow only for image folders).
        \"\"\"
        import argparse
        import math
        import os
        import sys
        import time
        import warnings

        import numpy as np
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        HERE = os.path.dirname(os.path.abspath(__file__))
        VARIANT = \(pyString(spec.variant))
        ATTENTION = \(pyString(spec.attention))
        VIT = \(spec.vit.map(vitSettings) ?? "None")
        EPOCHS = \(spec.epochs)
        START_EPOCH = \(spec.startEpoch)
        SCHEDULE_STEP = \(spec.scheduleStep.map(String.init) ?? "None")
        OPTIMIZER_FILE = \(optimizerFile.map(pyString) ?? "None")
        BATCH_SIZE = \(spec.batchSize)
        SEED = \(spec.seed % (1 << 32))
        WEIGHTS = \(pyString(weightsFile))
        DATA_FILE = \(dataFile.map(pyString) ?? "None")
        DATA_PATH = \(pyString(dataPath))
        CLASS_NAMES = [\(spec.classNames.map(pyString).joined(separator: ", "))]
        MEAN = [\(spec.mean.map { f(Double($0)) }.joined(separator: ", "))]
        STD = [\(spec.std.map { f(Double($0)) }.joined(separator: ", "))]
        AUGMENT = dict(crop=\(py(spec.crop)), padding=\(spec.padding), flip=\(py(spec.flip)), \
        flip_p=\(f(spec.flipProbability)),
                       cutout=\(py(spec.cutout)), cutout_size=\(spec.cutoutSize), cutout_p=\(f(spec.cutoutProbability)))
        # The state dict the workbench exported: names and shapes, in PyTorch's order.
        PARAMETERS = [
        \(parameterLines.joined(separator: "\n"))
        ]


        def make_optimizer(params):
            return \(spec.optimizer.python)


        def make_scheduler(optimizer, steps=lambda n: n):
            \(schedule)


        """
        return doc + TorchScriptTemplate.body
    }

    /// The keyword arguments of the script's `ViT(...)`, every value quoted.
    static func vitSettings(_ c: ViTConfig) -> String {
        "dict(patch=\(c.patch), dim=\(c.dim), depth=\(c.depth), heads=\(c.heads), mlp_ratio=\(c.mlpRatio), "
            + "classes=\(c.classes), pool=\(pyString(c.pool.rawValue)), image=\(c.image), channels=\(c.channels))"
    }

    /// `total_steps=N` and `step_size=N` of a scheduler call as `steps(N)`.
    static func perRankSteps(_ python: String) -> String {
        var text = python
        for key in ["total_steps", "step_size"] {
            guard let range = text.range(of: key + "=") else { continue }
            let digits = text[range.upperBound...].prefix { $0.isNumber }
            text.replaceSubrange(range.upperBound..<text.index(range.upperBound, offsetBy: digits.count),
                                 with: "steps(\(digits))")
        }
        return text
    }

    /// A Python float literal that reads back as the same double.
    static func number(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(format: "%.1f", v) }
        return "\(v)"
    }

    static func py(_ b: Bool) -> String { b ? "True" : "False" }

    /// A Python string literal for `s`, escaped by `repr`'s rules: backslash, the quote, and every
    /// control character become escapes, so no value can end the literal or start a new line.
    static func pyString(_ s: String) -> String { "\"" + pyEscaped(s) + "\"" }

    /// The inside of ``pyString(_:)``: also safe inside the script's docstring (no `"` survives).
    static func pyEscaped(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let v = scalar.value
                if v < 0x20 || (0x7F...0x9F).contains(v) {
                    out += "\\x" + (v < 0x10 ? "0" : "") + String(v, radix: 16)
                } else if v == 0x2028 || v == 0x2029 || v == 0xFEFF {
                    out += "\\u" + String(v, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
