import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

/// A temporary folder removed at deinit.
final class TemporaryFolder {
    let path: String
    init() {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("ultimus-shell-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String, _ text: String) -> String {
        let p = path + "/" + name
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }
}

@Suite(.serialized) struct ShellTests {
    let console = CapturingConsole()
    let folder = TemporaryFolder()

    private func makeShell() -> Shell {
        Shell(options: ShellOptions(seed: 7, outputDirectory: folder.path + "/out", console: console))
    }

    @Test func okCommandsAreLoggedWithPromptNumbers() {
        let shell = makeShell()
        #expect(shell.prompt == "[1]> ")
        #expect(shell.execute(line: "set seed=3  # reseed") == .ok)
        #expect(shell.execute(line: "") == .ok)
        #expect(shell.execute(line: "help train") == .ok)
        #expect(shell.prompt == "[3]> ")
        #expect(shell.session.commandLog.map(\.text) == ["set seed=3"])
        #expect(shell.session.commandLog.map(\.number) == [1])
        #expect(shell.session.seed == 3)
        #expect(console.output.contains("train [epochs=INT]"))
    }

    @Test func failedCommandsChangeNothingAndAreNotLogged() {
        let shell = makeShell()
        shell.execute(line: "set seed=3")
        let generator = shell.session.generator
        let status = shell.execute(line: "set seed=4 threads=0")
        guard case .failed(let message) = status else {
            Issue.record("expected a failure, got \(status)")
            return
        }
        #expect(message == "threads must be between 1 and 256, got 0")
        #expect(shell.session.seed == 3 && shell.session.generator == generator)
        let file = folder.file("plain", "x")
        #expect(shell.execute(line: "set seed=9 out=\(file)") != .ok)
        #expect(shell.execute(line: "set seed=9 out=\(file)/runs/today")
                == .failed("'\(file)/runs/today' cannot be a folder: '\(file)' is a file; "
                           + "pick a folder under an existing folder"))
        #expect(shell.session.seed == 3)
        #expect(shell.session.outputDirectory == folder.path + "/out")
        #expect(shell.session.commandLog.map(\.text) == ["set seed=3"])
        #expect(console.errors.contains("error: threads must be between 1 and 256"))
        #expect(shell.execute(line: "set out=\(folder.path)/new/deeper") == .ok)
    }

