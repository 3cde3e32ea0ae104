import Autograd
import ExperimentKit
import Foundation

extension Command {
    static let help = Command(
        CommandSpec(
            "help", area: "Session", "list the commands, or explain one",
            details: """
                With no argument, lists every command with a one-line summary. With a command name, shows its \
                arguments, their types and defaults, and an example. 'train?' and '?train' are short for 'help \
                train'. Tab completes commands, argument names and values everywhere.
                """,
            examples: ["help", "help train", "help optim adam"],
            positionals: [
                PositionalSpec("command", .string, required: false, completion: .command, "the command to explain"),
                PositionalSpec("subcommand", .string, required: false, "one of its subcommands"),
            ],
            logged: false,
            effect: .shows),
        run: { inv, ctx in try ctx.shell.help(inv) })

    static let clear = Command(
        CommandSpec(
            "clear", area: "Session", "clear the terminal screen",
            details: """
                Clears the screen and puts the prompt at the top. Writes nothing when the output is not a \
                terminal.
                """,
            examples: ["clear"], logged: false, effect: .shows),
        run: { _, ctx in ctx.shell.clearScreen() })

    static let time = Command(
        CommandSpec(
            "time", area: "Session", "run a command and print its wall time",
            details: """
                time CMD runs CMD as if typed alone, then prints how long it took ('time: 1.23 s'), whether it \
                succeeded or failed. CMD is logged as itself.
                """,
            examples: ["time eval", "time summary"],
            positionals: [
                PositionalSpec("command", .string, completion: .command, "the command to time, with its arguments"),
            ],
            logged: false, effect: .changesExperiment),
        run: { inv, ctx in ctx.shell.timeCommand(inv) })

    static let run = Command(
        CommandSpec(
            "run", area: "Session", "run the commands of a script file",
            details: """
                Runs PATH (a script, or the code cells of a .ipynb notebook) line by line as if typed, stopping \
                at the first error with FILE:LINE: error: .... Scripts use the same language as the prompt; '#' \
                starts a comment.
                """,
            examples: ["run sessions/quickstart.ult"],
            positionals: [PositionalSpec("path", .path, "the script to run")],
            logged: false,
            effect: .runsScript),
        run: { inv, ctx in try ctx.shell.runCommand(inv) })

    static let quit = Command(
        CommandSpec(
            "quit", area: "Session", "leave the workbench (Ctrl-D also quits)",
            examples: ["quit"], aliases: ["exit"], logged: false,
            effect: .shows),
        run: { _, ctx in ctx.requestQuit() })
}

extension Shell {
    func help(_ inv: Invocation) throws {
        guard let name = inv.string("command") else {
            console.write(table.overview(width: console.width))
            return
        }
        guard let spec = table.command(named: name) else {
            throw inv.error(
                "no command called '\(name)'", at: "command",
                suggestion: EditDistance.suggestion(for: name, in: table.names) ?? "type 'help' for the list")
        }
        if let sub = inv.string("subcommand"), spec.subcommand(named: sub) == nil {
            throw inv.error(
                "'\(spec.name)' has no subcommand '\(sub)'", at: "subcommand",
                suggestion: EditDistance.suggestion(for: sub, in: spec.subcommands.map(\.name)))
        }
        console.write(table.help(for: spec, subcommand: inv.string("subcommand"), width: console.width))
    }

    func history(last: Int?) {
        let log = session.commandLog
        let shown = last.map { Array(log.suffix($0)) } ?? log
        if shown.isEmpty {
            console.write("(no commands yet)")
            return
        }
        // Numbers need not grow along the log (a loaded or forked log keeps its own): pad to the widest.
        let width = shown.map { String($0.number).count }.max() ?? 1
        for entry in shown {
            let number = String(entry.number)
            let pad = String(repeating: " ", count: width - number.count)
            let time = entry.seconds > 1 ? console.styled("  (\(Shell.formatDuration(entry.seconds)))", .dim) : ""
            // A loaded log is data: its control characters are shown escaped, never sent to the terminal.
            console.write("\(pad)\(console.styled(number, .dim))  \(PrintableText.escaped(entry.text))\(time)")
        }
    }

    func runCommand(_ inv: Invocation) throws {
        guard let path = inv.string("path") else { return }
        let expanded = PathName.expandingTilde(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: expanded, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw inv.error("no script at '\(path)'", at: "path",
                            suggestion: "check the path; Tab completes file names")
        }
        let code = runScript(path: path, stopOnError: true)
        if code == 130 { throw Interrupted("run \(path)") }
        if code != 0 { throw ScriptFailed(path: path) }
    }

