import Autograd
import Foundation

extension Shell {
    /// Runs a script file line by line.
    /// - Parameter stopOnError: stop at the first failing line (scripts given on the command line);
    ///   otherwise report it and go on (piped input).
    /// - Returns: the exit code: 0 when every command succeeded, 1 otherwise, 130 after Ctrl-C.
    public func runScript(path: String, stopOnError: Bool) -> Int32 {
        guard scriptDepth < 16 else {
            console.error("\(path): error: scripts nested more than 16 deep (does a script run itself?)")
            return 1
        }
        let full = PathName.expandingTilde(path)
        let type = (try? FileManager.default.attributesOfItem(atPath: full))?[.type] as? FileAttributeType
        if let type, type != .typeRegular {
            console.error("\(path): error: not a regular file (a device, pipe or folder); give a script file")
            return 1
        }
        let text: String
        do {
            let full = PathName.expandingTilde(path)
            text = path.lowercased().hasSuffix(".ipynb")
                ? try Notebook.script(from: Data(contentsOf: URL(fileURLWithPath: full)))
                : try String(contentsOfFile: full, encoding: .utf8)
        } catch let error as RenderError {
            console.error("\(path): error: \(error.description)")
            return 1
        } catch {
            console.error("\(path): error: cannot read the script (\(Shell.describeFileError(error)))")
            return 1
        }
        // A file that is not a script (a key file, /etc/shadow) is refused without echoing its lines.
        let first = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty && !$0.hasPrefix("#") }
        let word = first.map { String($0.prefix { !$0.isWhitespace }) } ?? ""
        if first != nil, table.command(named: word) == nil, EditDistance.suggestion(for: word, in: table.names) == nil {
            console.error("\(path): error: not a workbench script (its first line is not a command); nothing was run")
            return 1
        }
        return runLines(text, source: path, stopOnError: stopOnError)
    }

    /// Runs the lines of `text` as a script named `source`.
    public func runLines(_ text: String, source: String, stopOnError: Bool) -> Int32 {
        if scriptDepth == 0, Shell.terminationSignal == 0 { interrupt.clear() }
        scriptDepth += 1
        defer { scriptDepth -= 1 }
        var failed = false
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if interrupt.isRaised {
                console.error("\(source):\(index + 1): interrupted")
                return 130
            }
            switch execute(line: String(line), source: source, lineNumber: index + 1) {
            case .ok: break
            case .quit: return failed ? 1 : 0
            case .failed:
                failed = true
                if interrupt.isRaised { return 130 }
                if stopOnError { return 1 }
            }
        }
        return failed ? 1 : 0
    }

    /// A file error from Foundation that no handler translated, as `PATH: reason` in one line
    /// (instead of NSError's multi-field description); `nil` for any other error.
    static func describeFoundationError(_ error: Error) -> String? {
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return nil }
        let path = (ns.userInfo[NSFilePathErrorKey] as? String).flatMap { $0.isEmpty ? nil : $0 }
        return "\(path ?? "a file operation"): \(describeFileError(error))"
    }

    static func describeFileError(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return "no such file"
            case NSFileReadNoPermissionError: return "permission denied"
            case NSFileReadInapplicableStringEncodingError, NSFileReadCorruptFileError: return "not UTF-8 text"
            default: break
            }
        }
        return ns.localizedDescription
    }
}
