import ExperimentKit
import Foundation
import Layers

extension Command {
    static let model = Command(
        CommandSpec(
            "model", area: "Data and model", "build a network: ultimus, vit, or start an empty one",
            details: """
                model ultimus builds UltimusNet: variant=spec is the assignment's network (convolutions without \
                activations), variant=bnrelu adds BatchNorm and ReLU after each convolution. attention=sample is the \
                per-image attention; attention=batch reproduces the seed notebook's batch-mixing bug. model vit builds \
                a Vision Transformer equal to PyTorch's (bench/torch_vit.py): 32/patch squared patch tokens (plus a \
                class token with pool=cls) through depth pre-norm transformer blocks. model new starts an empty \
                network for 'layer'. 'model' alone shows the current one.
                """,
            examples: ["model ultimus variant=bnrelu", "model vit", "model vit patch=4 dim=32 depth=2 heads=4",
                       "model new"],
            subcommands: [
                SubcommandSpec("ultimus", "UltimusNet: three convolutions, four attention blocks, a classifier",
                               arguments: [
                    ArgumentSpec("variant", .choice(UltimusNet.Variant.allCases.map(\.rawValue)),
                                 default: .string(UltimusNet.Variant.spec.rawValue),
                                 "spec (no activations) or bnrelu"),
                    ArgumentSpec("attention", .choice(AttentionMode.allCases.map(\.rawValue)),
                                 default: .string(AttentionMode.sample.rawValue),
                                 "per-image attention, or the seed's batch-mixing one"),
                    ArgumentSpec("blocks", .int, default: .int(4), range: Bounds.atLeastOne, """
                        UltimusNet has 4, always: the assignment's network (other depths: 'model new', then \
                        'layer ultimus' per block)
                        """),
                ]),
                SubcommandSpec("vit", "a small Vision Transformer: patches as tokens, pre-norm transformer blocks",
                               arguments: [
                    ArgumentSpec("patch", .int, default: .int(ViTRecipe().patch), range: 1...32,
                                 "patch side in pixels (divides 32)"),
                    ArgumentSpec("dim", .int, default: .int(ViTRecipe().dim), range: 1...1024,
                                 "features per token (divisible by heads)"),
                    ArgumentSpec("depth", .int, default: .int(ViTRecipe().depth), range: 0...32,
                                 "transformer blocks (blocks.0, blocks.1, ...)"),
                    ArgumentSpec("heads", .int, default: .int(ViTRecipe().heads), range: 1...64,
                                 "attention heads per block"),
                    ArgumentSpec("mlp_ratio", .int, default: .int(ViTRecipe().mlpRatio), range: 1...16,
                                 "MLP width as a multiple of dim"),
                    ArgumentSpec("pool", .choice(ViTConfig.Pool.allCases.map(\.rawValue)),
                                 default: .string(ViTRecipe().pool.rawValue),
                                 "classify the class token or the token mean"),
                ]),
                SubcommandSpec("new", "an empty network to build with 'layer'"),
            ],
            subcommandRequired: false,
            effect: .changesExperiment),
        run: ModelCommands.model)

