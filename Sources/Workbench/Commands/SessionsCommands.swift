import Autograd
import ExperimentKit
import Foundation
import Layers

extension Command {
    static let status = Command(
        CommandSpec(
            "status", area: "Session", "where the session stands: data, model, optimizer, schedule, epoch, seed",
            details: """
                One line each for the data (with its normalisation), the model, the optimizer, the schedule and its \
                position, the epoch and step, the seed and thread count, active interventions, the probe images and \
                the output folder.
                """,
            examples: ["status"], logged: false,
            effect: .shows),
        run: { _, ctx in SessionsCommands.status(ctx) })

    static let set = Command(
        CommandSpec(
            "set", area: "Session", "change the seed, the thread count or the output folder",
            details: """
                seed=N reseeds every generator of the session (weights created afterwards, shuffling, augmentation, \
                dropout). threads=N sets the worker threads of the kernels. out=DIR is where plots, images, reports \
                and autosaves go (default ./ultimus-out). probes=LIST chooses the probe images that attention, \
                explain, intervene, gradcam and the time-lapse look at: test indices and image files, comma-separated \
                (probes=3,57,cat.png); probes=classes restores the default, the first test image of each class. Image \
                files are not kept in saved sessions. images= chooses how pictures and charts appear: kitty, iterm or \
                sixel at full resolution (written even into a pipe), blocks (coloured half-blocks), off (captions \
                only), auto (detected; a pipe or NO_COLOR gets no escapes).
                """,
            examples: ["set seed=1", "set threads=2 out=runs/today", "set probes=3,57,cat.png", "set images=sixel"],
            arguments: [
                ArgumentSpec("seed", .int, range: Bounds.nonNegative, "seed of the session's generators"),
                ArgumentSpec("threads", .int, range: 1...256, "worker threads for the kernels"),
                ArgumentSpec("out", .path, "folder for generated files"),
                ArgumentSpec("autosave", .path, "autosave file after each epoch (in the output folder), or off"),
                ArgumentSpec("images", .choice(["auto"] + TerminalImageProtocol.allCases.map(\.rawValue)),
                             "how pictures appear: kitty, iterm, sixel, blocks, off or auto"),
                ArgumentSpec("probes", .list(.string),
                             "test indices and image files, comma-separated, or classes (one per class)"),
            ],
            effect: .changesExperiment),
        run: SessionsCommands.set)

    static let save = Command(
        CommandSpec(
            "save", area: "Session", "save the session to a file, or its commands as a script",
            details: """
                save PATH writes the whole session (model, optimizer, schedule position, generators, data settings, \
                histories and the command log) as one safetensors file that 'load' restores exactly. save script PATH \
                writes the session's commands as a replayable script. save notebook PATH.ipynb writes them as a \
                Jupyter notebook (kernel ultimus) with their text, charts and images, comments as Markdown. Existing \
                files outside the output folder need force=true.
                """,
            examples: ["save runs/s9.session", "save script runs/s9.ult", "save notebook runs/s9.ipynb"],
            positionals: [PositionalSpec("path", .path, "the file to write")],
            arguments: [CommonArguments.force],
            subcommands: [SubcommandSpec("script", "write the session's commands as a script",
                                         positionals: [PositionalSpec("path", .path, "the script to write")]),
                          SubcommandSpec("notebook", "write the session as a Jupyter notebook with its outputs",
                                         positionals: [PositionalSpec("path", .path, "the .ipynb file to write")])],
            subcommandRequired: false,
            effect: .writesFiles),
        run: SessionsCommands.save,
        subcommands: [
            "script": { inv, ctx in try ctx.shell.saveScript(inv) },
            "notebook": { inv, ctx in try ctx.shell.saveNotebook(inv) },
        ])

