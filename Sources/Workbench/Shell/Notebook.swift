import Foundation

/// A session as a Jupyter notebook (nbformat 4.5, kernel `ultimus`): each command a code cell with
/// its outputs (text as a `stream`, each chart and image as `display_data`), comment lines as
/// Markdown cells; and the code of a notebook read back as a script.
public enum Notebook {
    /// The notebook JSON for `session`.
    public static func json(of session: Session) -> String {
        var cells: [[String: Any]] = []
        var notes = session.notes[...]
        func markdown(before number: Int) {
            var lines: [String] = []
            while let note = notes.first, note.before <= number {
                lines.append(note.text)
                notes = notes.dropFirst()
            }
            if !lines.isEmpty { cells.append(cell("markdown", source: lines.joined(separator: "\n"))) }
        }
        for (index, entry) in session.commandLog.enumerated() {
            markdown(before: entry.number)
            var code = cell("code", source: entry.text)
            code["execution_count"] = index + 1
            code["outputs"] = outputs(session.outputs[entry.number])
            cells.append(code)
        }
        markdown(before: Int.max)
        let notebook: [String: Any] = ["nbformat": 4, "nbformat_minor": 5, "metadata": metadata, "cells": cells]
        let data = (try? JSONSerialization.data(withJSONObject: notebook, options: [.prettyPrinted, .sortedKeys]))
            ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static let metadata: [String: Any] = [
        "kernelspec": ["name": "ultimus", "display_name": "Ultimus Workbench", "language": "ultimus"],
        "language_info": ["name": "ultimus", "version": workbenchVersion, "mimetype": "text/x-ultimus",
                          "file_extension": ".ult"],
    ]

    private static func cell(_ type: String, source: String) -> [String: Any] {
        ["cell_type": type, "id": UUID().uuidString.lowercased().prefix(8).description, "metadata": [String: Any](),
         "source": lines(source)]
    }

    private static func outputs(_ output: CommandOutput?) -> [[String: Any]] {
        guard let output else { return [] }
        var list: [[String: Any]] = []
        if !output.text.isEmpty { list.append(["output_type": "stream", "name": "stdout", "text": lines(output.text)]) }
        for path in output.images {
            guard let display = WrittenImages.displayData(path: path) else { continue }
            var data: [String: Any] = [:]
            for (mime, value) in display { data[mime] = mime == "image/png" ? value : lines(value as? String ?? "") }
            list.append(["output_type": "display_data", "data": data, "metadata": [String: Any]()])
        }
        return list
    }

    /// Text as nbformat stores it: a list of lines, each but the last ending in `\n`.
    static func lines(_ text: String) -> [String] {
        var parts = text.components(separatedBy: "\n").map { $0 + "\n" }
        parts[parts.count - 1].removeLast()
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    /// The code cells of the notebook `data`, joined as a script (Markdown cells are skipped).
    /// - Throws: ``RenderError`` when `data` is not a notebook.
    public static func script(from data: Data) throws -> String {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cells = object["cells"] as? [[String: Any]] else {
            throw RenderError("not a Jupyter notebook (no cells list); save one with 'save notebook PATH.ipynb'")
        }
        return cells.filter { $0["cell_type"] as? String == "code" }.map { cell -> String in
            if let list = cell["source"] as? [String] { return list.joined() }
            return cell["source"] as? String ?? ""
        }.joined(separator: "\n") + "\n"
    }
}
