import Foundation
import Layers

extension Command {
    static let branch = Command(
        CommandSpec(
            "branch", area: "Session", "list, create, switch or delete named branches",
            details: """
                A session holds named branches (the first is main), each with its own data, model, optimizer, \
                schedule, generators, loader, histories and command log. 'branch' lists them; branch new NAME copies \
                the current state (or the state after command from=N, replayed) into NAME and switches to it, keeping \
                the parent; branch switch NAME; branch delete NAME. save and load keep every branch.
                """,
            examples: ["branch", "branch new fix", "branch new retry from=5", "branch switch main",
                       "branch delete retry"],
            subcommands: [
                SubcommandSpec("new", "copy the current state into a new branch and switch to it",
                               positionals: [PositionalSpec("name", .string, "the new branch's name")],
                               arguments: [ArgumentSpec("from", .int, range: Bounds.atLeastOne,
                                                        "start from the state after command N (see 'history')")]),
                SubcommandSpec("switch", "continue on another branch",
                               positionals: [PositionalSpec("name", .string, "the branch")]),
                SubcommandSpec("delete", "forget a branch (not the one in use)",
                               positionals: [PositionalSpec("name", .string, "the branch")]),
            ],
            subcommandRequired: false, logged: false, effect: .changesExperiment),
        run: BranchCommands.list,
        subcommands: [
            "new": BranchCommands.new,
            "switch": BranchCommands.switchTo,
            "delete": BranchCommands.delete,
        ])

    static let compare = Command(
        CommandSpec(
            "compare", area: "Session", "overlay branches' curves and compare their settings",
            details: """
                Draws one chart with a line per branch (all branches, or those named): metric=loss (training loss per \
                step), accuracy (evaluated accuracy per epoch) or lr (per step), in the terminal and as an SVG with \
                the branch names in the legend; then a table of each branch's settings and final figures, the rows \
                that differ marked.
                """,
            examples: ["compare", "compare main fix metric=accuracy"],
            positionals: (1...6).map { PositionalSpec("branch\($0)", .string, required: false, "a branch to include") },
            arguments: [
                ArgumentSpec("metric", .choice(["loss", "accuracy", "lr"]), default: .string("loss"),
                             "what to overlay"),
                CommonArguments.to,
            ],
            logged: false, effect: .writesOutputs),
        run: BranchCommands.compare)
}

/// Named branches of one session, side by side.
enum BranchCommands {
    /// The state of branch `name`: the live session's for the current one, else decoded from its bytes.
    static func state(_ name: String, _ ctx: ShellContext) throws -> (experiment: Experiment, log: [LoggedCommand]) {
        let set = ctx.session.branches
        if name == set.current { return (ctx.session.experiment, ctx.session.commandLog) }
        guard let bytes = set.parked[name] else { throw ExperimentError("no branch called '\(name)'") }
        let loaded = try SessionFile.decode(bytes, name: "branch \(name)")
        return (loaded.experiment, loaded.record.commandLog)
    }

    /// Parks the current branch and installs `name` (parked) in the session.
    static func activate(_ name: String, _ ctx: ShellContext) throws {
        let session = ctx.session, set = session.branches
        guard let bytes = set.parked[name] else { throw ExperimentError("no branch called '\(name)'") }
        let loaded = try SessionFile.decode(bytes, name: "branch \(name)")
        let current = try SessionFile.encode(session.branchCheckpoint, startSeed: SessionsCommands.startSeed(ctx))
        SessionFile.install(loaded, into: session)
        set.parked[set.current] = current
        set.parked[name] = nil
        set.current = name
        session.lastGood = nil
        session.guardStop = nil
        ctx.shell.promptNumber = max(ctx.shell.promptNumber, (session.commandLog.last?.number ?? 0) + 1)
    }

    static func checkNewName(_ inv: Invocation, _ name: String, _ set: BranchSet) throws {
        guard BranchSet.isValidName(name) else {
            throw inv.error("'\(name)' cannot name a branch", at: "name",
                            suggestion: "use letters, digits, '-', '_' or '.' (at most 40)")
        }
        guard !set.names.contains(name) else {
            throw inv.error("there is already a branch called '\(name)'", at: "name",
                            suggestion: "switch to it with 'branch switch \(name)'")
        }
    }

    static func new(_ inv: Invocation, _ ctx: ShellContext) throws {
        let name = inv.string("name") ?? ""
        try create(name, from: inv.int("from"), inv, ctx)
    }