    static let load = Command(
        CommandSpec(
            "load", area: "Session", "restore a session saved with 'save'",
            details: """
                Replaces the current session with the saved one: the next 'train' continues bit-for-bit as if the \
                session had never stopped. A missing, truncated or corrupt file leaves the current session untouched.
                """,
            examples: ["load runs/s9.session"],
            positionals: [PositionalSpec("path", .path, "the session file")],
            logged: false,
            effect: .changesExperiment),
        run: SessionsCommands.load)

    static let export = Command(
        CommandSpec(
            "export", area: "Session", "write the weights, or the session as a PyTorch script",
            details: """
                export weights PATH writes the model's state dict as safetensors with PyTorch names. export torch \
                PATH.py writes a runnable PyTorch script equivalent to the session (model, weights, optimizer, \
                schedule, augmentation, epochs).
                """,
            examples: ["export weights runs/model.safetensors", "export torch runs/train.py"],
            arguments: [CommonArguments.force],
            subcommands: [
                SubcommandSpec("weights", "the model's state dict as safetensors",
                               positionals: [PositionalSpec("path", .path, "the file to write")]),
                SubcommandSpec(
                    "torch", "a runnable PyTorch script equivalent to the session",
                    positionals: [PositionalSpec("path", .path, "the .py file to write")],
                    arguments: [ArgumentSpec("weights", .choice(["initial", "current"]), default: .string("current"),
                                             "which weights the script starts from")]),
            ],
            effect: .writesFiles),
        subcommands: [
            "weights": SessionsCommands.exportWeights,
            "torch": TeachingCommands.exportTorch,
        ])

    static let `import` = Command(
        CommandSpec(
            "import", area: "Session", "load weights from a safetensors file",
            details: """
                Copies every tensor whose PyTorch name and shape match the current model; reports missing and \
                unexpected names. Nothing changes when a shape differs.
                """,
            examples: ["import weights runs/model.safetensors"],
            arguments: [ArgumentSpec("strict", .bool, default: .bool(true), "require every name to match")],
            subcommands: [SubcommandSpec("weights", "a state dict in safetensors format",
                                         positionals: [PositionalSpec("path", .path, "the file to read")])],
            effect: .changesExperiment),
        subcommands: [
            "weights": SessionsCommands.importWeights,
        ])

    static let replay = Command(
        CommandSpec(
            "replay", area: "Session", "re-run a saved session and check its results",
            details: """
                Re-executes the commands recorded in a saved session. With verify=true it compares each command's \
                weight digests and printed figures with the recorded ones and stops at the first difference, showing \
                both.
                """,
            examples: ["replay runs/s9.session verify=true"],
            positionals: [PositionalSpec("path", .path, "the saved session")],
            arguments: [ArgumentSpec("verify", .bool, default: .bool(true),
                                     "stop at the first command whose results differ")],
            logged: false,
            effect: .rerunsLog),
        run: SessionsCommands.replay)

    static let fork = Command(
        CommandSpec(
            "fork", area: "Session", "start a branch from the state after command N",
            details: """
                Same as 'branch new fork-N from=N': replays the session's commands up to number N (see 'history') into \
                a new branch called fork-N, so you can try something else from there; the current branch is kept.
                """,
            examples: ["fork 5"],
            positionals: [PositionalSpec("n", .int, "command number from 'history'")],
            logged: false,
            effect: .rerunsLog),
        run: SessionsCommands.fork)
}

enum SessionsCommands {
    static func save(_ inv: Invocation, _ ctx: ShellContext) throws {
        guard let path = inv.string("path") else { return }
        try ctx.checkOverwrite(inv, path: path)
        let full = ctx.expand(path)
        do {
            try SessionFile.save(ctx.session, startSeed: startSeed(ctx), to: full)
        } catch {
            throw inv.error("cannot write '\(path)': \(error)", at: "path")
        }
        let x = ctx.session.experiment
        let size = (try? FileManager.default.attributesOfItem(atPath: full)[.size] as? Int) ?? 0
        ctx.console.write("saved the session to \(path) (\(size / 1024) KB): \(summary(x)), "
                          + "\(ctx.session.commandLog.count.counted("command"))")
    }

