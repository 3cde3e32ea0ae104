/// Raised by work that stops early because it was cancelled (Ctrl-C), after leaving the session consistent.
public struct Interrupted: Error, CustomStringConvertible {
    public var what: String
    public init(_ what: String) { self.what = what }
    public var description: String { "\(what) interrupted" }
}
