import Autograd
import Foundation

/// Writes text and data files through ``AtomicWriter``, creating missing parent folders.
public enum AtomicWrite {
    /// Writes `text` as UTF-8 to `path`.
    public static func write(_ text: String, to path: String) throws {
        try AtomicWriter.write(text, to: path, createFolders: true)
    }

    public static func write(_ data: Data, to path: String) throws {
        try AtomicWriter.write([UInt8](data), to: path, createFolders: true)
    }
}