    static func summary(_ x: Experiment) -> String {
        let model: String
        switch x.modelRecipe {
        case .ultimus(let v, let a, _)?: model = "UltimusNet \(v.rawValue)/\(a.rawValue)"
        case .layers(let specs)?: model = "network of \(specs.count) layers"
        case .vit(let r)?: model = "ViT \(r.arguments)"
        case nil: model = "no model"
        }
        return "\(model), \(x.completedEpochs.counted("epoch")) done, step \(x.globalStep)"
    }

    static func startSeed(_ ctx: ShellContext) -> UInt64 { ctx.session.experiment.startSeed ?? ctx.shell.options.seed }

    static func load(_ inv: Invocation, _ ctx: ShellContext) throws {
        guard let path = inv.string("path") else { return }
        let loaded: LoadedSession
        do { loaded = try SessionFile.read(path: ctx.expand(path)) } catch let error as ExperimentError {
            throw inv.error(error.message.replacingOccurrences(of: ctx.expand(path), with: path), at: "path")
        }
        if !loaded.verified { ctx.console.warning(unverified(path)) }
        SessionFile.install(loaded, into: ctx.session)
        ctx.session.branches = loaded.branches ?? BranchSet()
        ctx.session.lastGood = loaded.rollback?.lastGood
        ctx.session.guardStop = loaded.rollback?.guardStop
        // The loaded log stands for the 'load' (it is not logged); numbering goes on after it, so
        // command numbers (and the digests keyed by them) stay unique.
        ctx.shell.promptNumber = max(ctx.shell.promptNumber, (ctx.session.commandLog.last?.number ?? 0) + 1)
        let x = ctx.session.experiment
        ctx.console.write("loaded \(path): \(summary(x)), \(ctx.session.commandLog.count.counted("command")); "
                          + "the next 'train' continues from here")
        if let note = threadNote(saved: loaded.record.threads, ctx) { ctx.console.write(note) }
    }

    /// A note when a session file was saved at another thread count than this session runs at:
    /// sums split across threads round differently, so results are not bit-identical.
    static func threadNote(saved: Int?, _ ctx: ShellContext) -> String? {
        guard let saved else {
            return "note: this file does not record its thread count (this session runs at "
                   + "threads=\(ctx.session.threads)); "
                + "bit-identical results need the count it ran with"
        }
        guard saved != ctx.session.threads else { return nil }
        return "note: the session ran at threads=\(saved), this one at threads=\(ctx.session.threads): "
               + "results differ in the last bits; "
            + "'set threads=\(saved)' makes them bit-identical"
    }

    static func unverified(_ path: String) -> String {
        "\(path) has no checksums (saved by an older workbench): its contents cannot be verified"
    }

    static func exportWeights(_ inv: Invocation, _ ctx: ShellContext) throws {
        guard let path = inv.string("path") else { return }
        let model = try ctx.session.experiment.requireModel()
        try ctx.checkOverwrite(inv, path: path)
        var entries: [SafeTensorsEntry] = []
        for (key, value) in model.stateDict() {
            switch value {
            case .float32(let t): entries.append(SafeTensorsEntry(name: key, tensor: t))
            case .int64(let shape, let values): entries.append(SafeTensorsEntry(name: key, int64s: values,
                                                                                shape: shape))
            }
        }
        let full = ctx.expand(path)
        do {
            try AtomicWriter.makeFolders(PathName.folder(of: full), for: full)
            try SafeTensors.write(entries, metadata: ["format": "pt"], to: full)
        } catch {
            throw inv.error("cannot write '\(path)': \(error)", at: "path")
        }
        ctx.console.write("wrote \(entries.count) tensors (\(DataState.grouped(model.parameterCount)) parameters) to "
                          + "\(path); in PyTorch: model.load_state_dict(safetensors.torch.load_file('\(path)'))")
    }

