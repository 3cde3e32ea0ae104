import Foundation
@testable import JupyterKernel
import Testing

/// A minimal Jupyter client over libzmq: DEALER sockets on shell and control, SUB on IOPub, REQ on
/// the heartbeat. It signs what it sends and checks the signature of everything it receives.
final class KernelTestClient {
    let context = ZMQContext()
    let shell: ZMQSocket
    let control: ZMQSocket
    let iopub: ZMQSocket
    let heartbeat: ZMQSocket
    let signer: MessageSigner
    let session = UUID().uuidString.lowercased()
    /// IOPub messages received and not yet consumed.
    private(set) var published: [JupyterMessage] = []
    /// Frames received whose signature did not verify.
    private(set) var badlySigned = 0
    /// Generous waits: the machine may be busy; nothing here measures speed.
    static let patience = Double(ProcessInfo.processInfo.environment["KERNEL_TEST_PATIENCE"] ?? "") ?? 300

    init(connection: ConnectionFile) throws {
        signer = MessageSigner(key: connection.key)
        shell = try ZMQSocket(.dealer, context: context)
        control = try ZMQSocket(.dealer, context: context)
        iopub = try ZMQSocket(.sub, context: context)
        heartbeat = try ZMQSocket(.req, context: context)
        iopub.subscribe()
        try shell.connect(connection.endpoint(connection.shellPort))
        try control.connect(connection.endpoint(connection.controlPort))
        try iopub.connect(connection.endpoint(connection.iopubPort))
        try heartbeat.connect(connection.endpoint(connection.heartbeatPort))
    }

    /// Sends a request and returns its message id.
    @discardableResult
    func send(_ type: String, _ content: JSONObject = [:], on socket: ZMQSocket? = nil,
              signer override: MessageSigner? = nil) throws -> String {
        let header = JupyterMessage.header(type: type, session: session, username: "test")
        let message = JupyterMessage(header: header, content: content)
        try (socket ?? shell).send(message.frames(signer: override ?? signer))
        return header["msg_id"] as! String
    }

    /// The next reply on `socket`, checked for its signature.
    func reply(on socket: ZMQSocket? = nil) throws -> JupyterMessage {
        let socket = socket ?? shell
        guard !ZMQSocket.poll([socket], milliseconds: Int(Self.patience * 1000)).isEmpty else {
            throw KernelError("no reply")
        }
        return try JupyterMessage.parse(socket.receive(), signer: signer)
    }

    /// Receives IOPub messages until one with `parent` as parent matches `until`; returns them all.
    func collect(parent: String, until: (JupyterMessage) -> Bool) throws -> [JupyterMessage] {
        var mine: [JupyterMessage] = []
        let deadline = Date().addingTimeInterval(Self.patience)
        while Date() < deadline {
            if let index = published.firstIndex(where: { ($0.parentHeader["msg_id"] as? String) == parent }) {
                let message = published.remove(at: index)
                mine.append(message)
                if until(message) { return mine }
                continue
            }
            guard !ZMQSocket.poll([iopub], milliseconds: 200).isEmpty else { continue }
            let frames = try iopub.receive()
            if let message = try? JupyterMessage.parse(frames, signer: signer) {
                published.append(message)
            } else {
                badlySigned += 1
            }
        }
        let seen = published.map { "\($0.type) of \($0.parentHeader["msg_type"] ?? "-")" }
        throw KernelError("IOPub went quiet for \(parent) after \(mine.map(\.type)); others: \(seen)")
    }

    /// Everything IOPub published for `parent` up to its `idle` status.
    func outputs(of parent: String) throws -> [JupyterMessage] {
        try collect(parent: parent) { $0.type == "status" && ($0.content["execution_state"] as? String) == "idle" }
    }

    /// Sends kernel_info requests until IOPub is seen to deliver (a SUB socket joins late).
    func waitUntilReady() throws -> JupyterMessage {
        let deadline = Date().addingTimeInterval(Self.patience)
        while Date() < deadline {
            let id = try send("kernel_info_request")
            let answer = try reply()
            #expect((answer.parentHeader["msg_id"] as? String) == id)
            while !ZMQSocket.poll([iopub], milliseconds: 500).isEmpty {
                if let message = try? JupyterMessage.parse(iopub.receive(), signer: signer) {
                    if (message.parentHeader["msg_id"] as? String) == id { return answer }
                }
            }
        }
        throw KernelError("IOPub never delivered")
    }
}
