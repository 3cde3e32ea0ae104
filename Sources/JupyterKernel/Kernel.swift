import Foundation
import Workbench

/// The workbench as a Jupyter kernel: binds the five sockets of a connection file and serves
/// requests until a `shutdown_request`.
///
/// The shell channel runs commands on the calling thread; the control channel (interrupt,
/// shutdown) and the heartbeat have a thread each, so an interrupt reaches a running `train`.
public final class Kernel {
    let connection: ConnectionFile
    let signer: MessageSigner
    let session = UUID().uuidString.lowercased()
    let context = ZMQContext()
    let shellSocket: ZMQSocket
    let controlSocket: ZMQSocket
    let stdinSocket: ZMQSocket
    let heartbeatSocket: ZMQSocket
    let iopub: IOPub
    let console: KernelConsole
    let shell: Shell
    /// Raised with the shell's Ctrl-C by an interrupt (message or SIGINT) and cleared only when a
    /// cell starts: a command run inside the interrupted one (an autosave) may clear the shell's.
    let cellInterrupt = CancellationToken()
    /// Number of the last cell run with `store_history`.
    var executionCount = 0
    private let stopLock = NSLock()
    private var stopped = false

    /// Binds every socket of `connection`.
    /// - Parameter options: how the shell starts (its console is replaced by the kernel's).
    public init(connection: ConnectionFile, options: ShellOptions) throws {
        self.connection = connection
        signer = MessageSigner(key: connection.key)
        shellSocket = try ZMQSocket(.router, context: context)
        controlSocket = try ZMQSocket(.router, context: context)
        stdinSocket = try ZMQSocket(.router, context: context)
        heartbeatSocket = try ZMQSocket(.rep, context: context)
        let pub = try ZMQSocket(.pub, context: context)
        for (socket, port) in [(shellSocket, connection.shellPort), (controlSocket, connection.controlPort),
                               (stdinSocket, connection.stdinPort), (heartbeatSocket, connection.heartbeatPort),
                               (pub, connection.iopubPort)] {
            try socket.bind(connection.endpoint(port))
        }
        iopub = IOPub(socket: pub, signer: signer, session: session)
        console = KernelConsole(iopub: iopub)
        var shellOptions = options
        shellOptions.console = console
        shellOptions.alignsCaretsUnderPrompt = false
        shell = Shell(options: shellOptions)
    }

    var isStopped: Bool {
        stopLock.lock()
        defer { stopLock.unlock() }
        return stopped
    }

    func stop() {
        stopLock.lock()
        stopped = true
        stopLock.unlock()
    }

    /// Serves requests until shutdown.
    public func run() {
        iopub.status("starting", parent: nil)
        let heartbeat = Thread { [unowned self] in self.serveHeartbeat() }
        let control = Thread { [unowned self] in self.serve(self.controlSocket) }
        heartbeat.start()
        control.start()
        serve(shellSocket)
        while heartbeat.isExecuting || control.isExecuting { usleep(10_000) }
    }

    /// Echoes every heartbeat ping.
    private func serveHeartbeat() {
        while !isStopped {
            guard !ZMQSocket.poll([heartbeatSocket], milliseconds: 200).isEmpty,
                  let ping = try? heartbeatSocket.receive() else { continue }
            try? heartbeatSocket.send(ping)
        }
    }

    /// Answers the requests arriving on `socket` (shell or control) until shutdown.
    private func serve(_ socket: ZMQSocket) {
        while !isStopped {
            guard !ZMQSocket.poll([socket], milliseconds: 200).isEmpty, let frames = try? socket.receive() else {
                continue
            }
            let request: JupyterMessage
            do {
                request = try JupyterMessage.parse(frames, signer: signer)
            } catch {
                FileHandle.standardError.write(Data("ultimus kernel: ignored \(error)\n".utf8))
                continue
            }
            iopub.status("busy", parent: request)
            handle(request, on: socket)
            iopub.status("idle", parent: request)
        }
    }

    /// Sends the reply of type `type` to `request` on `socket`.
    func reply(_ request: JupyterMessage, type: String, content: JSONObject, on socket: ZMQSocket,
               metadata: JSONObject = [:]) {
        let message = JupyterMessage(identities: request.identities,
                                     header: JupyterMessage.header(type: type, session: session),
                                     parentHeader: request.header, metadata: metadata, content: content)
        try? socket.send(message.frames(signer: signer))
    }
}

extension Kernel {
    /// Starts a kernel on the connection file at `path` and serves it until shutdown.
    public static func serve(connectionFile path: String, options: ShellOptions) throws {
        let kernel = try Kernel(connection: ConnectionFile.read(path), options: options)
        installSignalInterrupt(kernel)
        kernel.run()
    }

    /// The kernel SIGINT interrupts: the served one (a signal handler cannot capture it).
    nonisolated(unsafe) private static var signalled: Kernel?

    /// SIGINT (`interrupt_mode: signal` clients) stops the running command at the next batch,
    /// as an `interrupt_request` does; the kernel itself keeps running.
    static func installSignalInterrupt(_ kernel: Kernel) {
        signalled = kernel
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in Kernel.signalled?.requestInterrupt() }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)
    }
}