    static func importWeights(_ inv: Invocation, _ ctx: ShellContext) throws {
        guard let path = inv.string("path") else { return }
        let x = ctx.session.experiment
        let model = try x.requireModel()
        let file: SafeTensorsFile
        do { file = try SafeTensors.read(path: ctx.expand(path)) } catch {
            var isFolder: ObjCBool = false
            let readable = FileManager.default.isReadableFile(atPath: ctx.expand(path))
                && FileManager.default.fileExists(atPath: ctx.expand(path), isDirectory: &isFolder)
                && !isFolder.boolValue
            let hint = "import weights reads a safetensors state dict, as 'export weights PATH' "
                + "or safetensors.torch.save_file write it"
            throw inv.error("\(error)".replacingOccurrences(of: ctx.expand(path), with: path), at: "path",
                            suggestion: readable ? hint : nil)
        }
        var state = StateDict()
        for entry in file.entries {
            switch entry.dtype {
            case .i64, .i32: state[entry.name] = .int64(shape: entry.shape, values: entry.int64s)
            default: state[entry.name] = .float32(entry.tensor())
            }
        }
        if let bad = state.first(where: { !$0.value.isAllFinite }) {
            throw inv.error("\(path): tensor \(bad.key) holds NaN or Inf; nothing was imported", at: "path")
        }
        let report: LoadReport
        do {
            report = try model.load(stateDict: state, strict: inv.bool("strict") ?? true)
        } catch let error as StateDictError {
            throw inv.error("\(path): \(error.description)", at: "path")
        }
        var line = "imported \(state.count - report.unexpectedKeys.count) tensors from \(path)"
        if !report.missingKeys.isEmpty {
            line += "; kept the model's own \(report.missingKeys.joined(separator: ", "))"
        }
        if !report.unexpectedKeys.isEmpty { line += "; ignored \(report.unexpectedKeys.joined(separator: ", "))" }
        ctx.console.write(line)
        x.figures = [x.weightDigest]
        ctx.recordDigest()
    }

    // MARK: Replay and fork

    /// Resets the session to a fresh state seeded with `seed`, then runs `commands` (only those
    /// ``ReplayPolicy`` allows), calling `check` after each one that succeeded. If one fails (or is
    /// interrupted) the session is put back as it was before.
    /// - Returns: the number of commands executed.
    static func rerun(_ commands: [LoggedCommand], seed: UInt64, ctx: ShellContext, source: String,
                      check: (LoggedCommand, CommandDigest?) throws -> Void) throws -> Int {
        let before = ctx.session.saved()
        ctx.session.isRerunning = true
        defer { ctx.session.isRerunning = false }
        do {
            return try rerunFresh(commands, seed: seed, ctx: ctx, source: source, check: check)
        } catch {
            ctx.session.restore(before)
            throw error
        }
    }

    private static func rerunFresh(_ commands: [LoggedCommand], seed: UInt64, ctx: ShellContext, source: String,
                                   check: (LoggedCommand, CommandDigest?) throws -> Void) throws -> Int {
        let session = ctx.session
        session.reseed(seed)
        session.commandLog = []
        let fresh = Experiment()
        fresh.startSeed = seed
        fresh.autosavePath = session.experiment.autosavePath
        session.experiment = fresh
        var executed = 0
        for (i, entry) in commands.enumerated() {
            guard let line = ReplayPolicy.replayLine(for: entry.text, table: ctx.shell.table) else {
                let shown = PrintableText.escaped(entry.text)
                ctx.console.write(ctx.console.styled("[\(source) \(entry.number)] \(shown)  (skipped: "
                                                     + "it does not change the experiment)", .dim))
                continue
            }
            ctx.console.write(ctx.console.styled("[\(source) \(entry.number)] \(line)", .dim))
            switch ctx.shell.execute(line: line, source: source, lineNumber: i + 1) {
            case .ok, .quit: break
            case .failed(let message):
                if ctx.interruptRequested { throw Interrupted(source) }
                throw ExperimentError("\(source) stopped at command \(entry.number) '\(entry.text)': "
                                      + "it failed (\(message))")
            }
            executed += 1
            let digest = session.commandLog.last.flatMap { session.experiment.digests[$0.number] }
            try check(entry, digest)
        }
        return executed
    }

