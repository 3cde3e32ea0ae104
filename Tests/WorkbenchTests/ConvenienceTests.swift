import Foundation
import Testing
@testable import Workbench

@Suite struct ConvenienceTests {
    private func shell(_ console: CapturingConsole) -> Shell {
        let folder = TemporaryFolder()
        let shell = Shell(options: ShellOptions(seed: 3, outputDirectory: folder.path + "/out", console: console))
        shell.session.experiment.autosavePath = nil
        return shell
    }

    @Test func questionMarksAreHelp() {
        let console = CapturingConsole(width: 100)
        let sh = shell(console)
        sh.execute(line: "help train")
        let expected = console.output
        for line in ["train?", "?train", " ? train ", "train ?"] {
            console.clear()
            #expect(sh.execute(line: line) == .ok)
            #expect(console.output == expected, "\(line)")
        }
        console.clear()
        sh.execute(line: "help optim adam")
        let adam = console.output
        console.clear()
        sh.execute(line: "optim adam?")
        #expect(console.output == adam)
        #expect(Shell.helpRewrite("?") == "help")
        #expect(Shell.helpRewrite("predict path=what?") == nil)
        // Only a command (and one of its subcommands) becomes help; other lines go to the parser.
        #expect(Shell.helpRewrite("train st7 ?") == nil)
        #expect(Shell.helpRewrite("?w\u{11}2") == nil)
        #expect(Shell.helpRewrite("optim adam?") == "help optim adam")
        #expect(sh.session.commandLog.isEmpty)
    }

    @Test func timePrintsTheWallTimeAndLogsTheCommandItself() {
        let console = CapturingConsole()
        let sh = shell(console)
        #expect(sh.execute(line: "time data synthetic n=32") == .ok)
        #expect(console.output.contains("time: ") && console.output.contains(" s (data synthetic n=32)"))
        #expect(sh.session.commandLog.map(\.text) == ["data synthetic n=32"])
        console.clear()
        #expect(sh.execute(line: "time model nonsense") != .ok)
        #expect(console.output.contains("time: "))
        #expect(sh.execute(line: "time") != .ok)
    }

    @Test func clearWritesTheEraseSequenceOnlyOnATerminal() {
        let pipe = CapturingConsole()
        shell(pipe).execute(line: "clear")
        #expect(pipe.output.isEmpty)
        let terminal = CapturingConsole(isTerminal: true, color: true)
        shell(terminal).execute(line: "clear")
        #expect(terminal.output == "\u{1B}[H\u{1B}[2J")
    }

    @Test func layerRemoveTakesTheLastOrTheNthLayerAndRebuildsTheRest() throws {
        let console = CapturingConsole()
        let sh = shell(console)
        for line in ["data synthetic n=32", "model new", "layer conv out=4", "layer relu", "layer flatten",
                     "layer linear out=10"] {
            #expect(sh.execute(line: line) == .ok)
        }
        let net = try #require(sh.session.experiment.model as? LayerNetwork)
        let convWeights = net.layers[0].module.parameters()[0].storage
        #expect(sh.execute(line: "layer remove 7") != .ok)
        #expect(net.layers.count == 4)
        #expect(sh.execute(line: "layer remove 2") == .ok)
        #expect(net.layers.map(\.name) == ["conv1", "flatten1", "fc1"])
        #expect(net.layers[0].module.parameters()[0].storage == convWeights)
        #expect(sh.execute(line: "layer remove") == .ok)
        #expect(net.layers.map(\.name) == ["conv1", "flatten1"])
        #expect(net.outputShape == [4096])
        #expect(sh.execute(line: "layer linear out=10") == .ok)
        // Removing the flatten would put a linear layer after a convolution: refused, nothing changes.
        let before = sh.session.experiment.weightDigest
        #expect(sh.execute(line: "layer remove 2") != .ok)
        #expect(net.layers.count == 3 && sh.session.experiment.weightDigest == before)
        if case .layers(let specs)? = sh.session.experiment.modelRecipe {
            #expect(specs.count == 3)
        } else {
            Issue.record("no recipe")
        }
    }
}
