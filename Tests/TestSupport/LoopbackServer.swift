import Foundation

/// A minimal HTTP/1.0 server on 127.0.0.1 for download tests: serves fixed bodies by path, 404 otherwise,
/// and `/slow` announces 4 MiB, dribbles the first 1.5 MiB in 32 KiB pieces every 50 ms, then sends nothing
/// more until the client hangs up (at most 60 s), which it signals on ``hungUp``: a download of it ends
/// only by cancellation or the client's idle timeout. One connection at a time; `stop()` always ends it.
public final class LoopbackServer: @unchecked Sendable {
    public let port: UInt16
    private let listener: Int32
    private let routes: [String: [UInt8]]
    private let finished = DispatchSemaphore(value: 0)
    /// Signalled each time a client closes a `/slow` connection before its end.
    public let hungUp = DispatchSemaphore(value: 0)

    public init(routes: [String: [UInt8]]) throws {
        self.routes = routes
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard listener >= 0, bound == 0, listen(listener, 8) == 0 else { throw CocoaError(.fileWriteUnknown) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        let finished = self.finished, hungUp = self.hungUp
        Thread { Self.serve(listener: listener, routes: routes, hungUp: hungUp); finished.signal() }.start()
    }

    public func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

    /// Closes the listening socket and waits (at most 5 s) for the serving thread to end.
    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        _ = finished.wait(timeout: .now() + 5)
    }

    private static func serve(listener: Int32, routes: [String: [UInt8]], hungUp: DispatchSemaphore) {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            handle(client, routes: routes, hungUp: hungUp)
            close(client)
        }
    }

    private static func handle(_ client: Int32, routes: [String: [UInt8]], hungUp: DispatchSemaphore) {
        var request = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !request.contains(13) || !String(decoding: request, as: UTF8.self).contains("\r\n\r\n") {
            let n = recv(client, &chunk, chunk.count, 0)
            if n <= 0 { return }
            request += chunk[0..<n]
            if request.count > 65536 { return }
        }
        let line = String(decoding: request, as: UTF8.self).split(separator: "\r\n").first ?? ""
        let path = line.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        if path == "/slow" {
            guard send(client, "HTTP/1.0 200 OK\r\nContent-Length: 4194304\r\n\r\n") else {
                _ = hungUp.signal()
                return
            }
            let piece = [UInt8](repeating: 0x61, count: 32768)
            for _ in 0..<48 {
                guard send(client, piece) else { _ = hungUp.signal(); return }
                usleep(50_000)
            }
            // Wait for the hang-up: recv returns 0 when the client closes (the receive timeout is 5 s).
            for _ in 0..<12 {
                let n = recv(client, &chunk, chunk.count, 0)
                if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { _ = hungUp.signal(); return }
            }
        } else if let body = routes[path] {
            let header = "HTTP/1.0 200 OK\r\nContent-Length: \(body.count)\r\nContent-Type: application/gzip\r\n\r\n"
            guard send(client, header) else { return }
            _ = send(client, body)
        } else {
            _ = send(client, "HTTP/1.0 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found")
        }
    }

    private static func send(_ client: Int32, _ text: String) -> Bool { send(client, Array(text.utf8)) }

    private static func send(_ client: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(client, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }
}
