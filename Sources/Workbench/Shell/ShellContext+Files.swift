import Autograd
import ExperimentKit
import Foundation

extension ShellContext {
    /// Where a generated file goes, after checking the overwrite rule.
    ///
    /// Without `to=`, the file is `defaultName` in the session's output folder (created if
    /// needed) and may be replaced. With `to=PATH`, an existing file outside the output folder is
    /// only replaced when `force=true`. Call it before changing any state; write the file with
    /// ``AtomicWriter``.
    /// - Throws: a ``Diagnostic`` pointing at `to=` when the file exists and `force` is not set.
    public func outputPath(for invocation: Invocation, defaultName: String) throws -> String {
        let folder = PathName.expandingTilde(session.outputDirectory)
        guard let target = invocation.string("to") else {
            try createFolder(folder, invocation: invocation)
            return (folder as NSString).appendingPathComponent(defaultName)
        }
        let path = (PathName.expandingTilde(target) as NSString).standardizingPath
        let inside = ShellContext.isInside(path, folder: folder)
        if !inside, FileManager.default.fileExists(atPath: path), invocation.bool("force") != true {
            throw invocation.error("'\(target)' exists", at: "to", suggestion: "add force=true to overwrite it")
        }
        try createFolder(PathName.folder(of: path), invocation: invocation)
        return path
    }

    private func createFolder(_ folder: String, invocation: Invocation) throws {
        guard !folder.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw invocation.error("cannot create the folder '\(folder)': \(Shell.describeFileError(error))")
        }
    }

    /// Whether `path` lies in `folder` (both made absolute).
    static func isInside(_ path: String, folder: String) -> Bool {
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ p: String) -> String {
            ((p.hasPrefix("/") ? p : (cwd as NSString).appendingPathComponent(p)) as NSString).standardizingPath
        }
        let f = absolute(folder)
        return absolute(path).hasPrefix(f.hasSuffix("/") ? f : f + "/")
    }
}
