import Testing
@testable import Workbench

/// The list of commands: each declared once with its grammar, help and handlers.
@Suite struct CommandListTests {
    @Test func noNameOrAliasIsDeclaredTwice() {
        let words = Command.all.flatMap { [$0.spec.name] + $0.spec.aliases }
        let repeated = Dictionary(grouping: words, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(repeated.isEmpty, "declared more than once: \(repeated)")
    }

    @Test func noHandlerOverridesAnother() {
        let declared = Command.all.map(\.handlers.count).reduce(0, +)
        #expect(Command.handlers.count == declared)
    }

    @Test func everyInvocationKeyHasAHandler() {
        for command in Command.all {
            let spec = command.spec
            for sub in spec.subcommands {
                #expect(command.handlers[spec.name + " " + sub.name] != nil || command.handlers[spec.name] != nil,
                        "'\(spec.name) \(sub.name)' has no handler")
            }
            if !spec.subcommandRequired { #expect(command.handlers[spec.name] != nil, "'\(spec.name)' has no handler") }
        }
    }

    @Test func theTableListsEveryCommandInHelpOrder() {
        #expect(CommandTable.standard.names == Command.all.map(\.spec.name))
        #expect(CommandTable.standard.names.first == "help")
        #expect(CommandTable.standard.names.last == "quiz")
    }

    /// `time` followed by a tab is parsed rather than rewritten; its handler times the command all the same.
    @Test func timeWithATabTimesItsCommand() {
        let console = CapturingConsole()
        let shell = Shell(options: ShellOptions(seed: 1, console: console))
        #expect(shell.execute(line: "time\thistory") == .ok)
        #expect(console.output.contains("time: "))
        #expect(console.output.contains("(history)"))
    }
}
