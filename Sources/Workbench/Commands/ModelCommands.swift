import ExperimentKit
import Foundation
import Layers

extension CommandAreas {
    /// `model`, `layer`, `summary`, `optim`, `sched`.
    static let model: [String: CommandHandler] = [
        "model": { inv, ctx in try ModelCommands.model(inv, ctx) },
        "layer": { inv, ctx in try ModelCommands.layer(inv, ctx) },
        "summary": { inv, ctx in try ModelCommands.summary(inv, ctx) },
        "optim": { inv, ctx in try ModelCommands.optim(inv, ctx) },
        "sched": { inv, ctx in try ModelCommands.sched(inv, ctx) },
    ]
}

enum ModelCommands {
    static func model(_ inv: Invocation, _ ctx: ShellContext) throws {
        let x = ctx.session.experiment
        switch inv.subcommand {
        case "ultimus":
            if let blocks = inv.int("blocks"), blocks != 4 {
                throw inv.error("UltimusNet always has 4 attention blocks (the assignment's network)", at: "blocks",
                                suggestion: "for \(blocks) blocks build the network with 'model new', then 'layer ultimus' once per block")
            }
            let recipe = ModelRecipe.ultimus(variant: inv.string("variant") ?? "spec", attention: inv.string("attention") ?? "sample")
            var generator = ctx.session.generator
            try x.setModel(recipe, generator: &generator)
            ctx.session.generator = generator
            describe(x, ctx)
            if (x.model as? UltimusNet)?.isBatchMixing == true {
                ctx.console.warning("attention=batch forms one B×B map over the whole batch (the seed notebook's mistake): each image's prediction depends on its batch-mates. 'check model' shows it; use attention=sample")
            }
        case "vit":
            var r = ViTRecipe()
            r.patch = inv.int("patch") ?? r.patch
            r.dim = inv.int("dim") ?? r.dim
            r.depth = inv.int("depth") ?? r.depth
            r.heads = inv.int("heads") ?? r.heads
            r.mlpRatio = inv.int("mlp_ratio") ?? r.mlpRatio
            r.pool = inv.string("pool") ?? r.pool
            if let data = x.data, data.settings.source == .folder {
                (r.classes, r.image) = (data.classNames.count, data.splits.train.height)
            }
            var generator = ctx.session.generator
            do { try x.setModel(.vit(r), generator: &generator) } catch let error as ShapeError { throw inv.error(error.message) }
            ctx.session.generator = generator
            describe(x, ctx)
        case "new":
            var generator = ctx.session.generator
            x.newNetwork(generator: &generator)
            ctx.session.generator = generator
            ctx.console.write("model: an empty network; add layers with 'layer conv out=16', 'layer relu', ..., 'layer linear out=10'")
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

    static func describe(_ x: Experiment, _ ctx: ShellContext) {
        guard let model = x.model else { return }
        let params = DataState.grouped(model.parameterCount)
        switch x.modelRecipe {
        case .ultimus(let variant, let attention)?:
            ctx.console.write("model: UltimusNet variant=\(variant) attention=\(attention) · \(params) parameters")
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
        guard let kind = inv.subcommand else { return }
        guard let net = x.model as? LayerNetwork else {
            throw inv.error("'layer' adds to a network started with 'model new'", suggestion: "run 'model new' first")
        }
        if kind == "remove" { return try removeLayer(inv, ctx, net) }
        var settings: [String: Double] = [:]
        for key in ["out", "kernel", "stride", "padding", "momentum", "eps", "p", "dim", "patch", "heads", "mlp_ratio"]
        where inv.isExplicit(key) {
            if let v = inv.double(key) { settings[key] = v }
        }
        if kind == "maxpool", inv.isExplicit("stride"), let v = inv.double("stride") { settings["stride"] = v }
        if inv.isExplicit("bias"), let b = inv.bool("bias") { settings["bias"] = b ? 1 : 0 }
        if inv.isExplicit("cls"), let b = inv.bool("cls") { settings["cls"] = b ? 1 : 0 }
        if kind == "pool", inv.isExplicit("mode") { settings["mean"] = inv.string("mode") == "mean" ? 1 : 0 }
        if ["conv", "linear"].contains(kind), settings["out"] == nil, let v = inv.double("out") { settings["out"] = v }
        let name = inv.string("name") ?? net.defaultName(kind: kind)
        do {
            try x.appendLayer(LayerSpec(kind: kind, name: name, settings: settings))
        } catch let error as ShapeError {
            throw inv.error(error.message)
        }
        let added = net.layers[net.layers.count - 1].module
        let count = added.parameterCount
        ctx.console.write("layer \(name): \(added.typeName) → \(net.outputShape) · \(DataState.grouped(count)) parameters (network: \(DataState.grouped(net.parameterCount)))")
        ctx.recordDigest()
    }

    static func removeLayer(_ inv: Invocation, _ ctx: ShellContext, _ net: LayerNetwork) throws {
        let count = net.layers.count
        guard count > 0 else { throw inv.error("the network has no layers to remove", suggestion: "add one with 'layer conv out=16'") }
        let n = inv.int("n") ?? count
        guard (1...count).contains(n) else {
            throw inv.error("there is no layer \(n); the network has layers 1 to \(count)", at: "n", suggestion: "see them with 'summary'")
        }
        let removed: LayerSpec
        do { removed = try ctx.session.experiment.removeLayer(at: n - 1) } catch let error as ShapeError {
            throw inv.error(error.message, at: "n")
        }
        let rebuilt = count - n
        ctx.console.write("removed layer \(n) (\(removed.name)); network → \(net.outputShape) · \(DataState.grouped(net.parameterCount)) parameters"
                          + (rebuilt > 0 ? "; the \(rebuilt.counted("layer")) after it rebuilt with fresh weights" : ""))
        ctx.recordDigest()
    }

    static func summary(_ inv: Invocation, _ ctx: ShellContext) throws {
        let model = try ctx.session.experiment.requireModel()
        let batch = inv.int("batch") ?? 20
        do {
            ctx.console.write(try Summary.render(model: model, inputShape: [batch, 3, 32, 32], depth: inv.int("depth") ?? 3,
                                                 maxWidth: ctx.console.tableWidth))
            if let data = ctx.session.experiment.data {
                ctx.console.write("input pixels \(SessionStatus.normalizationText(data.normalization))")
            }
        } catch let error as ShapeError {
            throw inv.error(error.message)
        }
    }

    static func optim(_ inv: Invocation, _ ctx: ShellContext) throws {
        guard let kind = inv.subcommand else {
            if !inv.explicit.isEmpty {
                throw inv.error("say which optimizer these settings are for", suggestion: "e.g. 'optim adam lr=1e-3' (sgd, adam or adamw)")
            }
            ctx.console.write(SessionStatus.optimizerLine(ctx.session.experiment))
            return
        }
        var values = OptimizerSettings.defaults(kind)
        if kind != "sgd", let amsgrad = inv.bool("amsgrad") { values["amsgrad"] = amsgrad ? 1 : 0 }
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
            guard betas.count == 2 else { throw inv.error("betas takes two values, β1,β2", at: "betas", suggestion: "betas=0.9,0.999") }
            values["beta1"] = betas[0]
            values["beta2"] = betas[1]
        }
        let settings = OptimizerSettings(kind: kind, values: values)
        let x = ctx.session.experiment
        x.setOptimizer(settings)
        ctx.console.write("optimizer: \(settings.description)")
        if let schedule = x.schedule {
            ctx.console.write("  the schedule \(schedule.description) sets the LR\((schedule as? OneCycleLR)?.cycleMomentum == true ? " and β1/momentum" : "") before each step")
        }
        ctx.recordDigest()
    }

    static func sched(_ inv: Invocation, _ ctx: ShellContext) throws {
        guard let kind = inv.subcommand else {
            if !inv.explicit.isEmpty {
                throw inv.error("say which schedule these settings are for", suggestion: "e.g. 'sched onecycle max_lr=4e-3 epochs=24' (onecycle, constant or step)")
            }
            ctx.console.write(SessionStatus.scheduleLine(ctx.session.experiment))
            return
        }
        let x = ctx.session.experiment
        let data = try DataCommands.withLoadingProgress(ctx) { try x.ensureData(source: ctx.session.dataSource, progress: $0) }
        let perEpoch = data.trainLoader.batchesPerEpoch
        var values: [String: Double] = [:]
        for key in ["max_lr", "epochs", "total_steps", "pct_start", "div_factor", "final_div_factor", "base_momentum", "max_momentum", "step_size", "gamma"] {
            if let v = inv.double(key) { values[key] = v }
        }
        for key in ["three_phase", "cycle_momentum"] { if let b = inv.bool(key) { values[key] = b ? 1 : 0 } }
        if kind == "onecycle", values["epochs"] == nil, values["total_steps"] == nil {
            throw inv.error("onecycle needs the length of the cycle", suggestion: "add epochs=N (steps per epoch come from the loader: \(perEpoch))")
        }
        let settings = ScheduleSettings(kind: kind, values: values, anneal: inv.string("anneal_strategy") ?? "cos",
                                        stepsPerEpoch: perEpoch, baseLR: x.optimizerSettings?.lr ?? OptimizerSettings.standard.lr)
        do {
            try x.setSchedule(settings)
        } catch let error as ScheduleError {
            throw inv.error(error.message)
        }
        guard let schedule = x.schedule else { return }
        var line = "schedule: \(schedule.description)"
        if kind == "step", let epochs = inv.int("step_size") {
            // StepLR counts optimizer steps; step_size= is typed in epochs.
            line += " · step_size=\(epochs) epoch\(epochs == 1 ? "" : "s") = \(epochs * perEpoch) steps of \(perEpoch) batches"
        }
        if let total = schedule.totalSteps {
            let epochs = Double(total) / Double(perEpoch)
            line += " · \(total) steps = \(String(format: "%.4g", epochs)) epoch\(epochs == 1 ? "" : "s") × \(perEpoch) batches"
        }
        ctx.console.write(line)
        let suggestion = x.lrFinder.flatMap { $0.steepest ?? $0.valley }
        let planned = settings.plannedEpochs
        for warning in ScheduleLints.check(schedule, plannedEpochs: planned, stepsPerEpoch: planned == nil ? nil : perEpoch, lrFinderSuggestion: suggestion) {
            ctx.console.warning(warning)
        }
        x.figures = [schedule.description]
        ctx.recordDigest()
    }
}
