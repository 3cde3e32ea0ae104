import Foundation
import Workbench

/// The shell's console inside the kernel: standard output goes to IOPub as `stream` messages as it
/// is written; a progress bar is one live `display_data` updated in place (`update_display_data`)
/// that ends as its last line; standard error is held until the command ends, when it becomes
/// either a `stderr` stream (warnings) or the traceback of the command's error.
final class KernelConsole: Console {
    private let iopub: IOPub
    /// The `execute_request` whose outputs are being published.
    var parent: JupyterMessage?
    /// Standard-error text of the running command.
    private(set) var heldErrors = ""
    private var progressDisplay: String?
    private var lastProgress: String?

    init(iopub: IOPub, width: Int = 100) {
        self.iopub = iopub
        super.init(isTerminal: false, color: false, unicode: true, width: width)
    }

    override func emit(_ text: String, toError: Bool) {
        if toError {
            heldErrors += text
        } else {
            iopub.publish("stream", ["name": "stdout", "text": text], parent: parent)
        }
    }

    override func progress(_ line: String) {
        lastProgress = line
        let data: JSONObject = ["text/plain": line]
        if let id = progressDisplay {
            iopub.publish("update_display_data", ["data": data, "metadata": [:], "transient": ["display_id": id]],
                          parent: parent)
        } else {
            let id = UUID().uuidString.lowercased()
            progressDisplay = id
            iopub.publish("display_data", ["data": data, "metadata": [:], "transient": ["display_id": id]],
                          parent: parent)
        }
    }

    override func endProgress() {
        if let line = lastProgress { recorder?(line + "\n") }
        lastProgress = nil
        progressDisplay = nil
    }

    /// Returns and forgets the held standard-error text.
    func takeErrors() -> String {
        defer { heldErrors = "" }
        return heldErrors
    }

    /// Publishes held standard-error text as a `stderr` stream.
    func flushErrors() {
        let text = takeErrors()
        if !text.isEmpty { iopub.publish("stream", ["name": "stderr", "text": text], parent: parent) }
    }
}
