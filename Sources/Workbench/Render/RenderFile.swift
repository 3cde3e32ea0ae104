import Foundation

/// An output file could not be written.
public struct RenderError: Error, CustomStringConvertible, Equatable {
    /// One line naming the problem and the fix.
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Atomic file output for the renderers: the bytes go to a temporary file in the target's folder,
/// which is then renamed over the target, so readers never see a half-written file.
public enum RenderFile {
    /// Writes `data` to `path` atomically, creating missing parent folders.
    /// - Throws: ``RenderError`` naming the path and the reason.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw RenderError("cannot create folder \(folder.path): \(error.localizedDescription); choose a writable location")
        }
        let temp = folder.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try data.write(to: temp)
            if rename(temp.path, url.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temp)
                throw RenderError("cannot write \(path): \(reason); choose a writable location")
            }
        } catch let error as RenderError {
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw RenderError("cannot write \(path): \(error.localizedDescription); choose a writable location")
        }
    }

    /// Writes `text` as UTF-8 to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }
}