    func setCommand(_ inv: Invocation) throws {
        guard !inv.explicit.isEmpty else {
            console.write("seed=\(session.seed) threads=\(session.threads) out=\(session.outputDirectory) "
                          + "images=\(imagesSetting)")
            return
        }
        // Check everything before changing anything.
        if let out = inv.string("out") {
            let expanded = PathName.expandingTilde(out)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: expanded, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw inv.error("'\(out)' is a file, not a folder", at: "out")
            }
            // A folder that does not exist yet is created on the first write: its nearest existing
            // ancestor must be a folder, or that write could never succeed.
            var ancestor = PathName.folder(of: expanded)
            while !ancestor.isEmpty, !FileManager.default.fileExists(atPath: ancestor, isDirectory: &isDirectory) {
                ancestor = PathName.folder(of: ancestor)
            }
            if !ancestor.isEmpty, !isDirectory.boolValue {
                throw inv.error("'\(out)' cannot be a folder: '\(ancestor)' is a file", at: "out",
                                suggestion: "pick a folder under an existing folder")
            }
        }
        if let seed = inv.int("seed") { session.reseed(UInt64(seed)) }
        if let threads = inv.int("threads") { session.threads = threads }
        if let out = inv.string("out") { session.outputDirectory = out }
        if let images = inv.string("images") { console.imageOverride = TerminalImageProtocol(rawValue: images) }
        var changed: [String] = []
        if inv.isExplicit("seed") { changed.append("seed=\(session.seed)") }
        if inv.isExplicit("threads") { changed.append("threads=\(session.threads)") }
        if inv.isExplicit("out") { changed.append("out=\(session.outputDirectory)") }
        if inv.isExplicit("images") { changed.append("images=\(imagesSetting)") }
        console.write(changed.joined(separator: " "))
    }

    /// `images=` as `set` shows it: the override, or `auto (PROTOCOL)`.
    var imagesSetting: String {
        console.imageOverride?.rawValue ?? "auto (\(console.images.rawValue))"
    }

    func saveScript(_ inv: Invocation) throws {
        guard let path = inv.string("path") else { return }
        let expanded = PathName.expandingTilde(path)
        let force = inv.bool("force") ?? false
        if FileManager.default.fileExists(atPath: expanded), !force {
            throw inv.error("'\(path)' exists", at: "path", suggestion: "add force=true to overwrite it")
        }
        let header = "# ultimus-repl \(workbenchVersion) session, seed \(session.seed): "
            + "\(session.commandLog.count) commands"
        let context = ShellContext(shell: self)
        let script = session.script(header: header) { !ReplayPolicy.scriptKeeps($0, ctx: context) }
        do {
            try AtomicWriter.write(script, to: expanded, createFolders: true)
        } catch {
            throw inv.error("cannot write '\(path)': \(Shell.describeFileError(error))", at: "path")
        }
        console.write("wrote \(session.commandLog.count.counted("command")) to \(path)")
    }
}

extension Shell {
    func saveNotebook(_ inv: Invocation) throws {
        guard let path = inv.string("path") else { return }
        guard path.lowercased().hasSuffix(".ipynb") else {
            throw inv.error("a notebook file ends in .ipynb", at: "path", suggestion: "save notebook \(path).ipynb")
        }
        let expanded = (path as NSString).expandingTildeInPath
        if FileManager.default.fileExists(atPath: expanded), inv.bool("force") != true {
            throw inv.error("'\(path)' exists", at: "path", suggestion: "add force=true to overwrite it")
        }
        do {
            try AtomicWriter.write(Notebook.json(of: session), to: expanded, createFolders: true)
        } catch {
            throw inv.error("cannot write '\(path)': \(Shell.describeFileError(error))", at: "path")
        }
        let images = session.commandLog.reduce(0) { $0 + (session.outputs[$1.number]?.images.count ?? 0) }
        console.write("wrote \(session.commandLog.count.counted("command")) and \(images.counted("image")) to \(path)")
    }
}

/// A script run by `run` stopped at an error (already reported with its line).
struct ScriptFailed: Error, CustomStringConvertible {
    var path: String
    var description: String { "script \(path) stopped at an error" }
}
