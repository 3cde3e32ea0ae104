/// One command of the workbench: its grammar and help (a ``CommandSpec``) and what running it does,
/// declared together, as `static let` members of this type in the file of the handler code:
///
///     extension Command {
///         static let eval = Command(
///             CommandSpec("eval", area: "Training", "evaluate on the test split", examples: ["eval"], effect: .shows),
///             run: TrainingCommands.eval)
///     }
///
/// and listed once in ``Command/all``, which builds the command table and the shell's handlers.
public struct Command {
    public let spec: CommandSpec
    /// What runs each invocation, by ``Invocation/key``: the command's name, or "command subcommand".
    public let handlers: [String: CommandHandler]

    /// A command that one handler runs, whatever its subcommand.
    public init(_ spec: CommandSpec, run: @escaping CommandHandler) {
        self.spec = spec
        self.handlers = [spec.name: run]
    }

    /// A command with a handler per subcommand; `run`, when given, runs it without a subcommand.
    /// Every subcommand of `spec` has a handler and every handler a subcommand, or this stops the
    /// program when the command list is first built (the first shell; every test of a shell).
    public init(_ spec: CommandSpec, run: CommandHandler? = nil, subcommands: [String: CommandHandler]) {
        let names = Set(spec.subcommands.map(\.name))
        precondition(names == Set(subcommands.keys),
                     "'\(spec.name)': subcommands \(names.sorted()) need one handler each")
        precondition(run != nil || spec.subcommandRequired, "'\(spec.name)' without a subcommand needs a handler")
        self.spec = spec
        var handlers = Dictionary(uniqueKeysWithValues: subcommands.map { (spec.name + " " + $0.key, $0.value) })
        handlers[spec.name] = run
        self.handlers = handlers
    }
}
