import Foundation

/// A JSON object as Jupyter messages carry them.
public typealias JSONObject = [String: Any]

/// One message of the Jupyter messaging protocol (version 5.3).
///
/// On the wire: routing identities, the `<IDS|MSG>` delimiter, the HMAC signature, then the
/// header, parent header, metadata and content as JSON frames, then any binary buffers.
public struct JupyterMessage {
    public static let protocolVersion = "5.3"
    static let delimiter = Data("<IDS|MSG>".utf8)

    public var identities: [Data]
    public var header: JSONObject
    public var parentHeader: JSONObject
    public var metadata: JSONObject
    public var content: JSONObject

    public var type: String { header["msg_type"] as? String ?? "" }

    public init(identities: [Data] = [], header: JSONObject, parentHeader: JSONObject = [:],
                metadata: JSONObject = [:], content: JSONObject = [:]) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = metadata
        self.content = content
    }

    /// A new header of type `type` in `session`.
    public static func header(type: String, session: String, username: String = "ultimus") -> JSONObject {
        [
            "msg_id": UUID().uuidString.lowercased(), "session": session, "username": username,
            "date": JupyterMessage.timestamp(), "msg_type": type, "version": protocolVersion,
        ]
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }

    /// The frames to send, signed with `signer`.
    public func frames(signer: MessageSigner) -> [Data] {
        let parts = [header, parentHeader, metadata, content].map(JupyterMessage.encode)
        return identities + [JupyterMessage.delimiter, Data(signer.signature(parts).utf8)] + parts
    }

    /// Parses received frames.
    /// - Throws: ``KernelError`` when the delimiter or a JSON frame is missing, or the signature is wrong.
    public static func parse(_ frames: [Data], signer: MessageSigner) throws -> JupyterMessage {
        guard let split = frames.firstIndex(of: delimiter), frames.count >= split + 6 else {
            throw KernelError("a message without the <IDS|MSG> delimiter and its five frames")
        }
        let parts = Array(frames[(split + 2)..<(split + 6)])
        guard signer.verify(frames[split + 1], parts) else { throw KernelError("a message with a bad signature") }
        let objects = try parts.map { data -> JSONObject in
            guard let object = try? JSONSerialization.jsonObject(with: data) as? JSONObject else {
                throw KernelError("a message frame that is not a JSON object")
            }
            return object
        }
        return JupyterMessage(identities: Array(frames[..<split]), header: objects[0], parentHeader: objects[1],
                              metadata: objects[2], content: objects[3])
    }

    static func encode(_ object: JSONObject) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}
