import Foundation

/// The kernel's broadcast channel: status, inputs, outputs and errors of every request.
///
/// Published from the executing thread and from the control thread, so sends are serialized.
public final class IOPub {
    private let socket: ZMQSocket
    private let signer: MessageSigner
    private let session: String
    private let lock = NSLock()

    init(socket: ZMQSocket, signer: MessageSigner, session: String) {
        self.socket = socket
        self.signer = signer
        self.session = session
    }

    /// Publishes a message of `type` in reply to `parent` (whose header becomes the parent header).
    func publish(_ type: String, _ content: JSONObject, parent: JupyterMessage?, metadata: JSONObject = [:]) {
        let message = JupyterMessage(identities: [Data("kernel.\(session).\(type)".utf8)],
                                     header: JupyterMessage.header(type: type, session: session),
                                     parentHeader: parent?.header ?? [:], metadata: metadata, content: content)
        lock.lock()
        defer { lock.unlock() }
        try? socket.send(message.frames(signer: signer))
    }

    func status(_ state: String, parent: JupyterMessage?) {
        publish("status", ["execution_state": state], parent: parent)
    }
}
