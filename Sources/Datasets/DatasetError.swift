/// An error a user can cause with data: a missing folder, a corrupt image, a wrong-length file.
///
/// `message` is one line that names the file (when there is one), the problem and, where possible, the fix.
public struct DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }

    /// An error about one file: `"<path>: <problem>"`.
    public init(file: String, _ problem: String) { self.message = "\(file): \(problem)" }

    public var description: String { message }
}
