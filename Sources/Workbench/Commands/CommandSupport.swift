import Autograd
import ExperimentKit
import Foundation

/// A tqdm-format progress line on the shell's console: redrawn in place on a terminal, printed
/// once (its final state) elsewhere.
final class ConsoleProgress {
    private let console: Console
    private var bar: ProgressBar

    init(console: Console, total: Int?, description: String = "", alreadyDone: Int = 0, elapsed: Double = 0) {
        self.console = console
        let style = RenderStyle(color: console.color, unicode: console.unicode,
                                width: console.isTerminal ? console.width - 1 : 1000)
        bar = ProgressBar(total: total, description: description, startTime: ConsoleProgress.now() - elapsed,
                          style: style)
        if !console.isTerminal { bar.width = nil }
        if alreadyDone > 0 { _ = bar.update(alreadyDone, now: ConsoleProgress.now()) }
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    var count: Int { bar.n }

    /// Advances to `done` iterations with a new description.
    func update(to done: Int, description: String? = nil) {
        if let description { bar.description = description }
        if let line = bar.update(max(0, done - bar.n), now: Self.now()) { console.progress(line) }
    }

    /// Shows the closing line and ends it (printed once when not on a terminal).
    func finish() {
        console.progress(bar.finalLine(now: Self.now()))
        console.endProgress()
    }
}

extension ShellContext {
    /// The number of the command now running (its prompt number).
    var commandNumber: Int { shell.promptNumber - 1 }

    /// Stores the running command's digest (weights and printed figures) for `replay verify=true`.
    func recordDigest() {
        let x = session.experiment
        x.digests[commandNumber] = CommandDigest(weights: x.weightDigest, figures: x.figures)
    }

    /// Logs a replacement for a command that stopped part-way but changed state (`train steps=K`),
    /// so the command log still replays to the same state.
    func logPartial(_ text: String) {
        session.commandLog.append(LoggedCommand(number: commandNumber, text: text, seconds: 0))
        recordDigest()
    }

    /// A path as typed, with `~` expanded.
    func expand(_ path: String) -> String { PathName.expandingTilde(path) }

    /// Whether `path` lies inside the session's output folder.
    func isInsideOutput(_ path: String) -> Bool {
        let out = URL(fileURLWithPath: expand(session.outputDirectory)).standardizedFileURL.path
        let p = URL(fileURLWithPath: expand(path)).standardizedFileURL.path
        return p.hasPrefix(out + "/")
    }

    /// Refuses to overwrite an existing file outside the output folder unless `force=true`.
    func checkOverwrite(_ invocation: Invocation, path: String) throws {
        let full = expand(path)
        if FileManager.default.fileExists(atPath: full), !isInsideOutput(full), invocation.bool("force") != true {
            throw invocation.error("'\(path)' exists", at: "path", suggestion: "add force=true to overwrite it")
        }
    }
}
