import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where all of the workbench's output goes.
///
/// `write` prints a line to standard output, `error`/`warning` to standard error. A progress line
/// (`progress`) is redrawn in place with `\r` on a terminal; elsewhere only its final state is
/// printed, one line per completed bar (`endProgress`). Subclasses override ``emit(_:toError:)``;
/// ``CapturingConsole`` keeps everything for tests.
open class Console {
    /// Output is a terminal: progress redraws in place.
    public let isTerminal: Bool
    /// ANSI colours allowed (off with `NO_COLOR`, `TERM=dumb` or a non-terminal).
    public var color: Bool
    /// Unicode allowed (off when the locale is not UTF-8): charts fall back to ASCII.
    public var unicode: Bool
    /// The image protocol the terminal speaks (from the environment or a query); half-blocks by default.
    public var detectedImages: TerminalImageProtocol = .blocks
    /// `set images=…`: a protocol written whatever the output is (even a pipe); `nil` follows detection.
    public var imageOverride: TerminalImageProtocol?
    private let fixedWidth: Int?
    /// The progress line currently shown (terminal) or pending (non-terminal).
    public private(set) var activeProgress: String?
    /// Sees the standard-output text and the last line of each progress bar, for the session's record.
    public var recorder: ((String) -> Void)?

    public init(isTerminal: Bool, color: Bool, unicode: Bool, width: Int? = nil) {
        self.isTerminal = isTerminal
        self.color = color
        self.unicode = unicode
        self.fixedWidth = width
    }

    /// Columns available: the terminal's width, else `COLUMNS`, else 80.
    open var width: Int {
        if let fixedWidth { return fixedWidth }
        return Console.terminalWidth() ?? Int(Console.environment("COLUMNS") ?? "").flatMap { $0 > 10 ? $0 : nil } ?? 80
    }

    /// How pictures are shown: the override, else the detected protocol on a colour terminal, else
    /// none (a pipe, `NO_COLOR` or `TERM=dumb` get no escape sequences).
    public var images: TerminalImageProtocol { imageOverride ?? (color ? detectedImages : .off) }

    /// The width wide tables must fit: the terminal's (or the fixed width, or `COLUMNS`); `nil`
    /// when writing to a pipe or file, where a table keeps its natural width.
    public var tableWidth: Int? {
        if let fixedWidth { return fixedWidth }
        if isTerminal { return width }
        return Int(Console.environment("COLUMNS") ?? "").flatMap { $0 > 10 ? $0 : nil }
    }

    /// Writes raw text. The one primitive subclasses override.
    open func emit(_ text: String, toError: Bool) {
        let stream = toError ? stderr : stdout
        fputs(text, stream)
        fflush(stream)
    }

    /// Prints `text` followed by `terminator` on standard output.
    public func write(_ text: String, terminator: String = "\n") {
        recorder?(text + terminator)
        clearProgressForWrite()
        emit(text + terminator, toError: false)
        redrawProgressAfterWrite()
    }

    /// Prints an error message (already formatted, e.g. a rendered ``Diagnostic``) on standard error.
    public func error(_ text: String) {
        clearProgressForWrite()
        emit(text + "\n", toError: true)
        redrawProgressAfterWrite()
    }

    /// Prints `warning: text` on standard error (yellow on a colour terminal).
    public func warning(_ text: String) {
        error(styled("warning:", .yellow) + " " + text)
    }

    /// Shows `line` as the current state of a progress bar.
    open func progress(_ line: String) {
        activeProgress = line
        guard isTerminal else { return }
        emit("\r" + fit(line) + "\u{1B}[K", toError: false)
    }

    /// Completes the current progress bar: ends its line on a terminal, prints its last state elsewhere.
    open func endProgress() {
        guard let line = activeProgress else { return }
        activeProgress = nil
        recorder?(line + "\n")
        emit(isTerminal ? "\n" : line + "\n", toError: false)
    }

    /// Text truncated to the console width minus one (so a redraw never wraps).
    public func fit(_ line: String) -> String {
        let limit = max(10, width - 1)
        return line.count <= limit ? line : String(line.prefix(limit))
    }

    public enum Style: String {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", blue = "34", cyan = "36"
    }

    /// `text` wrapped in ANSI codes when colour is on.
    public func styled(_ text: String, _ style: Style) -> String {
        color ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    private func clearProgressForWrite() {
        if isTerminal, activeProgress != nil { emit("\r\u{1B}[K", toError: false) }
    }

    private func redrawProgressAfterWrite() {
        if isTerminal, let line = activeProgress { emit("\r" + fit(line) + "\u{1B}[K", toError: false) }
    }
}

extension Console {
    /// The console for the process's standard streams, configured from the environment.
    public static func standard() -> Console {
        let terminal = isatty(STDOUT_FILENO) == 1
        let noColor = environment("NO_COLOR").map { !$0.isEmpty } ?? false
        let dumb = environment("TERM") == "dumb"
        let console = Console(isTerminal: terminal, color: terminal && !noColor && !dumb, unicode: localeIsUTF8())
        if let kind = TerminalImageProtocol.detect(environment: ProcessInfo.processInfo.environment) {
            console.detectedImages = kind
        }
        return console
    }

    /// Whether `LC_ALL`, `LC_CTYPE` or `LANG` (the first one set) names a UTF-8 locale.
    public static func localeIsUTF8(environment: [String: String]? = nil) -> Bool {
        for key in ["LC_ALL", "LC_CTYPE", "LANG"] {
            if let value = environment.map({ $0[key] }) ?? Console.environment(key), !value.isEmpty {
                let v = value.lowercased()
                return v.contains("utf-8") || v.contains("utf8")
            }
        }
        return false
    }

    static func environment(_ key: String) -> String? {
        getenv(key).map { String(cString: $0) }
    }

    static func terminalWidth() -> Int? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 10 else { return nil }
        return Int(size.ws_col)
    }
}
