import Foundation
import Testing
@testable import Workbench

/// `save notebook`: nbformat 4 with the session's outputs; `run` of a notebook replays its code cells.
@Suite(.serialized) struct NotebookTests {
    let folder = NSTemporaryDirectory() + "ultimus-notebook-\(UUID().uuidString)"

    private func shell() -> (Shell, CapturingConsole) {
        let console = CapturingConsole()
        let options = ShellOptions(seed: 1, threads: 1, outputDirectory: folder + "/out", console: console)
        return (Shell(options: options), console)
    }

    @Test func aSessionBecomesANotebookWithItsOutputs() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (shell, console) = shell()
        let lines = ["# Shapes", "# a first look", "data synthetic n=32 batch=16", "show images n=4",
                     "sched onecycle max_lr=4e-3 epochs=1", "plot schedule", "# the end"]
        for line in lines { #expect(shell.execute(line: line) == .ok, "\(console.errors)") }
        let path = folder + "/s.ipynb"
        #expect(shell.execute(line: "save notebook \(path)") == .ok, "\(console.errors)")
        #expect(console.output.contains("wrote 4 commands and 2 images to \(path)"))
        #expect(shell.execute(line: "save notebook \(path)") != .ok)
        #expect(shell.execute(line: "save notebook \(folder)/s.json") != .ok)

        let notebook = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
            as! [String: Any]
        try NotebookTests.checkShape(notebook)
        let cells = notebook["cells"] as! [[String: Any]]
        #expect(cells.map { $0["cell_type"] as! String } == ["markdown", "code", "code", "code", "code", "markdown"])
        #expect(cells[0]["source"] as? [String] == ["Shapes\n", "a first look"])
        #expect(cells[1]["source"] as? [String] == ["data synthetic n=32 batch=16"])
        let images = cells.flatMap { $0["outputs"] as? [[String: Any]] ?? [] }
            .filter { $0["output_type"] as? String == "display_data" }
        let png = (images.first?["data"] as? [String: Any])?["image/png"] as? String
        #expect(png.flatMap { Data(base64Encoded: $0) }?.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        let svg = (images.last?["data"] as? [String: Any])?["image/svg+xml"] as? [String]
        #expect(svg?.joined().contains("<svg") == true)
        let text = (cells[1]["outputs"] as? [[String: Any]])?.first?["text"] as? [String]
        #expect(text?.joined().contains("synthetic shapes") == true)
        try NotebookTests.validateWithNbformat(path)

        let (replay, replayConsole) = self.shell()
        #expect(replay.execute(line: "run \(path)") == .ok, "\(replayConsole.errors)")
        #expect(replay.session.commandLog.map(\.text) == shell.session.commandLog.map(\.text))
    }

    @Test func runOfSomethingThatIsNotANotebookSaysSo() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("{\"nbformat\": 4}".utf8).write(to: URL(fileURLWithPath: folder + "/bad.ipynb"))
        let (shell, console) = shell()
        #expect(shell.execute(line: "run \(folder)/bad.ipynb") != .ok)
        #expect(console.errors.contains("not a Jupyter notebook"))
    }

    /// The parts of the nbformat 4 schema the export uses.
    static func checkShape(_ notebook: [String: Any]) throws {
        #expect(notebook["nbformat"] as? Int == 4)
        #expect((notebook["nbformat_minor"] as? Int).map { $0 >= 4 } == true)
        let kernel = (notebook["metadata"] as? [String: Any])?["kernelspec"] as? [String: Any]
        #expect(kernel?["name"] as? String == "ultimus" && kernel?["display_name"] is String)
        for cell in notebook["cells"] as? [[String: Any]] ?? [] {
            #expect(cell["id"] is String && cell["metadata"] is [String: Any] && cell["source"] is [String])
            guard cell["cell_type"] as? String == "code" else {
                #expect(cell["cell_type"] as? String == "markdown" && cell["outputs"] == nil)
                continue
            }
            #expect(cell["execution_count"] is Int)
            for output in cell["outputs"] as? [[String: Any]] ?? [] {
                switch output["output_type"] as? String {
                case "stream": #expect(output["name"] as? String == "stdout" && output["text"] is [String])
                case "display_data": #expect(output["data"] is [String: Any] && output["metadata"] is [String: Any])
                default: Issue.record("unexpected output \(output)")
                }
            }
        }
    }

    /// `nbformat.validate` when the Python at hand has nbformat (skipped otherwise).
    static func validateWithNbformat(_ path: String) throws {
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c",
                            "import nbformat, sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", path]
        let errors = Pipe()
        python.standardError = errors
        python.standardOutput = FileHandle.nullDevice
        guard (try? python.run()) != nil else { return }
        python.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if message.contains("No module named") { return }
        #expect(python.terminationStatus == 0, "\(message)")
    }
}
