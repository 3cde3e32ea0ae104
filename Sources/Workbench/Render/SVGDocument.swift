import Foundation

/// A small SVG 1.1 writer: elements are appended in drawing order and serialised as a standalone
/// document (`<?xml …?>` prolog, `xmlns`, `viewBox`, white background).
public struct SVGDocument: Sendable {
    public let width: Int
    public let height: Int
    private var body: [String] = []
    private var indent = 1

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// The complete document.
    public var text: String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
        out += "viewBox=\"0 0 \(width) \(height)\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
        out += "  <rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"
        out += body.joined(separator: "\n") + (body.isEmpty ? "" : "\n")
        out += "</svg>\n"
        return out
    }

    /// Writes the document to `path` atomically.
    public func write(to path: String) throws { try RenderFile.write(text, to: path) }

    /// Appends a raw element (already escaped).
    public mutating func raw(_ element: String) {
        body.append(String(repeating: "  ", count: indent) + element)
    }

    /// Opens `<g …>`; close it with ``endGroup()``.
    public mutating func beginGroup(transform: String? = nil, id: String? = nil) {
        var attrs = ""
        if let id { attrs += " id=\"\(Self.escape(id))\"" }
        if let transform { attrs += " transform=\"\(transform)\"" }
        raw("<g\(attrs)>")
        indent += 1
    }

    public mutating func endGroup() {
        indent = max(1, indent - 1)
        raw("</g>")
    }

    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double,
                              stroke: String = "#000000", width: Double = 1, dash: String? = nil) {
        let d = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        raw("<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" "
            + "stroke=\"\(stroke)\" stroke-width=\"\(f(width))\"\(d)/>")
    }

    public mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double,
                              fill: String, stroke: String? = nil, title: String? = nil) {
        let s = stroke.map { " stroke=\"\($0)\"" } ?? ""
        if let title {
            raw("<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"\(f(h))\" fill=\"\(fill)\"\(s)>"
                + "<title>\(Self.escape(title))</title></rect>")
        } else {
            raw("<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"\(f(h))\" fill=\"\(fill)\"\(s)/>")
        }
    }

    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5) {
        let p = points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
        raw("<polyline points=\"\(p)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(f(width))\" "
            + "stroke-linejoin=\"round\"/>")
    }

    /// Text at `(x, y)` (baseline); `anchor` is `start`, `middle` or `end`.
    public mutating func text(_ s: String, x: Double, y: Double, size: Double = 11, anchor: String = "start",
                              fill: String = "#000000", bold: Bool = false, rotate: Double? = nil) {
        let w = bold ? " font-weight=\"bold\"" : ""
        let r = rotate.map { " transform=\"rotate(\(f($0)) \(f(x)) \(f(y)))\"" } ?? ""
        raw("<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"\(f(size))\" text-anchor=\"\(anchor)\" "
            + "fill=\"\(fill)\"\(w)\(r)>\(Self.escape(s))</text>")
    }

    /// XML escaping for text and attribute values; control characters other than tab and newline
    /// (not allowed in XML 1.0) are dropped.
    public static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if u.value < 0x20 && u != "\t" && u != "\n" { continue }
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// A coordinate with at most two decimals and no trailing zeros.
    private func f(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (v * 100).rounded() / 100
        guard r != r.rounded() else { return String(Int(r)) }
        return String(format: "%.2f", r).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }
}
