import Foundation

/// Runs one validated command. Throw to fail; a handler must check everything it can before it
/// changes any state, so that a failed command changes nothing.
///
/// Throw `invocation.error("...", at: "lr")` (a ``Diagnostic``) to point at an argument; any
/// other error is shown with its description.
public typealias CommandHandler = (Invocation, ShellContext) throws -> Void

/// What a handler gets besides its arguments.
public struct ShellContext {
    public let shell: Shell

    public init(shell: Shell) { self.shell = shell }

    public var session: Session { shell.session }
    public var console: Console { shell.console }

    /// True once Ctrl-C was pressed during this command: long loops stop at the next batch.
    public var interruptRequested: Bool { shell.interrupt.isRaised }

    /// Asks the user a question at the terminal and returns the typed answer (trimmed), or `nil`
    /// when the session is not interactive or the user pressed Ctrl-C/Ctrl-D. For `quiz`.
    public func ask(_ question: String) -> String? {
        guard let reader = shell.answerReader else { return nil }
        return reader(question).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Leaves the workbench after this command.
    public func requestQuit() { shell.quitRequested = true }
}
