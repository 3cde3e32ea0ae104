import Foundation
import Testing
@testable import Workbench

/// What a file or a huge line makes the workbench print: bounded, and never a file's secrets.
@Suite struct PrintedInputTests {
    @Test func aHugeLinePrintsOneScreenOfError() {
        let line = "trian " + String(repeating: "x", count: 1_000_000)
        let console = CapturingConsole()
        let shell = Shell(options: ShellOptions(seed: 1, outputDirectory: NSTemporaryDirectory() + "printed-\(UUID())",
                                                console: console))
        guard case .failed(let message) = shell.execute(line: line) else {
            Issue.record("the line must fail")
            return
        }
        #expect(message.count < 1_000)
        let unknown = "train " + String(repeating: "y", count: 100_000) + "=1"
        guard case .failed = shell.execute(line: unknown) else { return }
        let rendered = console.transcript
        #expect(rendered.count < 5_000, "\(rendered.count) characters printed")
    }

    @Test func runRefusesFilesThatAreNotScriptsWithoutEchoingThem() throws {
        let folder = TemporaryFolder()
        let secret = folder.path + "/shadow"
        try "root:$y$j9T$SECRETHASH:19000:0:99999:7:::\n".write(toFile: secret, atomically: true, encoding: .utf8)
        let console = CapturingConsole()
        let shell = Shell(options: ShellOptions(seed: 1, outputDirectory: folder.path + "/out", console: console))
        #expect(shell.execute(line: "run \(secret)") != .ok)
        #expect(!console.transcript.contains("SECRETHASH"), "\(console.transcript)")
        #expect(shell.execute(line: "run /dev/zero") != .ok)
        #expect(console.transcript.contains("not a regular file"))
    }

    /// A device given where an image is expected is refused at once, never read without end.
    @Test func imagesFromDevicesAreRefusedWithoutReading() throws {
        let folder = TemporaryFolder()
        let console = CapturingConsole()
        let shell = Shell(options: ShellOptions(seed: 1, outputDirectory: folder.path + "/out", console: console))
        #expect(shell.execute(line: "data synthetic n=64") == .ok)
        #expect(shell.execute(line: "model ultimus") == .ok)
        for device in ["/dev/zero", "/dev/urandom"] {
            guard case .failed(let message) = shell.execute(line: "predict \(device)") else {
                Issue.record("predict \(device) must fail")
                continue
            }
            #expect(message.contains("not a regular file"), "\(message)")
        }
    }
}
