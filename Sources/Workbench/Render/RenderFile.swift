import Autograd
import Foundation

/// An output file could not be written.
public struct RenderError: Error, CustomStringConvertible, Equatable {
    /// One line naming the problem and the fix.
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// File output for the renderers, through ``AtomicWriter``.
public enum RenderFile {
    /// Writes `data` to `path` atomically (``AtomicWriter``), creating missing parent folders.
    /// - Throws: ``RenderError`` naming the path and the reason.
    public static func write(_ data: Data, to path: String) throws {
        do { try AtomicWriter.write([UInt8](data), to: path, createFolders: true) } catch let error as FileWriteError {
            throw RenderError("\(error); choose a writable location")
        }
    }

    /// Writes `text` as UTF-8 to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }
}
