/// What `inspect NAME` names: a parameter, its gradient, a buffer or a recorded activation, with
/// an optional index on the leading axes.
///
/// Spellings: `conv1.weight`, `conv1.weight.grad`, `bn1.running_mean`, `act.conv3`,
/// `act.ultimus2.q`, and any of them followed by `[i]`, `[i, j]` or `[i][j]` (`conv1.weight[0]`).
public struct TensorReference: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// A parameter or a buffer (resolved against the model's state).
        case state
        /// The `.grad` of a parameter.
        case gradient
        /// `act.NAME`: an activation recorded on the last forward.
        case activation
    }

    public var kind: Kind
    /// The dotted name without `act.`, `.grad` or the index (`conv1.weight`, `ultimus2.q`).
    public var name: String
    /// Indices into the leading axes, outermost first.
    public var index: [Int]

    public init(kind: Kind, name: String, index: [Int] = []) {
        self.kind = kind
        self.name = name
        self.index = index
    }

    /// The canonical spelling.
    public var description: String {
        let base: String
        switch kind {
        case .state: base = name
        case .gradient: base = name + ".grad"
        case .activation: base = "act." + name
        }
        return base + (index.isEmpty ? "" : "[" + index.map(String.init).joined(separator: ", ") + "]")
    }

    /// Parses `text`.
    /// - Throws: ``InspectionError`` for an empty name, an unclosed bracket or a non-integer index.
    public static func parse(_ text: String) throws -> TensorReference {
        var body = text.trimmingCharacters(in: .whitespaces)
        var index: [Int] = []
        if let open = body.firstIndex(of: "[") {
            let subscripts = String(body[open...])
            body = String(body[..<open])
            var rest = Substring(subscripts)
            while !rest.isEmpty {
                guard rest.first == "[", let close = rest.firstIndex(of: "]") else {
                    throw InspectionError("'\(text)' has an unclosed '['; "
                                          + "write an index like conv1.weight[0] or [0, 1]")
                }
                for part in rest[rest.index(after: rest.startIndex)..<close].split(separator: ",") {
                    guard let i = Int(part.trimmingCharacters(in: .whitespaces)) else {
                        throw InspectionError("'\(part)' in '\(text)' is not an index; "
                                              + "use whole numbers such as [0] or [2, 1]")
                    }
                    index.append(i)
                }
                rest = rest[rest.index(after: close)...]
            }
        }
        var kind = Kind.state
        if body.hasPrefix("act.") {
            kind = .activation
            body.removeFirst(4)
        } else if body.hasSuffix(".grad") {
            kind = .gradient
            body.removeLast(5)
        }
        guard !body.isEmpty else {
            throw InspectionError("'\(text)' names no tensor; try conv1.weight, conv1.weight.grad or act.conv3")
        }
        return TensorReference(kind: kind, name: body, index: index)
    }
}

import Foundation
