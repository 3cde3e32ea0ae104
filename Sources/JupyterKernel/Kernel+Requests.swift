import Foundation
import Workbench

extension Kernel {
    /// Answers one request; unknown request types get no reply, as the protocol allows.
    func handle(_ request: JupyterMessage, on socket: ZMQSocket) {
        let content: JSONObject
        switch request.type {
        case "kernel_info_request": content = kernelInfo()
        case "execute_request": content = execute(request)
        case "complete_request": content = complete(request.content)
        case "inspect_request": content = inspect(request.content)
        case "is_complete_request": content = ["status": "complete"]
        case "comm_info_request": content = ["status": "ok", "comms": [String: Any]()]
        case "history_request": content = ["status": "ok", "history": [Any]()]
        case "interrupt_request":
            requestInterrupt()
            content = ["status": "ok"]
        case "shutdown_request":
            requestInterrupt()
            stop()
            content = ["status": "ok", "restart": request.content["restart"] as? Bool ?? false]
        default:
            return
        }
        let type = request.type.replacingOccurrences(of: "_request", with: "_reply")
        reply(request, type: type, content: content, on: socket)
    }

    func kernelInfo() -> JSONObject {
        [
            "status": "ok", "protocol_version": JupyterMessage.protocolVersion,
            "implementation": "ultimus", "implementation_version": workbenchVersion,
            "language_info": [
                "name": "ultimus", "version": workbenchVersion, "mimetype": "text/x-ultimus",
                "file_extension": ".ult", "pygments_lexer": "text", "codemirror_mode": "null",
            ],
            "banner": "Ultimus Workbench \(workbenchVersion): one command per line; 'help' lists them.",
            "help_links": [Any](),
        ]
    }

    /// Tab completion from the REPL's engine, on the line holding the cursor.
    func complete(_ content: JSONObject) -> JSONObject {
        let code = content["code"] as? String ?? ""
        let cursor = content["cursor_pos"] as? Int ?? code.count
        let (line, column) = Kernel.line(in: code, at: cursor)
        let fragment = Shell.fragment(String(line.prefix(column)))
        return [
            "status": "ok", "matches": shell.completions(line: line, cursor: column),
            "cursor_start": cursor - fragment.count, "cursor_end": cursor, "metadata": [String: Any](),
        ]
    }

    /// `help CMD` for the command of the line holding the cursor.
    func inspect(_ content: JSONObject) -> JSONObject {
        let code = content["code"] as? String ?? ""
        let (line, _) = Kernel.line(in: code, at: content["cursor_pos"] as? Int ?? code.count)
        let words = line.split(separator: " ").map(String.init)
        guard let name = words.first, let spec = shell.table.command(named: name) else {
            return ["status": "ok", "found": false, "data": [String: Any](), "metadata": [String: Any]()]
        }
        let sub = words.dropFirst().first.flatMap { spec.subcommand(named: $0) }?.name
        let text = shell.table.help(for: spec, subcommand: sub, width: console.width)
        return ["status": "ok", "found": true, "data": ["text/plain": text], "metadata": [String: Any]()]
    }

    /// The line of `code` holding character offset `cursor`, and the cursor's column in it.
    static func line(in code: String, at cursor: Int) -> (String, Int) {
        let before = String(code.prefix(max(0, cursor)))
        let start = before.lastIndex(of: "\n").map { before.index(after: $0) } ?? before.startIndex
        let column = before.distance(from: start, to: before.endIndex)
        let rest = code.dropFirst(before.count).prefix { $0 != "\n" }
        return (String(before[start...]) + rest, column)
    }
}
