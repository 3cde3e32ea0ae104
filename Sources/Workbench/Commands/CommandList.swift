extension Command {
    /// Every command of the workbench, in `help` order. Each is declared beside its handlers
    /// (`Command.train` in TrainingCommands.swift, ...); a name given twice fails CommandListTests.
    public static let all: [Command] = [
        // Session
        .help, .clear, .time, .history, .run, .status, .set, .save, .load, .export, .`import`, .replay, .branch,
        .compare, .fork, .quit,
        // Data and model
        .data, .download, .model, .layer, .summary, .optim, .sched,
        // Training
        .train, .lrfind, .eval, .restore, .rollback, .check, .predict,
        // Inspection
        .inspect, .grads, .attention, .rollout, .explain, .timeline, .intervene, .gradcam,
        // Plots and reports
        .plot, .show, .misclassified, .report,
        // Teaching
        .quiz,
    ]

    /// The handlers of every command, by ``Invocation/key`` (`"save script"`, then `"save"`).
    public static var handlers: [String: CommandHandler] {
        Dictionary(all.flatMap(\.handlers), uniquingKeysWith: { first, _ in first })
    }
}

extension CommandTable {
    /// Every command of the workbench, in `help` order.
    public static let standard = CommandTable(Command.all.map(\.spec))
}