    static let layer = Command(
        CommandSpec(
            "layer", area: "Data and model", "append a layer to the network being built",
            details: """
                Adds one layer after 'model new'. Input sizes are inferred from the previous layer. name= sets its \
                PyTorch name (default: conv1, bn1, ... by kind). layer remove takes the last layer away, layer remove \
                N the N-th (the layers after it are rebuilt for their new input). A ViT layer by layer: layer patches \
                (patch embedding, class token, position embedding; tokens [T, D]), layer block once per transformer \
                block, layer norm, layer pool, layer linear out=10; the default names (blocks.0, blocks.1, ..., norm, \
                head) give the state_dict keys of model vit with the same settings.
                """,
            examples: ["layer conv out=16 kernel=3 padding=1", "layer linear out=10", "layer remove", "layer remove 2",
                       "layer patches patch=4 dim=64", "layer block heads=4 mlp_ratio=2", "layer norm",
                       "layer pool mode=cls"],
            arguments: [ArgumentSpec("name", .string, "the layer's name in the state dict")],
            subcommands: [
                SubcommandSpec("conv", "2-D convolution", arguments: [
                    ArgumentSpec("out", .int, range: Bounds.atLeastOne, required: true, "output channels"),
                    ArgumentSpec("kernel", .int, default: .layerCount(.conv, "kernel"), range: 1...15, "kernel size"),
                    ArgumentSpec("stride", .int, default: .layerCount(.conv, "stride"), range: 1...8, "stride"),
                    ArgumentSpec("padding", .int, default: .layerCount(.conv, "padding"), range: 0...8,
                                 "zero padding on each side"),
                    ArgumentSpec("bias", .bool, default: .layerFlag(.conv, "bias"), "learn a bias"),
                ]),
                SubcommandSpec("bn", "BatchNorm2d over the channels", arguments: [
                    ArgumentSpec("momentum", .float, default: .layerDefault(.bn, "momentum"), range: Bounds.unit,
                                 "running-statistics momentum"),
                    ArgumentSpec("eps", .float, default: .layerDefault(.bn, "eps"), range: Bounds.positive,
                                 "added to the variance"),
                ]),
                SubcommandSpec("relu", "ReLU"),
                SubcommandSpec("remove", "remove the last layer, or layer N (counting from 1)",
                               positionals: [PositionalSpec("n", .int, required: false,
                                                            "which layer (default: the last)")]),
                SubcommandSpec("dropout", "dropout (training only)", arguments: [
                    ArgumentSpec("p", .float, default: .layerDefault(.dropout, "p"), range: 0...0.99,
                                 "drop probability"),
                ]),
                SubcommandSpec("maxpool", "max pooling", arguments: [
                    ArgumentSpec("kernel", .int, default: .layerCount(.maxpool, "kernel"), range: 1...8, "window size"),
                    ArgumentSpec("stride", .int, range: 1...8, "stride (default: the kernel size)"),
                ]),
                SubcommandSpec("gap", "global average pooling to 1×1"),
                SubcommandSpec("flatten", "flatten to [N, features]"),
                SubcommandSpec("linear", "fully connected layer", arguments: [
                    ArgumentSpec("out", .int, range: Bounds.atLeastOne, required: true, "output features"),
                    ArgumentSpec("bias", .bool, default: .layerFlag(.linear, "bias"), "learn a bias"),
                ]),
                SubcommandSpec("ultimus", "an Ultimus attention block (K, Q, V projections and an output layer)",
                               arguments: [
                    ArgumentSpec("dim", .int, default: .layerCount(.ultimus, "dim"), range: Bounds.atLeastOne,
                                 "size of K, Q and V"),
                ]),
                SubcommandSpec("patches", """
                    ViT patch embedding: Conv2d(3, dim, patch, stride=patch), class token, position embedding
                    """, arguments: [
                    ArgumentSpec("patch", .int, default: .layerCount(.patches, "patch"), range: 1...32,
                                 "patch side in pixels (divides the image side)"),
                    ArgumentSpec("dim", .int, default: .layerCount(.patches, "dim"), range: 1...1024,
                                 "features per token"),
                    ArgumentSpec("cls", .bool, default: .layerFlag(.patches, "cls"),
                                 "prepend a learned class token as token 0"),
                ]),
                SubcommandSpec("block", "pre-norm transformer block (TransformerEncoderLayer, GELU): tokens in and out",
                               arguments: [
                    ArgumentSpec("heads", .int, default: .layerCount(.block, "heads"), range: 1...64,
                                 "attention heads (divide the tokens' features)"),
                    ArgumentSpec("mlp_ratio", .int, default: .layerCount(.block, "mlp_ratio"), range: 1...16,
                                 "MLP width as a multiple of the features"),
                    ArgumentSpec("dim", .int, range: 1...1024,
                                 "the tokens' features (follows the previous layer; checked when given)"),
                ]),
                SubcommandSpec("norm", "LayerNorm over the last axis (the ViT's final norm)", arguments: [
                    ArgumentSpec("eps", .float, default: .layerDefault(.norm, "eps"), range: Bounds.positive,
                                 "added to the variance"),
                ]),
                SubcommandSpec("pool", "tokens to one vector per image for the classifier", arguments: [
                    ArgumentSpec("mode", .choice(["cls", "mean"]), default: .string("cls"),
                                 "the class token (token 0) or the token mean"),
                ]),
            ],
            effect: .changesExperiment),
        run: ModelCommands.layer)

