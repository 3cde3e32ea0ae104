import Foundation

/// The connection file a Jupyter client writes before starting a kernel: where to bind the five
/// sockets and the key that signs every message.
public struct ConnectionFile: Codable, Equatable {
    public var transport: String
    public var ip: String
    public var shellPort: Int
    public var controlPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var heartbeatPort: Int
    public var key: String
    public var signatureScheme: String

    enum CodingKeys: String, CodingKey {
        case transport, ip, key
        case shellPort = "shell_port", controlPort = "control_port", iopubPort = "iopub_port"
        case stdinPort = "stdin_port", heartbeatPort = "hb_port", signatureScheme = "signature_scheme"
    }

    public init(transport: String = "tcp", ip: String = "127.0.0.1", shellPort: Int, controlPort: Int, iopubPort: Int,
                stdinPort: Int, heartbeatPort: Int, key: String, signatureScheme: String = "hmac-sha256") {
        self.transport = transport
        self.ip = ip
        self.shellPort = shellPort
        self.controlPort = controlPort
        self.iopubPort = iopubPort
        self.stdinPort = stdinPort
        self.heartbeatPort = heartbeatPort
        self.key = key
        self.signatureScheme = signatureScheme
    }

    /// Reads and checks `path`.
    /// - Throws: ``KernelError`` naming the file and what is wrong with it.
    public static func read(_ path: String) throws -> ConnectionFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw KernelError("cannot read the connection file \(path); Jupyter writes it when it starts the kernel")
        }
        let file: ConnectionFile
        do {
            file = try JSONDecoder().decode(ConnectionFile.self, from: data)
        } catch {
            throw KernelError("\(path) is not a Jupyter connection file "
                              + "(it needs transport, ip, the five ports and key)")
        }
        guard file.signatureScheme == "hmac-sha256" || file.key.isEmpty else {
            throw KernelError("\(path): signature_scheme \(file.signatureScheme) is not supported; use hmac-sha256")
        }
        guard file.transport == "tcp" || file.transport == "ipc" else {
            throw KernelError("\(path): transport \(file.transport) is not supported; use tcp or ipc")
        }
        return file
    }

    /// The ZeroMQ address of a port: `tcp://127.0.0.1:5555`, or `ipc://kernel-ipc-5555`.
    public func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port)"
    }
}

/// The kernel cannot start or go on; one line naming the problem and the fix.
public struct KernelError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
