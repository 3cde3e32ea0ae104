import Foundation

/// What the shell does with a line before parsing it: `CMD?` and `?CMD` as help, `time CMD`, `clear`.
extension Shell {
    /// `help CMD` for `CMD?` or `?CMD` (`help` for a lone `?`); `nil` for any other line. CMD is a
    /// command of `table`, optionally with one of its subcommands (`optim adam?`); anything else
    /// goes to the parser, which names what is wrong with it.
    static func helpRewrite(_ line: String, table: CommandTable = .standard) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed == "?" { return "help" }
        let topic: Substring
        if trimmed.hasPrefix("?") {
            topic = trimmed.dropFirst()
        } else if trimmed.hasSuffix("?") {
            topic = trimmed.dropLast()
        } else {
            return nil
        }
        let words = topic.split(separator: " ").map(String.init)
        guard (1...2).contains(words.count), let spec = table.command(named: words[0]) else { return nil }
        if words.count == 2, !spec.subcommands.contains(where: { $0.name == words[1] }) { return nil }
        return "help " + words.joined(separator: " ")
    }

    /// The command after `time`, when `line` is `time CMD`.
    static func timedCommand(_ line: String) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("time "), !trimmed.hasPrefix("time?") else { return nil }
        let rest = trimmed.dropFirst(5).trimmingCharacters(in: .whitespaces)
        return rest.isEmpty ? nil : rest
    }

    /// `time` reaching its handler: its command followed another blank than a space (a tab), so
    /// ``timedCommand(_:)`` left the line to the parser. Times the rest of the line the same way.
    func timeCommand(_ inv: Invocation) {
        let rest = inv.text.drop { !$0.isWhitespace }.trimmingCharacters(in: .whitespaces)
        guard !rest.isEmpty else { return }
        _ = timed(rest, source: nil, lineNumber: inv.statement.line)
    }

    /// Runs `command` and prints its wall time, whatever became of it.
    func timed(_ command: String, source: String?, lineNumber: Int) -> CommandStatus {
        let start = DispatchTime.now().uptimeNanoseconds
        let status = execute(line: command, source: source, lineNumber: lineNumber)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        console.write("time: " + String(format: seconds < 10 ? "%.3f s" : "%.1f s", seconds) + " (\(command))")
        return status
    }

    /// `clear`: the ANSI sequence that homes the cursor and erases the screen, on a terminal only.
    func clearScreen() {
        if console.isTerminal { console.emit("\u{1B}[H\u{1B}[2J", toError: false) }
    }
}
