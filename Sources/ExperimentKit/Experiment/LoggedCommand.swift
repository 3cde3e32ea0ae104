/// One command of the session's replayable log.
public struct LoggedCommand: Equatable, Codable, Sendable {
    /// The prompt number it ran under (numbers of failed commands are skipped).
    public var number: Int
    /// The command in canonical spelling.
    public var text: String
    /// Wall-clock seconds it took.
    public var seconds: Double

    public init(number: Int, text: String, seconds: Double) {
        self.number = number
        self.text = text
        self.seconds = seconds
    }
}
