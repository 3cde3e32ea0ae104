import Foundation

/// How pictures reach the terminal: a bitmap protocol (full resolution), half-block characters, or
/// not at all (a text listing instead).
public enum TerminalImageProtocol: String, Sendable, CaseIterable {
    /// The kitty graphics protocol (kitty, Ghostty, Konsole): `ESC _G … ESC \` with PNG data.
    case kitty
    /// iTerm2's inline images (iTerm2, WezTerm, mintty): `ESC ]1337;File=… BEL` with PNG data.
    case iterm
    /// DEC sixel graphics (foot, mlterm, xterm -ti vt340, Windows Terminal): `ESC P … q … ESC \`.
    case sixel
    /// Upper half blocks `▀` with 24-bit colours: two pixels per character cell, any colour terminal.
    case blocks
    /// No picture: captions only.
    case off

    /// Whether the protocol draws bitmaps (so charts can be shown as pictures too).
    public var isBitmap: Bool { self == .kitty || self == .iterm || self == .sixel }

    /// The protocol the environment names, if any: kitty (`KITTY_WINDOW_ID`, `TERM=xterm-kitty`,
    /// Ghostty), iTerm2 (`TERM_PROGRAM=iTerm.app`, `LC_TERMINAL=iTerm2`, WezTerm), sixel (`TERM` naming
    /// sixel, foot or mlterm). `nil` when nothing tells: a terminal query may then decide.
    public static func detect(environment: [String: String]) -> TerminalImageProtocol? {
        let term = environment["TERM"] ?? "", program = environment["TERM_PROGRAM"] ?? ""
        if environment["KITTY_WINDOW_ID"] != nil || term == "xterm-kitty" || term == "xterm-ghostty"
            || program == "ghostty" {
            return .kitty
        }
        if program == "iTerm.app" || environment["LC_TERMINAL"] == "iTerm2" || program == "WezTerm" { return .iterm }
        if term.contains("sixel") || term.hasPrefix("foot") || term.hasPrefix("mlterm") { return .sixel }
        return nil
    }

    /// The protocol a terminal's answers to ``TerminalImageQuery/request`` announce: kitty when it
    /// acknowledged the graphics query (`ESC _Gi=31;OK`), sixel when its primary device attributes
    /// (`ESC [?…c`) list feature 4; `nil` otherwise.
    public static func fromQueryReply(_ reply: String) -> TerminalImageProtocol? {
        if reply.contains("_Gi=31;OK") { return .kitty }
        guard let start = reply.range(of: "\u{1B}[?"), let end = reply[start.upperBound...].firstIndex(of: "c") else {
            return nil
        }
        let features = reply[start.upperBound..<end].split(separator: ";")
        return features.contains("4") ? .sixel : nil
    }
}
