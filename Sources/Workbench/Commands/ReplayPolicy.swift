import Foundation

/// What `replay` and `fork` may re-execute from a command log, decided on the parsed command.
///
/// A log is data: re-running it may only change the experiment in memory. It never writes a file,
/// fetches a URL, runs a script, replays another log, or moves the output folder or autosave file.
enum ReplayPolicy {
    /// Commands that change the experiment in memory and write nothing.
    static let inMemory: Set<String> = [
        "data", "model", "layer", "optim", "sched", "train", "lrfind", "eval", "check", "predict", "intervene",
    ]
    /// Commands a saved script writes as comments: re-running them writes files or runs other logs.
    static let writers: Set<String> = ["save", "export", "replay", "fork", "download", "run", "load", "quit"]

    /// The line to execute for a logged command, or `nil` to skip it. `set seed= threads=` is kept
    /// (it shapes the numbers) with any `out=` or `autosave=` dropped.
    static func replayLine(for text: String, table: CommandTable) -> String? {
        guard !PrintableText.hasControlCharacters(text), let inv = try? table.invocation(for: text) else { return nil }
        if inv.explicit.contains("to") || inv.explicit.contains("dir") { return nil }
        switch inv.command {
        case "set":
            let kept = ["seed", "threads"].filter { inv.isExplicit($0) }.compactMap { name in
                inv.values[name].map { "\(name)=\($0)" }
            }
            return kept.isEmpty ? nil : "set " + kept.joined(separator: " ")
        case "import": return inv.subcommand == "weights" ? text : nil
        default: return inMemory.contains(inv.command) ? text : nil
        }
    }

    /// Whether a saved script keeps `text` as a command (otherwise it becomes a comment).
    static func scriptKeeps(_ text: String, ctx: ShellContext) -> Bool {
        guard let inv = try? ctx.shell.table.invocation(for: text) else { return true }
        if writers.contains(inv.command) { return false }
        return !SessionsCommands.writesOutsideOutput(inv, ctx: ctx)
    }
}
