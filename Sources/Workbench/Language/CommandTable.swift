/// The one table of commands: it drives validation, `help`, Tab completion and suggestions.
public struct CommandTable: Sendable {
    public var commands: [CommandSpec]

    public init(_ commands: [CommandSpec]) { self.commands = commands }

    /// Help sections in display order.
    public static let areas = ["Session", "Data and model", "Training", "Inspection", "Plots and reports", "Teaching"]

    /// The command called `name` or having it as an alias.
    public func command(named name: String) -> CommandSpec? {
        commands.first { $0.name == name } ?? commands.first { $0.aliases.contains(name) }
    }

    /// Command names (without aliases), in table order.
    public var names: [String] { commands.map(\.name) }

    /// Every command and argument name: the vocabulary for "did you mean".
    public var vocabulary: [String] {
        var words = names
        for c in commands {
            words += c.subcommands.map(\.name) + c.arguments.map(\.name)
            for s in c.subcommands { words += s.arguments.map(\.name) }
        }
        var seen = Set<String>()
        return words.filter { seen.insert($0).inserted }
    }
}
