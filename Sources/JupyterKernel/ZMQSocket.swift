import CZMQ
import Foundation

/// A ZeroMQ failure, with libzmq's own reason.
public struct ZMQError: Error, CustomStringConvertible {
    public let description: String

    init(_ what: String) {
        description = "\(what): \(String(cString: zmq_strerror(zmq_errno())))"
    }
}

/// One ZeroMQ context: every socket of a kernel (or of a test client) lives in it.
public final class ZMQContext {
    let handle: UnsafeMutableRawPointer

    public init() {
        handle = zmq_ctx_new()
    }

    deinit { zmq_ctx_term(handle) }
}

/// A ZeroMQ socket speaking multipart messages (a message is a list of frames).
///
/// A socket is used by one thread at a time; the kernel guards the shared IOPub socket with a lock.
public final class ZMQSocket {
    public enum Kind {
        case router, dealer, pub, sub, rep, req

        var code: Int32 {
            switch self {
            case .router: ZMQ_ROUTER
            case .dealer: ZMQ_DEALER
            case .pub: ZMQ_PUB
            case .sub: ZMQ_SUB
            case .rep: ZMQ_REP
            case .req: ZMQ_REQ
            }
        }
    }

    let handle: UnsafeMutableRawPointer
    private let context: ZMQContext

    public init(_ kind: Kind, context: ZMQContext) throws {
        guard let socket = zmq_socket(context.handle, kind.code) else { throw ZMQError("cannot create a socket") }
        self.handle = socket
        self.context = context
        var linger: Int32 = 0
        zmq_setsockopt(socket, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
    }

    deinit { zmq_close(handle) }

    public func bind(_ endpoint: String) throws {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError("cannot bind \(endpoint)") }
    }

    public func connect(_ endpoint: String) throws {
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError("cannot connect to \(endpoint)") }
    }

    /// A SUB socket receives only topics it subscribed to; `""` means all.
    public func subscribe(_ topic: String = "") {
        _ = topic.withCString { zmq_setsockopt(handle, ZMQ_SUBSCRIBE, $0, strlen($0)) }
    }

    /// Sends `frames` as one multipart message.
    public func send(_ frames: [Data]) throws {
        for (index, frame) in frames.enumerated() {
            let flags: Int32 = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            let sent = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
            guard sent >= 0 else { throw ZMQError("cannot send") }
        }
    }

    /// Receives one multipart message, waiting for it.
    public func receive() throws -> [Data] {
        var frames: [Data] = []
        var more = true
        while more {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            guard zmq_msg_recv(&message, handle, 0) >= 0 else { throw ZMQError("cannot receive") }
            frames.append(Data(bytes: zmq_msg_data(&message), count: zmq_msg_size(&message)))
            more = zmq_msg_more(&message) != 0
        }
        return frames
    }

    /// The sockets of `sockets` that have a message waiting, after at most `milliseconds`.
    public static func poll(_ sockets: [ZMQSocket], milliseconds: Int) -> [ZMQSocket] {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        guard zmq_poll(&items, Int32(items.count), milliseconds) > 0 else { return [] }
        return zip(sockets, items).filter { $0.1.revents & Int16(ZMQ_POLLIN) != 0 }.map(\.0)
    }
}
