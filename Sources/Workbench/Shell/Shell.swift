import Autograd
import ExperimentKit
import Foundation

/// The workbench's interpreter: parses, validates and runs command lines against a ``Session``.
///
/// The REPL executable and the tests drive it the same way:
/// ```swift
/// let shell = Shell(options: ShellOptions(seed: 1, console: CapturingConsole()))
/// shell.execute(line: "data synthetic n=256")
/// shell.runScript(path: "sessions/quickstart.ult", stopOnError: true)
/// ```
public final class Shell {
    /// SIGTERM or SIGHUP received: the running command stops as after Ctrl-C (a partial epoch is
    /// recorded and autosaved), then the program exits with status 128 + this signal.
    nonisolated(unsafe) public static var terminationSignal: Int32 = 0

    public let table: CommandTable
    public private(set) var session: Session
    public let console: Console
    public let options: ShellOptions
    /// This shell's Ctrl-C (``ShellOptions/interrupt``).
    public var interrupt: CancellationToken { options.interrupt }
    /// This shell's handlers (``Command/handlers`` unless replaced, e.g. by tests).
    public var handlers: [String: CommandHandler]
    /// Number of the next prompt, `[3]>`: counts every non-blank line entered.
    public var promptNumber = 1
    /// Set by `quit`.
    public internal(set) var quitRequested = false
    /// Depth of nested `run` commands (bounded, so a script running itself cannot overflow the stack).
    var scriptDepth = 0
    /// What the last successful command showed (for the Jupyter kernel).
    public private(set) var lastOutput: CommandOutput?
    /// Width of the prompt the current line was typed after.
    var promptWidth = 0
    /// Reads one line of the user's answer after showing a prompt (set by the interactive REPL);
    /// `nil` when nobody is at the keyboard (scripts, pipes, tests).
    public var answerReader: ((String) -> String?)?
    /// Supplies model-dependent names to Tab completion (layers, tensors, blocks).
    public var nameProvider: (NameKind, Session) -> [String] = CompletionNames.names

    public init(options: ShellOptions) {
        self.options = options
        self.console = options.console
        self.table = .standard
        self.session = Session(seed: options.seed, outputDirectory: options.outputDirectory,
                               dataDirectory: options.dataDirectory)
        self.handlers = Command.handlers
        if let threads = options.threads { session.threads = threads }
        // A writer killed mid-write leaves its temporary file: remove those whose process is gone.
        AtomicWriter.removeStaleTemporaries(in: PathName.expandingTilde(options.outputDirectory))
    }

    /// The prompt for the next line: `[3]> `.
    public var prompt: String { "[\(promptNumber)]> " }

    /// Runs one line typed at the prompt (or piped in).
    /// - Parameters:
    ///   - source: a script name for `SCRIPT:LINE: error:` messages; `nil` for typed input.
    ///   - lineNumber: the line's number in `source`.
    @discardableResult
    public func execute(line: String, source: String? = nil, lineNumber: Int = 1) -> CommandStatus {
        if let help = Shell.helpRewrite(line, table: table) {
            return execute(line: help, source: source, lineNumber: lineNumber)
        }
        if let command = Shell.timedCommand(line) { return timed(command, source: source, lineNumber: lineNumber) }
        let invocation: Invocation
        promptWidth = prompt.count
        lastOutput = nil
        do {
            guard let parsed = try table.invocation(for: line, lineNumber: lineNumber) else {
                noteComment(line)
                return .ok
            }
            invocation = parsed
        } catch {
            promptNumber += 1
            return fail(error, source: source, lineNumber: lineNumber)
        }
        let number = promptNumber
        promptNumber += 1
        return run(invocation, number: number, source: source, lineNumber: lineNumber)
    }

    private func run(_ invocation: Invocation, number: Int, source: String?, lineNumber: Int) -> CommandStatus {
        guard let handler = handlers[invocation.key] ?? handlers[invocation.command] else {
            let name = invocation.key
            let error = invocation.error("'\(name)' is not available yet",
                                         suggestion: "it arrives with the training commands")
            return fail(error, source: source, lineNumber: lineNumber)
        }
        // A Ctrl-C pressed while a script runs must stop the script, so only a command typed at
        // the top level starts with a clear flag.
        if scriptDepth == 0, Shell.terminationSignal == 0 { interrupt.clear() }
        let start = DispatchTime.now().uptimeNanoseconds
        let recording = OutputRecording(console: console, outputFolder: session.outputDirectory)
        do {
            try handler(invocation, ShellContext(shell: self))
        } catch {
            console.endProgress()
            recording.stop()
            return fail(error, source: source, lineNumber: lineNumber)
        }
        console.endProgress()
        let output = recording.stop(outputFolder: session.outputDirectory)
        session.outputs[number] = output
        lastOutput = output
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if seconds > 1 { console.write(console.styled("(\(Shell.formatDuration(seconds)))", .dim)) }
        if table.command(named: invocation.command)?.logged ?? true,
           !["save script", "save notebook"].contains(invocation.key) {
            session.commandLog.append(LoggedCommand(number: number, text: invocation.text, seconds: seconds))
        }
        if quitRequested { return .quit }
        return .ok
    }

    /// Prints an error and returns `.failed` with its one-line summary.
    /// - Parameter lineNumber: the failing line of `source`, shown as `SOURCE:LINE: error:`.
    func fail(_ error: Error, source: String?, lineNumber: Int) -> CommandStatus {
        if let d = error as? Diagnostic {
            let aligned = source == nil && options.alignsCaretsUnderPrompt
                && promptWidth + d.sourceLine.count < console.width
            console.error(d.rendered(file: source, echoLine: !aligned, indent: aligned ? promptWidth : 2,
                                     color: console.color))
            return .failed(d.summary)
        }
        let message = PrintableText.escaped(Shell.describeFoundationError(error)
            ?? (error as? LocalizedError)?.errorDescription ?? String(describing: error))
        let place = source.map { "\($0):\(lineNumber): " } ?? ""
        // Stopping on request is not an error.
        console.error(place + (error is Interrupted ? "" : console.styled("error:", .red) + " ") + message)
        return .failed(message)
    }

    /// `0.8 s`, `12.3 s`, `2 min 05 s`.
    static func formatDuration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let s = Int(seconds.rounded())
        return String(format: "%d min %02d s", s / 60, s % 60)
    }
}