    @Test func commandsWithoutHandlersSayTheyAreNotAvailableYet() {
        let shell = makeShell()
        shell.handlers["train"] = nil
        #expect(shell.execute(line: "train epochs=1")
                == .failed("'train' is not available yet; it arrives with the training commands"))
        #expect(shell.session.commandLog.isEmpty)
    }

    @Test func handlersReceiveTypedInvocationsAndSubcommandKeysWin() {
        let shell = makeShell()
        var seen: [String] = []
        shell.handlers["optim"] = { inv, _ in seen.append("optim \(inv.subcommand ?? "-") \(inv.double("lr") ?? 0)") }
        shell.handlers["optim sgd"] = { inv, _ in seen.append("sgd \(inv.double("momentum") ?? -1)") }
        #expect(shell.execute(line: "optim adam lr=0.5") == .ok)
        #expect(shell.execute(line: "optim sgd momentum=0.9") == .ok)
        #expect(seen == ["optim adam 0.5", "sgd 0.9"])
    }

    @Test func handlerErrorsPointAtTheirArgument() {
        let shell = makeShell()
        shell.handlers["train"] = { inv, _ in
            throw inv.error("no data loaded", at: "epochs", suggestion: "load data first: data synthetic")
        }
        #expect(shell.execute(line: "train epochs=2", source: "t.ult", lineNumber: 4)
                == .failed("no data loaded; load data first: data synthetic"))
        #expect(console.errors == "t.ult:4: error: no data loaded; load data first: data synthetic\n"
                + "  train epochs=2\n        ^~~~~~~~\n")
        #expect(shell.session.commandLog.isEmpty)
    }

    /// A Foundation file error no handler translated still reads as one line naming the file.
    @Test func foundationFileErrorsReadAsPathAndReason() {
        let shell = makeShell()
        shell.handlers["eval"] = { _, _ in
            throw NSError(domain: NSCocoaErrorDomain, code: NSFileNoSuchFileError,
                          userInfo: [NSFilePathErrorKey: "/x/y.py"])
        }
        #expect(shell.execute(line: "eval") == .failed("/x/y.py: no such file"))
        let unknown = NSError(domain: NSCocoaErrorDomain, code: NSFileWriteUnknownError, userInfo: [:])
        #expect(Shell.describeFoundationError(unknown)?.hasPrefix("a file operation: ") == true)
        #expect(Shell.describeFoundationError(CancellationError()) == nil)
    }

    @Test func scriptsStopAtTheFirstErrorWithFileAndLine() {
        let shell = makeShell()
        var ran: [String] = []
        shell.handlers["eval"] = { inv, _ in ran.append(inv.text) }
        let script = folder.file("s.ult", "# a script\neval\neval split=tset\neval split=train\n")
        #expect(shell.runScript(path: script, stopOnError: true) == 1)
        #expect(ran == ["eval"])
        #expect(console.errors.hasPrefix(
            "\(script):3: error: split must be test, valid or train, not 'tset'; did you mean 'test'?"))
        ran = []
        #expect(shell.runScript(path: script, stopOnError: false) == 1)
        #expect(ran == ["eval", "eval split=train"])
        let good = folder.file("good.ult", "eval\nset seed=2\n")
        #expect(shell.runScript(path: good, stopOnError: true) == 0)
        #expect(shell.runScript(path: folder.path + "/missing.ult", stopOnError: true) == 1)
        #expect(console.errors.contains("missing.ult: error: cannot read the script (no such file)"))
    }

    @Test func handlerErrorsInScriptsNameTheLine() {
        let shell = makeShell()
        shell.handlers["eval"] = { _, _ in throw ExperimentError("no model yet") }
        let script = folder.file("h.ult", "# a script\nset seed=2\neval\n")
        #expect(shell.runScript(path: script, stopOnError: true) == 1)
        #expect(console.errors.hasPrefix("\(script):3: error: no model yet"))
    }

    @Test func binaryScriptsAreRefusedAsNotText() {
        let shell = makeShell()
        let path = folder.path + "/binary.ult"
        _ = FileManager.default.createFile(atPath: path,
                                           contents: Data([0x08, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0xFF, 0xFE, 0x80]))
        #expect(shell.runScript(path: path, stopOnError: true) == 1)
        #expect(console.errors.contains("binary.ult: error: cannot read the script (not UTF-8 text)"))
    }

    @Test func quitEndsAScriptSuccessfully() {
        let shell = makeShell()
        let script = folder.file("q.ult", "set seed=1\nquit\nset seed=2\n")
        #expect(shell.runScript(path: script, stopOnError: true) == 0)
        #expect(shell.session.seed == 1)
        #expect(shell.execute(line: "exit") == .quit)
    }

    @Test func runLogsTheScriptsCommandsAndSurvivesRecursion() {
        let shell = makeShell()
        let inner = folder.file("inner.ult", "set seed=11\n")
        #expect(shell.execute(line: "run \(inner)") == .ok)
        #expect(shell.session.commandLog.map(\.text) == ["set seed=11"])
        let loop = folder.path + "/loop.ult"
        _ = FileManager.default.createFile(atPath: loop, contents: Data("run \(loop)\n".utf8))
        #expect(shell.execute(line: "run \(loop)") != .ok)
        #expect(console.errors.contains("nested more than 16 deep"))
        #expect(shell.execute(line: "run \(folder.path)/nothing.ult") != .ok)
    }

    @Test func historyAndSaveScriptReplay() throws {
        let shell = makeShell()
        shell.execute(line: "set seed=5")
        shell.execute(line: "bogus")
        shell.execute(line: "set   threads=1   # comment")
        console.clear()
        shell.execute(line: "history")
        #expect(console.output == "1  set seed=5\n3  set threads=1\n")
        let path = folder.path + "/saved/replay.ult"
        #expect(shell.execute(line: "save script \(path)") == .ok)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("set seed=5\nset threads=1\n"))
        #expect(shell.execute(line: "save script \(path)") != .ok)
        #expect(shell.execute(line: "save script \(path) force=true") == .ok)
        let replay = makeShell()
        #expect(replay.runScript(path: path, stopOnError: true) == 0)
        #expect(replay.session.seed == 5)
        #expect(replay.session.commandLog.map(\.text) == ["set seed=5", "set threads=1"])
    }

    @Test func slowCommandsPrintTheirTime() {
        let shell = makeShell()
        shell.handlers["grads"] = { _, _ in usleep(1_100_000) }
        shell.handlers["eval"] = { _, _ in }
        shell.execute(line: "eval")
        #expect(!console.output.contains(" s)"))
        shell.execute(line: "grads")
        #expect(console.output.contains("(1.1 s)") || console.output.contains("(1.2 s)"))
    }

    @Test func handlersSeeTheInterruptFlagResetPerCommand() {
        let shell = makeShell()
        shell.interrupt.raise()
        var seen: Bool?
        shell.handlers["eval"] = { _, ctx in seen = ctx.interruptRequested }
        shell.execute(line: "eval")
        #expect(seen == false)
    }

    @Test func helpForUnknownCommandSuggests() {
        let shell = makeShell()
        #expect(shell.execute(line: "help trian") == .failed("no command called 'trian'; did you mean 'train'?"))
        #expect(shell.execute(line: "help optim adamm") != .ok)
        #expect(shell.execute(line: "help optim adam") == .ok)
    }

    @Test func completesCommandsArgumentsValuesAndPaths() {
        let shell = makeShell()
        #expect(shell.completions(line: "tr", cursor: 2) == ["train"])
        #expect(shell.completions(line: "e", cursor: 1) == ["eval", "exit", "explain", "export"])
        #expect(shell.completions(line: "optim ", cursor: 6).starts(with: ["sgd", "adam", "adamw"]))
        #expect(shell.completions(line: "optim adam b", cursor: 12) == ["betas="])
        #expect(shell.completions(line: "optim adam lr=1 ", cursor: 16).contains("betas="))
        #expect(!shell.completions(line: "optim adam lr=1 ", cursor: 16).contains("lr="))
        #expect(shell.completions(line: "lrfind mode=", cursor: 12) == ["exp", "linear"])
        #expect(shell.completions(line: "data cifar10 augment=crop,f", cursor: 27) == ["flip"])
        #expect(shell.completions(line: "summary de", cursor: 10) == ["depth="])
        #expect(shell.completions(line: "help lr", cursor: 7) == ["lrfind"])
        #expect(shell.completions(line: "train epochs=3", cursor: 2) == ["train"])
        _ = folder.file("run-me.ult", "")
        try? FileManager.default.createDirectory(atPath: folder.path + "/runs", withIntermediateDirectories: true)
        #expect(shell.completions(line: "run \(folder.path)/ru", cursor: 200)
                == ["\(folder.path)/run-me.ult", "\(folder.path)/runs/"])
        #expect(shell.completions(line: "save script \(folder.path)/run-", cursor: 200)
                == ["\(folder.path)/run-me.ult"])
        #expect(shell.completions(line: "data folder path=\(folder.path)/runs", cursor: 200)
                == ["\(folder.path)/runs/"])
        shell.nameProvider = { kind, _ in kind == .tensor ? ["conv1.weight", "conv1.bias", "act.conv3"] : [] }
        #expect(shell.completions(line: "inspect conv1.", cursor: 14) == ["conv1.weight", "conv1.bias"])
    }
}