    static let summary = Command(
        CommandSpec(
            "summary", area: "Data and model", "table of layers, shapes, parameters and mult-adds",
            details: """
                torchinfo-style summary of the current model for an input of batch× 3×32×32 (batch 20 by default, \
                as the seed notebook's table): each layer's output shape, kernel shape, parameter count and mult-adds \
                (attention matmuls and softmax included), with totals and a memory estimate. depth=N folds deeper \
                layers into their parent (depth=1: one row per block), as torchinfo does; in a narrow terminal the \
                columns shrink and Kernel Shape, Input Shape and Trainable are left out.
                """,
            examples: ["summary", "summary depth=1", "summary batch=512 depth=2"],
            arguments: [
                ArgumentSpec("batch", .int, default: .int(20), range: 1...1_000_000, "batch size of the example input"),
                ArgumentSpec("depth", .int, default: .int(3), range: 1...10, "nesting depth shown"),
            ],
            effect: .shows),
        run: ModelCommands.summary)

    static let optim = Command(
        CommandSpec(
            "optim", area: "Data and model", "choose the optimizer: sgd, adam or adamw",
            details: """
                PyTorch semantics and names. Adam's weight_decay is an L2 term added to the gradient; AdamW decays the \
                weights directly. Changing the optimizer resets its state. 'optim' alone shows the current one.
                """,
            examples: ["optim", "optim adam lr=1e-3 weight_decay=1e-4", "optim sgd lr=0.05 momentum=0.9 nesterov=true",
                       "optim adamw lr=1e-3 betas=0.9,0.999"],
            arguments: [
                ArgumentSpec("lr", .float, range: Bounds.positive, "learning rate"),
                ArgumentSpec("weight_decay", .float, default: .float(0), range: Bounds.nonNegative, "weight decay"),
            ],
            subcommands: [
                SubcommandSpec("sgd", "stochastic gradient descent (lr default 0.01)", arguments: [
                    ArgumentSpec("momentum", .float, default: .optimizerDefault(.sgd, "momentum"), range: Bounds.unit,
                                 "momentum factor"),
                    ArgumentSpec("dampening", .float, default: .optimizerDefault(.sgd, "dampening"), range: Bounds.unit,
                                 "dampening for momentum"),
                    ArgumentSpec("nesterov", .bool, default: .optimizerFlag(.sgd, "nesterov"), "Nesterov momentum"),
                ]),
                SubcommandSpec("adam", "Adam (lr default 1e-3)", arguments: [
                    ArgumentSpec("betas", .list(.float), default: .betas(.adam), range: 0...0.999999,
                                 "β1,β2: decay rates of the moment estimates"),
                    ArgumentSpec("eps", .float, default: .optimizerDefault(.adam, "eps"), range: Bounds.positive,
                                 "added to the denominator"),
                    ArgumentSpec("amsgrad", .bool, default: .bool(false), "use the AMSGrad variant"),
                ]),
                SubcommandSpec("adamw", "AdamW, decoupled weight decay (lr 1e-3, weight_decay 0.01)", arguments: [
                    ArgumentSpec("betas", .list(.float), default: .betas(.adamw), range: 0...0.999999,
                                 "β1,β2: decay rates of the moment estimates"),
                    ArgumentSpec("eps", .float, default: .optimizerDefault(.adamw, "eps"), range: Bounds.positive,
                                 "added to the denominator"),
                    ArgumentSpec("amsgrad", .bool, default: .bool(false), "use the AMSGrad variant"),
                ]),
            ],
            subcommandRequired: false,
            effect: .changesExperiment),
        run: ModelCommands.optim)

