/// A console that records its output instead of printing it (for tests and embedding).
public final class CapturingConsole: Console {
    /// Everything emitted, both streams interleaved, with progress redraws as emitted.
    public private(set) var transcript = ""
    /// Standard-output text only.
    public private(set) var output = ""
    /// Standard-error text only.
    public private(set) var errors = ""

    public init(isTerminal: Bool = false, color: Bool = false, unicode: Bool = true, width: Int = 80) {
        super.init(isTerminal: isTerminal, color: color, unicode: unicode, width: width)
    }

    public override func emit(_ text: String, toError: Bool) {
        transcript += text
        if toError { errors += text } else { output += text }
    }

    /// Forgets what was captured so far.
    public func clear() {
        transcript = ""
        output = ""
        errors = ""
    }
}
