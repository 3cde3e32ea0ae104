import Foundation
import Workbench

extension Kernel {
    /// Runs a cell: its lines one by one as typed at the prompt (blank lines and `#` comments are
    /// skipped by the shell). The first failing line stops the cell; a failed command changes no
    /// state, so the session is as the lines before it left it.
    func execute(_ request: JupyterMessage) -> JSONObject {
        let code = request.content["code"] as? String ?? ""
        let silent = request.content["silent"] as? Bool ?? false
        if !silent, request.content["store_history"] as? Bool ?? true { executionCount += 1 }
        if !silent {
            iopub.publish("execute_input", ["code": code, "execution_count": executionCount], parent: request)
        }
        console.parent = request
        defer { console.parent = nil }
        shell.interrupt.clear()
        cellInterrupt.clear()
        for line in code.split(separator: "\n", omittingEmptySubsequences: false) {
            if let failure = run(String(line), request: request) {
                iopub.publish("error", failure, parent: request)
                return failure.merging(["status": "error", "execution_count": executionCount]) { a, _ in a }
            }
        }
        return ["status": "ok", "execution_count": executionCount, "user_expressions": [String: Any](),
                "payload": [Any]()]
    }

    /// Runs one line and publishes the images it wrote.
    /// - Returns: the error content (`ename`, `evalue`, `traceback`) when the line failed or was interrupted.
    private func run(_ line: String, request: JupyterMessage) -> JSONObject? {
        if isInterrupted { return Kernel.interrupted() }
        let status = shell.execute(line: line)
        for path in status == .ok ? shell.lastOutput?.images ?? [] : [] {
            guard let data = WrittenImages.displayData(path: path) else { continue }
            iopub.publish("display_data", ["data": data, "metadata": [String: Any]()], parent: request)
        }
        switch status {
        case .ok, .quit:
            console.flushErrors()
            return isInterrupted ? Kernel.interrupted() : nil
        case .failed(let summary):
            let traceback = console.takeErrors().split(separator: "\n").map(String.init)
            let interrupted = isInterrupted
            return ["ename": interrupted ? "KeyboardInterrupt" : "CommandError", "evalue": summary,
                    "traceback": traceback]
        }
    }

    func requestInterrupt() {
        cellInterrupt.raise()
        shell.interrupt.raise()
    }

    var isInterrupted: Bool { cellInterrupt.isRaised || shell.interrupt.isRaised }

    static func interrupted() -> JSONObject {
        ["ename": "KeyboardInterrupt", "evalue": "interrupted; the rest of the cell did not run",
         "traceback": ["interrupted; the rest of the cell did not run"]]
    }
}
