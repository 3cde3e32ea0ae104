import Foundation

/// How terminal output may look: colour, character set and width.
///
/// Every renderer in `Render/` takes a style and degrades with it:
/// - `color == false`: no ANSI escape sequences at all;
/// - `unicode == false`: only printable ASCII (braille, blocks and box lines become `*`, `#`, `-`, `|`);
/// - `width`: the number of terminal columns the output must fit in.
public struct RenderStyle: Sendable, Equatable {
    /// Whether ANSI colour escapes may be written.
    public var color: Bool
    /// Whether non-ASCII characters (braille, block elements, box drawing) may be written.
    public var unicode: Bool
    /// Terminal columns available; renderers never write a longer line. Clamped to at least 20.
    public var width: Int

    /// - Parameters:
    ///   - color: ANSI colour allowed (default `true`).
    ///   - unicode: non-ASCII characters allowed (default `true`).
    ///   - width: terminal columns (default 80, clamped to at least 20).
    public init(color: Bool = true, unicode: Bool = true, width: Int = 80) {
        self.color = color
        self.unicode = unicode
        self.width = max(20, width)
    }

    /// `text` as this style may print it: unchanged with Unicode, else with common symbols spelled in
    /// ASCII (`·` → `.`, `…` → `...`, `→` → `>`; see ``BitmapFont/ascii(_:)``).
    public func text(_ text: String) -> String { unicode ? text : BitmapFont.ascii(text) }

    /// No colour, ASCII only, 80 columns (the most conservative output).
    public static let plain = RenderStyle(color: false, unicode: false, width: 80)

    /// The style for the current terminal, decided from its environment.
    ///
    /// - `color` is off when `NO_COLOR` is set (any value, see no-color.org), when `TERM` is `dumb`,
    ///   or when the output is not a terminal.
    /// - `unicode` is on when the first set of `LC_ALL`, `LC_CTYPE`, `LANG` names UTF-8.
    /// - `width` is `columns` when known, else `COLUMNS`, else 80.
    /// - Parameters:
    ///   - environment: the process environment (`ProcessInfo.processInfo.environment`).
    ///   - isTerminal: whether standard output is a terminal (`isatty(1) != 0`).
    ///   - columns: the terminal width from `ioctl(TIOCGWINSZ)`, if known.
    public static func detect(environment: [String: String], isTerminal: Bool, columns: Int? = nil) -> RenderStyle {
        let noColor = environment["NO_COLOR"] != nil || environment["TERM"] == "dumb"
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"].lazy
            .compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
        let utf8 = locale.uppercased().replacingOccurrences(of: "-", with: "").contains("UTF8")
        let width = columns ?? environment["COLUMNS"].flatMap { Int($0) } ?? 80
        return RenderStyle(color: isTerminal && !noColor, unicode: utf8, width: width)
    }
}

/// ANSI escape sequences used by the renderers.
public enum ANSI {
    /// Reset all attributes: `ESC[0m`.
    public static let reset = "\u{1B}[0m"
    /// Bold: `ESC[1m`.
    public static let bold = "\u{1B}[1m"
    /// Dim (faint): `ESC[2m`.
    public static let dim = "\u{1B}[2m"
    /// Foreground from the 256-colour palette: `ESC[38;5;Nm`.
    public static func foreground256(_ index: Int) -> String { "\u{1B}[38;5;\(index)m" }
    /// Background from the 256-colour palette: `ESC[48;5;Nm`.
    public static func background256(_ index: Int) -> String { "\u{1B}[48;5;\(index)m" }
    /// 24-bit foreground: `ESC[38;2;R;G;Bm`.
    public static func foreground(_ c: RGB) -> String { "\u{1B}[38;2;\(c.r);\(c.g);\(c.b)m" }
    /// 24-bit background: `ESC[48;2;R;G;Bm`.
    public static func background(_ c: RGB) -> String { "\u{1B}[48;2;\(c.r);\(c.g);\(c.b)m" }

    /// The nearest entry of the 6×6×6 colour cube (indices 16…231) of the 256-colour palette.
    public static func cubeIndex(_ c: RGB) -> Int {
        // The cube's levels are 0, 95, 135, 175, 215, 255.
        func level(_ v: UInt8) -> Int {
            let v = Int(v)
            return v < 48 ? 0 : v < 115 ? 1 : (v - 35) / 40
        }
        return 16 + 36 * level(c.r) + 6 * level(c.g) + level(c.b)
    }

    /// `text` without ANSI CSI escape sequences (`ESC [ … letter`).
    public static func strip(_ text: String) -> String {
        guard text.contains("\u{1B}") else { return text }
        var out = String.UnicodeScalarView()
        var inEscape = false
        var sawBracket = false
        for s in text.unicodeScalars {
            if inEscape {
                if !sawBracket { sawBracket = true; if s != "[" { inEscape = false } ; continue }
                if (0x40...0x7E).contains(s.value) { inEscape = false }
                continue
            }
            if s == "\u{1B}" { inEscape = true; sawBracket = false; continue }
            out.append(s)
        }
        return String(out)
    }

    /// Columns `text` occupies on a terminal: Unicode scalars outside escape sequences, combining marks
    /// excluded (every glyph the renderers use is one column wide).
    public static func displayWidth(_ text: String) -> Int {
        strip(text).unicodeScalars.reduce(0) { n, s in
            s.properties.generalCategory == .nonspacingMark || s.value == 0x200B ? n : n + 1
        }
    }

    /// `text` padded with spaces on the right (or left when `right` is true) to `width` display columns.
    public static func pad(_ text: String, to width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - displayWidth(text)))
        return right ? fill + text : text + fill
    }

    /// `text` cut to at most `width` display columns, keeping escape sequences and closing with a reset
    /// when any colour was open.
    public static func truncate(_ text: String, to width: Int) -> String {
        if displayWidth(text) <= width { return text }
        var out = String.UnicodeScalarView()
        var used = 0, inEscape = false, sawEscape = false
        for s in text.unicodeScalars {
            if s == "\u{1B}" { inEscape = true; sawEscape = true; out.append(s); continue }
            if inEscape {
                out.append(s)
                if s != "[" && (0x40...0x7E).contains(s.value) { inEscape = false }
                continue
            }
            if used == width { break }
            out.append(s)
            used += 1
        }
        return String(out) + (sawEscape ? reset : "")
    }
}

/// An 8-bit RGB colour.
public struct RGB: Sendable, Equatable, Hashable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r; self.g = g; self.b = b
    }
    /// `#rrggbb`, for SVG.
    public var hex: String { String(format: "#%02x%02x%02x", r, g, b) }
    /// Relative luminance in 0…1 (Rec. 601 weights), for choosing black or white text on this colour.
    public var luminance: Double { (0.299 * Double(r) + 0.587 * Double(g) + 0.114 * Double(b)) / 255 }
}
