/// An input whose shape does not fit a layer, found before any op runs.
public struct ShapeError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