@Suite struct ShellRobustnessTests {
    /// Random lines over the language's alphabet never crash the shell and never change the log
    /// unless they are valid commands.
    @Test func randomInputNeverCrashes() {
        let console = CapturingConsole()
        let shell = Shell(options: ShellOptions(seed: 1, outputDirectory: "/nonexistent/out", console: console))
        for key in Array(shell.handlers.keys) where !["help", "history"].contains(key) {
            shell.handlers[key] = { _, _ in }
        }
        var generator = SeededGenerator(seed: 42)
        let pieces = ["train", "optim", "adam", "lr", "=", ",", " ", "\"", "'", "#", "[", "]", "1e-3", "-0.5", "epochs",
                      "x", "é", "\t", "..", "/", "help", "save", "script", "true", "0", "9999999999999999999", "nan",
                      "=="]
        for _ in 0..<1500 {
            let count = generator.nextInt(8) + 1
            let line = (0..<count).map { _ in pieces[generator.nextInt(pieces.count)] }.joined()
            _ = shell.execute(line: line)
            _ = shell.completions(line: line, cursor: generator.nextInt(line.count + 2))
        }
        #expect(shell.promptNumber > 500)
    }
}

@Suite struct ShellQuestionTests {
    @Test func askReadsAnAnswerOnlyWhenSomeoneIsThere() {
        let shell = Shell(options: ShellOptions(console: CapturingConsole()))
        var answers: [String?] = []
        shell.handlers["quiz on"] = { _, ctx in answers.append(ctx.ask("Shape of K? ")) }
        shell.execute(line: "quiz on")
        var asked: [String] = []
        shell.answerReader = { question in
            asked.append(question)
            return "  [8, 8] "
        }
        shell.execute(line: "quiz on")
        #expect(answers == [nil, "[8, 8]"])
        #expect(asked == ["Shape of K? "])
    }
}