    static let sched = Command(
        CommandSpec(
            "sched", area: "Data and model", "choose the LR schedule: onecycle, constant or step",
            details: """
                Steps per epoch come from the current data loader. onecycle follows PyTorch's OneCycleLR (cycling \
                momentum, or Adam's β1, between base_momentum and max_momentum); training past its end is refused. \
                'plot schedule' previews it; 'sched' alone shows the current schedule and its position.
                """,
            examples: ["sched", "sched onecycle max_lr=4e-3 epochs=24 pct_start=0.2",
                       "sched step step_size=10 gamma=0.1", "sched constant"],
            subcommands: [
                SubcommandSpec("onecycle", "one-cycle policy (Smith), as torch.optim.lr_scheduler.OneCycleLR",
                               arguments: [
                    ArgumentSpec("max_lr", .float, range: Bounds.positive, required: true, "peak learning rate"),
                    ArgumentSpec("epochs", .int, range: Bounds.count, "length of the cycle in epochs"),
                    ArgumentSpec("total_steps", .int, range: Bounds.count,
                                 "length of the cycle in steps (instead of epochs)"),
                    ArgumentSpec("pct_start", .float, default: .scheduleDefault(.onecycle, "pct_start"),
                                 range: Bounds.openUnit, "share of the cycle spent increasing the LR"),
                    ArgumentSpec("anneal_strategy", .choice(OneCycleLR.AnnealStrategy.allCases.map(\.rawValue)),
                                 default: .string(OneCycleLR.AnnealStrategy.cos.rawValue), "shape of the annealing"),
                    ArgumentSpec("div_factor", .float, default: .scheduleDefault(.onecycle, "div_factor"),
                                 range: Bounds.positive, "initial lr = max_lr/div_factor"),
                    ArgumentSpec("final_div_factor", .float, default: .scheduleDefault(.onecycle, "final_div_factor"),
                                 range: Bounds.positive, "final lr = initial lr/final_div_factor"),
                    ArgumentSpec("three_phase", .bool, default: .scheduleFlag(.onecycle, "three_phase"),
                                 "use the paper's three phases"),
                    ArgumentSpec("cycle_momentum", .bool, default: .scheduleFlag(.onecycle, "cycle_momentum"),
                                 "cycle momentum (Adam: β1) inversely to the LR"),
                    ArgumentSpec("base_momentum", .float, default: .scheduleDefault(.onecycle, "base_momentum"),
                                 range: Bounds.unit,
                                 "lowest momentum"),
                    ArgumentSpec("max_momentum", .float, default: .scheduleDefault(.onecycle, "max_momentum"),
                                 range: Bounds.unit,
                                 "highest momentum"),
                ]),
                SubcommandSpec("constant", "keep the optimizer's learning rate"),
                SubcommandSpec("step", "multiply the LR by gamma every step_size epochs", arguments: [
                    ArgumentSpec("step_size", .int, range: Bounds.count, required: true, "epochs between decays"),
                    ArgumentSpec("gamma", .float, default: .scheduleDefault(.step, "gamma"), range: Bounds.positive,
                                 "decay factor"),
                ]),
            ],
            subcommandRequired: false,
            exclusive: [["epochs", "total_steps"]],
            effect: .changesExperiment),
        run: ModelCommands.sched)
}

enum ModelCommands {
    static func model(_ inv: Invocation, _ ctx: ShellContext) throws {
        let x = ctx.session.experiment
        switch inv.subcommand {
        case "ultimus":
            if let blocks = inv.int("blocks"), blocks != 4 {
                throw inv.error("UltimusNet always has 4 attention blocks (the assignment's network)", at: "blocks",
                                suggestion: "for \(blocks) blocks build the network with 'model new', "
                                            + "then 'layer ultimus' once per block")
            }
            let recipe = ModelRecipe.ultimus(variant: try inv.word(UltimusNet.Variant.self,
                                                                   inv.string("variant") ?? "spec"),
                                             attention: try inv.word(AttentionMode.self,
                                                                     inv.string("attention") ?? "sample"),
                                             classes: folderClasses(x))
            var generator = ctx.session.generator
            try x.setModel(recipe, generator: &generator)
            ctx.session.generator = generator
            describe(x, ctx)
            if (x.model as? UltimusNet)?.isBatchMixing == true {
                ctx.console.warning("attention=batch forms one B×B map over the whole batch (the seed notebook's "
                                    + "mistake): each image's prediction depends on its batch-mates. 'check model' "
                                    + "shows it; use attention=sample")
            }
        case "vit":
            var r = ViTRecipe()
            r.patch = inv.int("patch") ?? r.patch
            r.dim = inv.int("dim") ?? r.dim
            r.depth = inv.int("depth") ?? r.depth
            r.heads = inv.int("heads") ?? r.heads
            r.mlpRatio = inv.int("mlp_ratio") ?? r.mlpRatio
            r.pool = try inv.string("pool").map { try inv.word(ViTConfig.Pool.self, $0) } ?? r.pool
            if let classes = folderClasses(x) { (r.classes, r.image) = (classes, x.data?.splits.train.height) }
            var generator = ctx.session.generator
            do {
                try x.setModel(.vit(r), generator: &generator)
            } catch let error as ShapeError {
                throw inv.error(error.message)
            }
            ctx.session.generator = generator
            describe(x, ctx)
        case "new":
            var generator = ctx.session.generator
            x.newNetwork(generator: &generator)
            ctx.session.generator = generator
            ctx.console.write("model: an empty network; add layers with 'layer conv out=16', 'layer relu', ..., "
                              + "'layer linear out=10'")
        default:
            guard x.model != nil else {
                ctx.console.write("no model yet; build one with 'model ultimus variant=bnrelu' or 'model new'")
                return
            }
            describe(x, ctx)
            for line in x.modelRecipe?.commands ?? [] { ctx.console.write("  " + line) }
        }
        ctx.recordDigest()
    }

