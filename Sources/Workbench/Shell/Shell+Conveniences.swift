import Foundation

/// What the shell does with a line before parsing it: `CMD?` and `?CMD` as help, `time CMD`, `clear`.
extension Shell {
    /// `help CMD` for `CMD?` or `?CMD` (`help` for a lone `?`); `nil` for any other line.
    static func helpRewrite(_ line: String) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.hasPrefix("#") else { return nil }
        if trimmed == "?" { return "help" }
        if trimmed.hasPrefix("?") { return "help " + trimmed.dropFirst().trimmingCharacters(in: .whitespaces) }
        if trimmed.hasSuffix("?"), !trimmed.contains("=") {
            return "help " + trimmed.dropLast().trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// The command after `time`, when `line` is `time CMD`.
    static func timedCommand(_ line: String) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("time "), !trimmed.hasPrefix("time?") else { return nil }
        let rest = trimmed.dropFirst(5).trimmingCharacters(in: .whitespaces)
        return rest.isEmpty ? nil : rest
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
