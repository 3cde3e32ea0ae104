import Testing
@testable import ExperimentKit
@testable import Workbench

/// Replay and fork decide from the parsed command what they re-run, never from the text's first word.
@Suite struct CommandEffectTests {
    let table = CommandTable.standard

    @Test func commandsThatWriteFetchOrRerunAreSkippedOnReplay() {
        for line in ["save s.ult-session", "save\ts.ult-session", "export weights w.safetensors", "export\tweights w",
                     "download", "replay s.ult-session", "replay\ts.ult-session", "fork 3", "plot loss", "run x.ult",
                     "load s.ult-session", "set out=/tmp"] {
            #expect(ReplayPolicy.replayLine(for: line, table: table) == nil, "\(line)")
        }
    }

    @Test func commandsThatChangeTheExperimentAreReplayed() {
        for line in ["train epochs=1", "data synthetic n=32", "optim adam lr=1e-2", "set seed=3", "eval"] {
            #expect(ReplayPolicy.replayLine(for: line, table: table) != nil, "\(line)")
        }
    }

    @Test func everyEffectNamesItsCommands() {
        let writers = table.commands.filter { $0.effect == .writesFiles }.map(\.name).sorted()
        #expect(writers == ["export", "save"])
        #expect(table.command(named: "download")?.effect == .fetches)
        #expect(table.commands.filter { $0.effect == .rerunsLog }.map(\.name).sorted() == ["fork", "replay"])
    }
}