    /// The class count of a loaded image folder, which a model built after it takes (`nil` for other data).
    static func folderClasses(_ x: Experiment) -> Int? {
        guard let data = x.data, data.settings.source == .folder else { return nil }
        return data.classNames.count
    }

    static func describe(_ x: Experiment, _ ctx: ShellContext) {
        guard let model = x.model else { return }
        let params = DataState.grouped(model.parameterCount)
        switch x.modelRecipe {
        case .ultimus(let variant, let attention, let classes)?:
            let head = classes.map { " classes=\($0)" } ?? ""
            ctx.console.write("model: UltimusNet variant=\(variant.rawValue) attention=\(attention.rawValue)\(head) · "
                              + "\(params) parameters")
        case .vit(let r)?:
            let tokens = (model as? ViT).map { "\($0.config.tokens) tokens of \($0.config.dim)" } ?? ""
            ctx.console.write("model: ViT \(r.arguments) · \(tokens) · \(params) parameters")
        default:
            let names = (model as? LayerNetwork)?.layers.map(\.name).joined(separator: " → ") ?? ""
            ctx.console.write("model: network \(names) · \(params) parameters")
        }
    }

    static func layer(_ inv: Invocation, _ ctx: ShellContext) throws {
        let x = ctx.session.experiment
        guard let word = inv.subcommand else { return }
        guard let net = x.model as? LayerNetwork else {
            throw inv.error("'layer' adds to a network started with 'model new'", suggestion: "run 'model new' first")
        }
        if word == "remove" { return try removeLayer(inv, ctx, net) }
        let kind = try inv.word(LayerKind.self, word)
        var settings: [String: Double] = [:]
        for key in ["out", "kernel", "stride", "padding", "momentum", "eps", "p", "dim", "patch", "heads", "mlp_ratio"]
        where inv.isExplicit(key) {
            if let v = inv.double(key) { settings[key] = v }
        }
        if kind == .maxpool, inv.isExplicit("stride"), let v = inv.double("stride") { settings["stride"] = v }
        if inv.isExplicit("bias"), let b = inv.bool("bias") { settings["bias"] = b ? 1 : 0 }
        if inv.isExplicit("cls"), let b = inv.bool("cls") { settings["cls"] = b ? 1 : 0 }
        if kind == .pool, inv.isExplicit("mode") { settings["mean"] = inv.string("mode") == "mean" ? 1 : 0 }
        if [LayerKind.conv, .linear].contains(kind), settings["out"] == nil, let v = inv.double("out") {
            settings["out"] = v
        }
        let name = inv.string("name") ?? net.defaultName(kind: kind)
        do {
            try x.appendLayer(LayerSpec(kind: kind, name: name, settings: settings))
        } catch let error as ShapeError {
            throw inv.error(error.message)
        }
        let added = net.layers[net.layers.count - 1].module
        let count = added.parameterCount
        ctx.console.write("layer \(name): \(added.typeName) → \(net.outputShape) · \(DataState.grouped(count)) "
                          + "parameters (network: \(DataState.grouped(net.parameterCount)))")
        ctx.recordDigest()
    }

