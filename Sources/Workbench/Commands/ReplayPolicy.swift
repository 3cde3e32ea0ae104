import Foundation

/// What `replay` and `fork` may re-execute from a command log, decided on the parsed command.
///
/// A log is data: re-running it may only change the experiment in memory. It never writes a file,
/// fetches a URL, runs a script, replays another log, or moves the output folder or autosave file.
enum ReplayPolicy {
    /// Commands whose effect changes the experiment but which a log never re-runs: `load` replaces
    /// the session from a file, `quiz` asks the person at the keyboard.
    static let neverReplayed: Set<String> = ["load", "quiz", "quit"]

    /// The line to execute for a logged command, or `nil` to skip it. `set seed= threads=` is kept
    /// (it shapes the numbers) with any `out=` or `autosave=` dropped.
    static func replayLine(for text: String, table: CommandTable) -> String? {
        guard !PrintableText.hasControlCharacters(text), let inv = try? table.invocation(for: text),
              let spec = table.command(named: inv.command) else { return nil }
        if inv.explicit.contains("to") || inv.explicit.contains("dir") { return nil }
        switch inv.command {
        case "set":
            let kept = ["seed", "threads"].filter { inv.isExplicit($0) }.compactMap { name in
                inv.values[name].map { "\(name)=\($0)" }
            }
            return kept.isEmpty ? nil : "set " + kept.joined(separator: " ")
        case "import": return inv.subcommand == "weights" ? text : nil
        default: return spec.effect.isReplayed && !neverReplayed.contains(inv.command) ? text : nil
        }
    }

    /// Whether a saved script keeps `text` as a command (otherwise it becomes a comment).
    static func scriptKeeps(_ text: String, ctx: ShellContext) -> Bool {
        guard let inv = try? ctx.shell.table.invocation(for: text),
              let spec = ctx.shell.table.command(named: inv.command) else { return true }
        if !spec.effect.isScripted || inv.command == "load" || inv.command == "quit" { return false }
        return !SessionsCommands.writesOutsideOutput(inv, ctx: ctx)
    }
}
