@preconcurrency import CEditLine
import Workbench
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// libedit through its readline-compatible API: line editing, a history file and Tab completion
/// through `Shell.completions`. One instance per process (libedit's readline state is global).
final class LineEditor {
    private let historyPath: String?
    private var historyWritable: Bool
    /// Prints the one warning about an unsaved history.
    private let warn: (String) -> Void

    /// - Parameter historyPath: the history file; `nil` keeps history for this run only.
    init(shell: Shell, historyPath: String?) {
        completionShell = shell
        self.historyPath = historyPath
        let console = shell.console
        warn = { console.warning($0) }
        rl_readline_name = UnsafePointer(strdup("ultimus"))
        rl_attempted_completion_function = attemptCompletion
        rl_completer_word_break_characters = strdup(" \t=,\"'")
        rl_completion_append_character = 32
        using_history()
        stifle_history(2000)
        historyWritable = false
        if let historyPath {
            _ = read_history(historyPath)
            historyWritable = LineEditor.canWrite(historyPath)
            if !historyWritable { warn("history not saved: cannot write \(historyPath)") }
        }
    }

    /// Whether the prompt is waiting for a line (read by the SIGINT handler).
    nonisolated(unsafe) static var isReading = false

    enum Input {
        case line(String)
        case interrupted
        case endOfInput
    }

    /// Reads one line with `prompt`.
    ///
    /// Keys typed while a command ran are dropped first: the terminal was in canonical mode then, and
    /// a Ctrl-D left an end-of-file mark that libedit read as a NUL, after which it inserted the next
    /// Ctrl-D into the line as a literal character instead of quitting.
    func read(prompt: String) -> Input {
        tcflush(STDIN_FILENO, TCIFLUSH)
        errno = 0
        LineEditor.isReading = true
        let raw = readline(prompt)
        LineEditor.isReading = false
        guard let raw else {
            return errno == EINTR || Signals.interrupt.isRaised ? .interrupted : .endOfInput
        }
        defer { free(raw) }
        return .line(String(cString: raw))
    }

    /// Adds a line to the history and writes the history file.
    func remember(_ line: String) {
        let trimmed = line.trimmingBlanks()
        guard !trimmed.isEmpty else { return }
        add_history(trimmed)
        // Permission checks can pass where writing fails (root on a read-only file system): warn once then.
        if historyWritable, let historyPath, write_history(historyPath) != 0 {
            historyWritable = false
            warn("history not saved: cannot write \(historyPath)")
        }
    }

    private static func canWrite(_ path: String) -> Bool {
        if access(path, F_OK) == 0 { return access(path, W_OK) == 0 }
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        return access(folder.isEmpty ? "/" : folder, W_OK) == 0
    }
}

extension String {
    func trimmingBlanks() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\n" || c == "\r" { s.removeLast() }
        return String(s)
    }
}

// libedit's callbacks carry no user data, so their state is global.
nonisolated(unsafe) private var completionShell: Shell?
nonisolated(unsafe) private var completionCandidates: [String] = []
nonisolated(unsafe) private var completionIndex = 0

private typealias CompletionGenerator = @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>?
private let completionGenerator: CompletionGenerator = { _, state in
    if state == 0 { completionIndex = 0 }
    guard completionIndex < completionCandidates.count else { return nil }
    defer { completionIndex += 1 }
    return strdup(completionCandidates[completionIndex])  // libedit frees it
}

private let attemptCompletion: @convention(c) (UnsafePointer<CChar>?, Int32, Int32)
    -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, _, end in
        rl_attempted_completion_over = 1  // never fall back to libedit's file-name completion
        guard let shell = completionShell, let buffer = rl_line_buffer else { return nil }
        let line = String(cString: buffer)
        let candidates = shell.completions(line: line, cursor: Int(end))
        guard !candidates.isEmpty else { return nil }
        completionCandidates = candidates
        // No blank after `lr=` or `folder/`: the user goes on typing.
        let open = candidates.allSatisfy { $0.hasSuffix("=") || $0.hasSuffix("/") }
        rl_completion_append_character = open ? 0 : 32
        return rl_completion_matches(text, completionGenerator)
    }
