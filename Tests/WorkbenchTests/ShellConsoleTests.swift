import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

@Suite struct ShellConsoleTests {
    @Test func progressRedrawsInPlaceOnATerminal() {
        let console = CapturingConsole(isTerminal: true, width: 20)
        console.progress("epoch 1: 10%")
        console.progress("epoch 1: 100% and a very long tail")
        console.write("note")
        console.endProgress()
        #expect(console.output == "\repoch 1: 10%\u{1B}[K\repoch 1: 100% and a\u{1B}[K\r\u{1B}[Knote\n"
                + "\repoch 1: 100% and a\u{1B}[K\n")
    }

    @Test func progressPrintsOneLinePerBarElsewhere() {
        let console = CapturingConsole(isTerminal: false)
        console.progress("a 10%")
        console.progress("a 100%")
        console.write("between")
        console.endProgress()
        console.endProgress()
        console.progress("b 100%")
        console.endProgress()
        #expect(console.output == "between\na 100%\nb 100%\n")
    }

    @Test func shellEndsAnUnfinishedBarWhenACommandFails() {
        let console = CapturingConsole()
        let shell = Shell(options: ShellOptions(console: console))
        shell.handlers["train"] = { _, ctx in
            ctx.console.progress("EPOCH = 1 | 3/98")
            throw Interrupted("train")
        }
        #expect(shell.execute(line: "train") == .failed("train interrupted"))
        #expect(console.output == "EPOCH = 1 | 3/98\n")
        #expect(console.errors == "train interrupted\n")  // an interrupt is not printed as an error
    }

    @Test func stylesOnlyWithColour() {
        #expect(CapturingConsole(color: false).styled("x", .red) == "x")
        #expect(CapturingConsole(color: true).styled("x", .red) == "\u{1B}[31mx\u{1B}[0m")
        let d = Diagnostic("bad", at: SourceRange(line: 1, start: 0, end: 1), in: "x")
        #expect(d.rendered(color: true).contains("\u{1B}[1;31merror:\u{1B}[0m"))
    }

    @Test func bannerNamesTheDatasetOrWhatToDo() throws {
        let folder = TemporaryFolder()
        let locator = DataLocator(environment: ["ULTIMUS_CACHE": folder.path + "/cache"], currentDirectory: folder.path)
        #expect(Banner.datasetLine(dataDirectory: nil, locator: locator).contains("'download cifar10' fetches it"))
        #expect(Banner.datasetLine(dataDirectory: folder.path, locator: locator)
            .contains("--data \(folder.path) holds no CIFAR-10"))
        let bin = folder.path + "/data/cifar-10-batches-bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: bin + "/data_batch_1.bin", contents: Data())
        let found = Banner.datasetLine(dataDirectory: nil, locator: locator)
        #expect(found.contains("cifar-10-batches-bin") && found.contains("'data cifar10'"), "\(found)")
        let session = Session(seed: 3, outputDirectory: "out")
        let text = Banner.text(session: session, console: CapturingConsole(), locator: locator)
        #expect(text.hasPrefix("Ultimus Workbench \(workbenchVersion)") && text.contains("seed 3"))
    }

    @Test func localeDecidesUnicode() {
        #expect(Console.localeIsUTF8(environment: ["LANG": "C.UTF-8"]))
        #expect(Console.localeIsUTF8(environment: ["LC_CTYPE": "de_DE.utf8", "LANG": "C"]))
        #expect(!Console.localeIsUTF8(environment: ["LC_ALL": "C", "LANG": "en_US.UTF-8"]))
        #expect(!Console.localeIsUTF8(environment: ["LC_ALL": "", "LANG": "POSIX"]))
        #expect(!Console.localeIsUTF8(environment: [:]))
    }
}

@Suite struct ShellOutputFileTests {
    @Test func generatedFilesGoToTheOutputFolderAndOutsideFilesNeedForce() throws {
        let folder = TemporaryFolder()
        let shell = Shell(options: ShellOptions(outputDirectory: folder.path + "/out", console: CapturingConsole()))
        var paths: [String] = []
        // "plot loss" is looked up before "plot": stand in for the real handler under that key.
        shell.handlers["plot loss"] = { inv, ctx in
            paths.append(try ctx.outputPath(for: inv, defaultName: "loss.svg"))
        }
        #expect(shell.execute(line: "plot loss") == .ok)
        #expect(paths.last == folder.path + "/out/loss.svg")
        #expect(FileManager.default.fileExists(atPath: folder.path + "/out"))
        let outside = folder.file("mine.svg", "keep")
        #expect(shell.execute(line: "plot loss to=\(outside)")
                == .failed("'\(outside)' exists; add force=true to overwrite it"))
        #expect(shell.execute(line: "plot loss to=\(outside) force=true") == .ok)
        _ = folder.file("out/again.svg", "old")
        #expect(shell.execute(line: "plot loss to=\(folder.path)/out/again.svg") == .ok)
        #expect(shell.execute(line: "plot loss to=\(folder.path)/new/sub/x.svg") == .ok)
        #expect(paths.last == folder.path + "/new/sub/x.svg")
        #expect(FileManager.default.fileExists(atPath: folder.path + "/new/sub"))
    }
}
