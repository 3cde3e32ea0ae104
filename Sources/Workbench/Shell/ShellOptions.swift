/// How a ``Shell`` starts.
public struct ShellOptions {
    /// Seed of the session's generators.
    public var seed: UInt64
    /// Kernel threads; `nil` keeps the default (all cores, at most 2).
    public var threads: Int?
    /// Where datasets are looked for first.
    public var dataDirectory: String?
    /// Folder for generated files.
    public var outputDirectory: String
    /// Where output goes.
    public var console: Console
    /// Input is typed after the shell's prompt on a terminal: error carets then line up under the
    /// typed text, which is still on screen; otherwise the offending line is echoed above the caret.
    public var alignsCaretsUnderPrompt: Bool
    /// This shell's Ctrl-C; the REPL's signal handler and the Jupyter kernel raise it.
    public var interrupt: CancellationToken

    public init(
        seed: UInt64 = 1, threads: Int? = nil, dataDirectory: String? = nil, outputDirectory: String = "ultimus-out",
        console: Console = Console.standard(), alignsCaretsUnderPrompt: Bool = false,
        interrupt: CancellationToken = CancellationToken()
    ) {
        self.seed = seed
        self.threads = threads
        self.dataDirectory = dataDirectory
        self.outputDirectory = outputDirectory
        self.console = console
        self.alignsCaretsUnderPrompt = alignsCaretsUnderPrompt
        self.interrupt = interrupt
    }
}

/// What became of one command.
public enum CommandStatus: Equatable, Sendable {
    case ok
    /// The command failed; the message has been printed already.
    case failed(String)
    /// The user asked to leave.
    case quit
}
