// The handlers of the workbench's commands, one file per area in this folder
// (TrainingCommands.swift, InspectionCommands.swift, ...). Each area file declares
//
//     extension CommandAreas {
//         static let training: [String: CommandHandler] = [
//             "train": { invocation, context in ... },
//             "optim": { invocation, context in ... },      // or "optim adam" for one subcommand
//         ]
//     }
//
// and is listed in `handlers` below. Keys are command names or "command subcommand"; the shell
// looks up "command subcommand" first. The command's grammar and help live in the command table
// (Sources/Workbench/Language/CommandTable+*.swift), which validates everything before a handler runs.

/// Registry of command handlers and model-dependent completion names, by area.
public enum CommandAreas {
    /// Every area's handlers; later areas win on duplicate keys.
    public static var handlers: [[String: CommandHandler]] {
        [
            data, model, training, sessions, inspection, plots, reports, teaching, protection, branches,
        ]
    }

    /// Names Tab completion offers for model-dependent positions (layers, tensors, attention
    /// blocks) in the current session.
    public static func names(_ kind: NameKind, _ session: Session) -> [String] {
        experimentNames(kind, session)
    }
}