    /// Whether `inv` writes a file outside the output folder (`to=PATH`, `report DIR`).
    static func writesOutsideOutput(_ inv: Invocation, ctx: ShellContext) -> Bool {
        guard let target = inv.command == "report" ? inv.string("dir") : inv.string("to") else { return false }
        let file = inv.command == "report" ? PathName.joined(target, "README.md") : target
        return !ctx.isInsideOutput(file)
    }

    static func replay(_ inv: Invocation, _ ctx: ShellContext) throws {
        guard let path = inv.string("path") else { return }
        guard !ctx.session.isRerunning else { throw inv.error("a replay cannot start another replay", at: "path") }
        let loaded: LoadedSession
        do { loaded = try SessionFile.read(path: ctx.expand(path)) } catch let error as ExperimentError {
            throw inv.error(error.message, at: "path")
        }
        let record = loaded.record
        let verify = inv.bool("verify") ?? true
        let note = threadNote(saved: record.threads, ctx)
        if let note { ctx.console.write(note) }
        var verified = 0
        // After the last command it runs, the weights are compared with the tensors the file stores.
        let last = record.commandLog.last { ReplayPolicy.replayLine(for: $0.text, table: ctx.shell.table) != nil }?
            .number
        let stored = loaded.experiment.model == nil ? nil : loaded.experiment.weightDigest
        let seed = record.startSeed ?? record.seed
        let executed = try rerun(record.commandLog, seed: seed, ctx: ctx, source: "replay") { entry, got in
            if verify, entry.number == last, let stored, ctx.session.experiment.weightDigest != stored {
                throw ExperimentError("replay: the weights after command \(entry.number) differ from the tensors "
                                      + "stored in \(path)")
            }
            guard verify, let want = record.digests[entry.number] else { return }
            guard let got else {
                throw ExperimentError("replay: command \(entry.number) '\(entry.text)' recorded results but printed "
                                      + "none now")
            }
            if got.weights != want.weights || got.figures != want.figures {
                ctx.console.write("replay: command \(entry.number) '\(entry.text)' differs from the saved session:")
                ctx.console.write("  saved:  weights \(want.weights)  \(want.figures.joined(separator: " | "))")
                ctx.console.write("  now:    weights \(got.weights)  \(got.figures.joined(separator: " | "))")
                let threads = record.threads.map { saved in
                    saved == ctx.session.threads
                        ? "" : "; it was saved at threads=\(saved): 'set threads=\(saved)' and replay again"
                }
                throw ExperimentError("replay stopped at command \(entry.number): its results differ (shown above)"
                                      + (threads ?? ""))
            }
            verified += 1
        }
        if !loaded.verified { ctx.console.warning(unverified(path)) }
        let verifiedText = verify ? ", \(verified) verified identical (weights and printed figures)" : ""
        ctx.console.write("replay: \(executed.counted("command")) re-executed\(verifiedText)")
    }

    /// `fork N`: `branch new fork-N from=N` (the current branch is kept).
    static func fork(_ inv: Invocation, _ ctx: ShellContext) throws {
        guard let n = inv.int("n") else { return }
        guard !ctx.session.isRerunning else { throw inv.error("a replay cannot start a fork", at: "n") }
        var name = "fork-\(n)", k = 2
        while ctx.session.branches.names.contains(name) { name = "fork-\(n)-\(k)"; k += 1 }
        try BranchCommands.create(name, from: n, inv, ctx)
    }