    /// `branch new NAME [from=N]` (and `fork N`): the parent is parked unchanged, the session goes on as NAME.
    static func create(_ name: String, from n: Int?, _ inv: Invocation, _ ctx: ShellContext) throws {
        let session = ctx.session, set = session.branches
        try checkNewName(inv, name, set)
        if let n { try SessionsCommands.checkForkTarget(n, inv, ctx) }
        let parent = try SessionFile.encode(session.branchCheckpoint, startSeed: SessionsCommands.startSeed(ctx))
        let parentName = set.current
        if let n {
            let executed = try SessionsCommands.rerun(session.commandLog.filter { $0.number <= n },
                                                      seed: SessionsCommands.startSeed(ctx),
                                                      ctx: ctx, source: name) { _, _ in }
            ctx.console.write("replayed \(executed.counted("command")) up to command \(n)")
        }
        set.parked[parentName] = parent
        set.names.append(name)
        set.current = name
        session.lastGood = nil
        ctx.console.write("branch \(name) from \(parentName)\(n.map { " after command \($0)" } ?? ""): "
                          + "\(SessionsCommands.summary(session.experiment)); '\(parentName)' is kept")
    }

    static func switchTo(_ inv: Invocation, _ ctx: ShellContext) throws {
        let name = inv.string("name") ?? ""
        let set = ctx.session.branches
        guard name != set.current else { ctx.console.write("already on \(name)"); return }
        guard set.names.contains(name) else {
            throw inv.error("no branch called '\(name)'", at: "name", suggestion: set.suggestion(for: name))
        }
        try activate(name, ctx)
        ctx.console.write("on branch \(name): \(SessionsCommands.summary(ctx.session.experiment)), "
                          + "\(ctx.session.commandLog.count.counted("command"))")
    }

    static func delete(_ inv: Invocation, _ ctx: ShellContext) throws {
        let name = inv.string("name") ?? ""
        let set = ctx.session.branches
        guard set.names.contains(name) else {
            throw inv.error("no branch called '\(name)'", at: "name",
                            suggestion: EditDistance.suggestion(for: name, in: set.names))
        }
        guard name != set.current else {
            throw inv.error("'\(name)' is the branch in use", at: "name", suggestion: "switch to another branch first")
        }
        set.parked[name] = nil
        set.names.removeAll { $0 == name }
        ctx.console.write("deleted branch \(name)")
    }

    static func list(_ inv: Invocation, _ ctx: ShellContext) throws {
        let set = ctx.session.branches
        var rows: [[String]] = []
        for name in set.names {
            let x = try state(name, ctx).experiment
            rows.append([(name == set.current ? "* " : "  ") + name] + facts(x))
        }
        let headers = ["branch", "data", "model", "optimizer", "epochs", "best test", "best valid", "last loss"]
        let table = Table(headers: headers, rows: rows, rightAligned: headers.indices.map { $0 >= 4 })
        ctx.console.write(table.render(style: ctx.style))
    }

    /// Data, model, optimizer, epochs, best test and validation accuracy, last loss.
    static func facts(_ x: Experiment) -> [String] {
        let epochs = x.history.epochs
        func best(_ split: DataSplit) -> String {
            let values = epochs.filter { ($0.testSplit ?? .test) == split }.compactMap(\.testAccuracy)
            return values.max().map { String(format: "%.2f%%", $0) } ?? "-"
        }
        return [x.dataSettings?.command.replacingOccurrences(of: "data ", with: "") ?? "-", modelName(x),
                x.optimizerSettings.map { "\($0.kind.rawValue) lr=\(Format.lr($0.lr))" } ?? "-",
                "\(x.completedEpochs)", best(.test), best(.valid),
                x.history.steps.last.map { String(format: "%.4f", $0.loss) } ?? "-"]
    }

    static func modelName(_ x: Experiment) -> String {
        switch x.modelRecipe {
        case .ultimus(let v, let a, _)?: return "UltimusNet \(v.rawValue)/\(a.rawValue)"
        case .layers(let specs)?: return "\(specs.count) layers"
        case .vit?: return "ViT"
        case nil: return "-"
        }
    }
}

extension BranchSet {
    /// The branch a mistyped name probably meant, else the list of branches.
    func suggestion(for name: String) -> String {
        EditDistance.suggestion(for: name, in: names) ?? "the branches are \(names.joined(separator: ", "))"
    }
}