    static func removeLayer(_ inv: Invocation, _ ctx: ShellContext, _ net: LayerNetwork) throws {
        let count = net.layers.count
        guard count > 0 else {
            throw inv.error("the network has no layers to remove", suggestion: "add one with 'layer conv out=16'")
        }
        let n = inv.int("n") ?? count
        guard (1...count).contains(n) else {
            throw inv.error("there is no layer \(n); the network has layers 1 to \(count)", at: "n",
                            suggestion: "see them with 'summary'")
        }
        let removed: LayerSpec
        do { removed = try ctx.session.experiment.removeLayer(at: n - 1) } catch let error as ShapeError {
            throw inv.error(error.message, at: "n")
        }
        let rebuilt = count - n
        ctx.console.write("removed layer \(n) (\(removed.name)); network → \(net.outputShape) · "
                          + "\(DataState.grouped(net.parameterCount)) parameters"
                          + (rebuilt > 0 ? "; the \(rebuilt.counted("layer")) after it rebuilt with fresh weights"
                                         : ""))
        ctx.recordDigest()
    }

    static func summary(_ inv: Invocation, _ ctx: ShellContext) throws {
        let model = try ctx.session.experiment.requireModel()
        let batch = inv.int("batch") ?? 20
        do {
            ctx.console.write(try Summary.render(model: model, inputShape: [batch, 3, 32, 32],
                                                 depth: inv.int("depth") ?? 3,
                                                 maxWidth: ctx.console.tableWidth))
            if let data = ctx.session.experiment.data {
                ctx.console.write("input pixels \(SessionStatus.normalizationText(data.normalization))")
            }
        } catch let error as ShapeError {
            throw inv.error(error.message)
        }
    }

    static func optim(_ inv: Invocation, _ ctx: ShellContext) throws {
        guard let name = inv.subcommand else {
            if !inv.explicit.isEmpty {
                throw inv.error("say which optimizer these settings are for",
                                suggestion: "e.g. 'optim adam lr=1e-3' (sgd, adam or adamw)")
            }
            ctx.console.write(SessionStatus.optimizerLine(ctx.session.experiment))
            return
        }
        let kind = try inv.word(OptimizerKind.self, name)
        var values = kind.defaults
        if kind != .sgd, let amsgrad = inv.bool("amsgrad") { values["amsgrad"] = amsgrad ? 1 : 0 }
        if let lr = inv.double("lr") { values["lr"] = lr }
        if inv.isExplicit("weight_decay"), let wd = inv.double("weight_decay") { values["weight_decay"] = wd }
        for key in ["momentum", "dampening", "eps"] { if let v = inv.double(key) { values[key] = v } }
        if let nesterov = inv.bool("nesterov") {
            values["nesterov"] = nesterov ? 1 : 0
            if nesterov, (values["momentum"] ?? 0) <= 0 || (values["dampening"] ?? 0) != 0 {
                throw inv.error("Nesterov momentum needs momentum > 0 and dampening 0", at: "nesterov")
            }
        }
        if let betas = inv.doubles("betas") {
            guard betas.count == 2 else {
                throw inv.error("betas takes two values, β1,β2", at: "betas", suggestion: "betas=0.9,0.999")
            }
            values["beta1"] = betas[0]
            values["beta2"] = betas[1]
        }
        let settings = OptimizerSettings(kind: kind, values: values)
        let x = ctx.session.experiment
        x.setOptimizer(settings)
        ctx.console.write("optimizer: \(settings.description)")
        if let schedule = x.schedule {
            ctx.console.write("  the schedule \(schedule.description) sets the "
                              + "LR\((schedule as? OneCycleLR)?.cycleMomentum == true ? " and β1/momentum" : "") "
                              + "before each step")
        }
        ctx.recordDigest()
    }

