import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks the terminal which image protocol it speaks, when the environment does not tell.
public enum TerminalImageQuery {
    /// A kitty graphics query (a 1×1 RGB image, id 31, action `q`: nothing is drawn) followed by
    /// primary device attributes (`ESC [c`), which every terminal answers, so the reply always ends.
    public static let request = "\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\\u{1B}[c"

    /// Asks the terminal when the environment named no protocol and the console draws colour on a
    /// terminal; sets ``Console/detectedImages`` from the answer (half-blocks stay otherwise).
    public static func refine(_ console: Console) {
        guard console.isTerminal, console.color,
              TerminalImageProtocol.detect(environment: ProcessInfo.processInfo.environment) == nil,
              let kind = ask() else { return }
        console.detectedImages = kind
    }

    /// Sends ``request`` and reads the answer for at most `timeout` milliseconds, with the terminal
    /// in raw mode (restored after). Only when standard input and output are both terminals; `nil`
    /// otherwise, on timeout, or when the answer names no bitmap protocol.
    public static func ask(timeout: Int = 250) -> TerminalImageProtocol? {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { return nil }
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        guard tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0 else { return nil }
        defer { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        _ = request.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
        return TerminalImageProtocol.fromQueryReply(readReply(timeout: timeout))
    }

    /// Bytes from standard input until the device-attributes answer ends (`c`) or `timeout` ms pass.
    static func readReply(timeout: Int) -> String {
        var reply: [UInt8] = []
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        var remaining = timeout
        while remaining > 0, reply.count < 4096 {
            let start = clock()
            guard poll(&descriptor, 1, Int32(remaining)) > 0 else { break }
            var buffer = [UInt8](repeating: 0, count: 256)
            let n = read(STDIN_FILENO, &buffer, buffer.count)
            guard n > 0 else { break }
            reply += buffer.prefix(n)
            if let text = String(bytes: reply, encoding: .utf8), text.range(of: "\u{1B}[?") != nil,
               text.hasSuffix("c") { break }
            remaining -= max(1, Int((clock() - start) * 1000 / CLOCKS_PER_SEC))
        }
        return String(decoding: reply, as: UTF8.self)
    }
}