    /// Checks that command `n` is in the log (for `fork N` and `branch new ... from=N`).
    static func checkForkTarget(_ n: Int, _ inv: Invocation, _ ctx: ShellContext) throws {
        let log = ctx.session.commandLog
        guard log.contains(where: { $0.number == n }) else {
            let numbers = log.map(\.number)
            throw inv.error("there is no command \(n) in this session's history", at: "n",
                            suggestion: numbers.isEmpty ? "run some commands first"
                                : numbers.count == 1 ? "the only one is \(numbers[0])"
                                : "pick one that 'history' lists (\(numbers.first!) to \(numbers.last!))")
        }
    }

    static func status(_ ctx: ShellContext) {
        let lines = SessionStatus.lines(ctx.session, autosave: TrainingCommands.autosaveLocation(ctx))
        let width = lines.map(\.0.count).max() ?? 0
        let padded = lines.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
        ctx.console.write(padded.joined(separator: "\n"))
    }

    // MARK: set autosave=, probes=

    /// `probes=3,57,cat.png`: test indices (checked against the data when loaded) and image files;
    /// `classes` (or `default`) is one per class.
    static func probeChoice(_ items: [String], _ inv: Invocation,
                            _ ctx: ShellContext) throws -> (indices: [Int], files: [ImageFile]) {
        if items.count == 1, ["classes", "default"].contains(items[0].lowercased()) { return ([], []) }
        var indices: [Int] = [], files: [ImageFile] = []
        let testCount = ctx.session.experiment.data?.splits.test.count
        for item in items {
            if let n = Int(item) {
                guard n >= 0, n < (testCount ?? Int.max) else {
                    throw inv.error("probe \(item) is not a test image", at: "probes",
                                    suggestion: "the test split has \((testCount ?? 0).counted("image")): "
                                                + "0…\((testCount ?? 1) - 1)")
                }
                indices.append(n)
            } else {
                files.append(try InspectionCommands.wrap(inv, at: "probes") {
                    try ImageFile(path: ctx.expand(item), name: item)
                })
            }
        }
        guard indices.count + files.count <= 64 else {
            throw inv.error("\(indices.count + files.count) probes is too many", at: "probes",
                            suggestion: "choose up to 64")
        }
        if indices.isEmpty && files.isEmpty {
            throw inv.error("probes= needs test indices or image files", at: "probes",
                            suggestion: "e.g. probes=3,57 or probes=classes")
        }
        return (indices, files)
    }

    static func set(_ inv: Invocation, _ ctx: ShellContext) throws {
        let x = ctx.session.experiment
        var autosave: String??
        if let value = inv.string("autosave") {
            switch value.lowercased() {
            case "off", "false", "no", "none": autosave = .some(nil)
            case "on", "true", "yes": autosave = .some("autosave.ult-session")
            default:
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: ctx.expand(value), isDirectory: &isDirectory),
                   isDirectory.boolValue {
                    throw inv.error("'\(value)' is a folder; give a file name", at: "autosave")
                }
                autosave = .some(value)
            }
        }
        let probes = try inv.strings("probes").map { try probeChoice($0, inv, ctx) }
        let others = inv.explicit.subtracting(["autosave", "probes"])
        if !others.isEmpty || inv.explicit.isEmpty { try ctx.shell.setCommand(inv) }
        if let autosave { x.autosavePath = autosave }
        if let probes {
            let hadFrames = !x.timeline.frames.isEmpty
            x.setProbes(indices: probes.indices, files: probes.files)
            if let data = x.data, let images = x.probeImages(data) {
                ctx.console.write(images.listing(classNames: data.classNames))
            } else {
                ctx.console.write(probes.indices.isEmpty && probes.files.isEmpty
                                  ? "probes: the first test image of each class"
                                  : "probes: test images \(probes.indices.map(String.init).joined(separator: ", "))"
                                    + probes.files.map { ", \($0.name)" }.joined())
            }
            if hadFrames {
                ctx.console.write("the attention time-lapse starts again with these probes (its frames were of the old "
                                  + "ones)")
            }
        }
        if inv.isExplicit("autosave") || inv.explicit.isEmpty {
            ctx.console.write("autosave=\(TrainingCommands.autosaveLocation(ctx) ?? "off")")
        }
    }
}