    static func sched(_ inv: Invocation, _ ctx: ShellContext) throws {
        guard let name = inv.subcommand else {
            if !inv.explicit.isEmpty {
                throw inv.error("say which schedule these settings are for",
                                suggestion: "e.g. 'sched onecycle max_lr=4e-3 epochs=24' (onecycle, constant or step)")
            }
            ctx.console.write(SessionStatus.scheduleLine(ctx.session.experiment))
            return
        }
        let kind = try inv.word(ScheduleKind.self, name)
        let x = ctx.session.experiment
        let data = try DataCommands.withLoadingProgress(ctx) {
            try x.ensureData(source: ctx.session.dataSource, progress: $0)
        }
        let perEpoch = data.trainLoader.batchesPerEpoch
        var values: [String: Double] = [:]
        for key in ["max_lr", "epochs", "total_steps", "pct_start", "div_factor", "final_div_factor", "base_momentum",
                    "max_momentum", "step_size", "gamma"] {
            if let v = inv.double(key) { values[key] = v }
        }
        for key in ["three_phase", "cycle_momentum"] { if let b = inv.bool(key) { values[key] = b ? 1 : 0 } }
        if kind == .onecycle, values["epochs"] == nil, values["total_steps"] == nil {
            throw inv.error("onecycle needs the length of the cycle",
                            suggestion: "add epochs=N (steps per epoch come from the loader: \(perEpoch))")
        }
        let anneal = try inv.word(OneCycleLR.AnnealStrategy.self, inv.string("anneal_strategy") ?? "cos")
        let settings = ScheduleSettings(kind: kind, values: values, anneal: anneal, stepsPerEpoch: perEpoch,
                                        baseLR: x.optimizerSettings?.lr ?? OptimizerSettings.standard.lr)
        do {
            try x.setSchedule(settings)
        } catch let error as ScheduleError {
            throw inv.error(error.message)
        }
        guard let schedule = x.schedule else { return }
        var line = "schedule: \(schedule.description)"
        if kind == .step, let epochs = inv.int("step_size") {
            // StepLR counts optimizer steps; step_size= is typed in epochs.
            line += " · step_size=\(epochs) epoch\(epochs == 1 ? "" : "s") = \(epochs * perEpoch) steps of "
                    + "\(perEpoch) batches"
        }
        if let total = schedule.totalSteps {
            let epochs = Double(total) / Double(perEpoch)
            line += " · \(total) steps = \(String(format: "%.4g", epochs)) epoch\(epochs == 1 ? "" : "s") × "
                    + "\(perEpoch) batches"
        }
        ctx.console.write(line)
        let suggestion = x.lrFinder.flatMap { $0.steepest ?? $0.valley }
        let planned = settings.plannedEpochs
        for warning in ScheduleLints.check(schedule, plannedEpochs: planned,
                                           stepsPerEpoch: planned == nil ? nil : perEpoch,
                                           lrFinderSuggestion: suggestion) {
            ctx.console.warning(warning)
        }
        x.figures = [schedule.description]
        ctx.recordDigest()
    }
}

/// Grammar defaults read from the settings' own defaults, so help, parsing and the built optimizer,
/// schedule or layer cannot disagree.
private extension ArgumentValue {
    static func optimizerDefault(_ kind: OptimizerKind, _ key: String) -> ArgumentValue {
        .float(kind.defaultValue(key))
    }
    static func optimizerFlag(_ kind: OptimizerKind, _ key: String) -> ArgumentValue {
        .bool(kind.defaultValue(key) != 0)
    }
    static func betas(_ kind: OptimizerKind) -> ArgumentValue {
        .list([optimizerDefault(kind, "beta1"), optimizerDefault(kind, "beta2")])
    }
    static func scheduleDefault(_ kind: ScheduleKind, _ key: String) -> ArgumentValue {
        .float(kind.defaultValue(key))
    }
    static func scheduleFlag(_ kind: ScheduleKind, _ key: String) -> ArgumentValue {
        .bool(kind.defaultValue(key) != 0)
    }
    static func layerDefault(_ kind: LayerKind, _ key: String) -> ArgumentValue { .float(kind.defaultValue(key)) }
    static func layerCount(_ kind: LayerKind, _ key: String) -> ArgumentValue { .int(Int(kind.defaultValue(key))) }
    static func layerFlag(_ kind: LayerKind, _ key: String) -> ArgumentValue { .bool(kind.defaultValue(key) != 0) }
}
