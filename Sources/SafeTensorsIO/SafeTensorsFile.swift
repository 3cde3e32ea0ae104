import Autograd

/// The contents of a safetensors file: its `__metadata__` map and its tensors in file order.
public struct SafeTensorsFile: Sendable {
    /// Where the file was read from.
    public var path: String
    /// The `__metadata__` string map (empty when absent).
    public var metadata: [String: String]
    /// Tensors in the order the header lists them.
    public var entries: [SafeTensorsEntry]

    public init(path: String, metadata: [String: String], entries: [SafeTensorsEntry]) {
        (self.path, self.metadata, self.entries) = (path, metadata, entries)
    }

    /// Names in file order.
    public var names: [String] { entries.map(\.name) }

    /// The entry called `name`.
    public subscript(name: String) -> SafeTensorsEntry? { entries.first { $0.name == name } }

    /// The entry called `name`, or an error naming the file and the missing tensor.
    public func entry(_ name: String) throws -> SafeTensorsEntry {
        guard let e = self[name] else {
            throw SafeTensorsError(path: path,
                                   problem: "no tensor named '\(name)' (has \(names.joined(separator: ", ")))")
        }
        return e
    }

    /// The tensor called `name` as Float32 (converted from its element type).
    public func tensor(_ name: String) throws -> Tensor { try entry(name).tensor() }
}
