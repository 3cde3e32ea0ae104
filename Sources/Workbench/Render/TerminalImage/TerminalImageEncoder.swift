import Datasets
import Foundation

/// Escape byte streams that draw a picture with a terminal image protocol.
public enum TerminalImageEncoder {
    /// Base64 characters per kitty graphics chunk (the protocol's maximum, a multiple of 4).
    public static let kittyChunk = 4096

    /// The kitty graphics protocol: transmit and display PNG data (`a=T,f=100`), quietly (`q=2`, the
    /// terminal sends no reply into the input), base64 in chunks of at most 4096 characters with
    /// `m=1` on every chunk but the last (`m=0`); later chunks carry only `m`.
    public static func kitty(png: [UInt8]) -> String {
        let encoded = Data(png).base64EncodedString()
        var chunks: [Substring] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: kittyChunk, limitedBy: encoded.endIndex) ?? encoded.endIndex
            chunks.append(encoded[index..<end])
            index = end
        }
        if chunks.isEmpty { chunks = [""] }
        return chunks.enumerated().map { i, chunk in
            let more = i < chunks.count - 1 ? 1 : 0
            let keys = i == 0 ? "a=T,f=100,q=2,m=\(more)" : "m=\(more)"
            return "\u{1B}_G\(keys);\(chunk)\u{1B}\\"
        }.joined()
    }

    /// iTerm2's inline image: `ESC ]1337;File=inline=1;size=BYTES;preserveAspectRatio=1:BASE64 BEL`.
    public static func iterm(png: [UInt8]) -> String {
        "\u{1B}]1337;File=inline=1;size=\(png.count);preserveAspectRatio=1:"
            + Data(png).base64EncodedString() + "\u{07}"
    }

    /// `image` in the given bitmap protocol (PNG-encoded for kitty and iTerm2); `nil` for the others.
    public static func encode(_ image: RGBImage, as kind: TerminalImageProtocol) throws -> String? {
        switch kind {
        case .kitty: return kitty(png: try PNGCodec.encode(rgb: image.pixels, width: image.width, height: image.height))
        case .iterm: return iterm(png: try PNGCodec.encode(rgb: image.pixels, width: image.width, height: image.height))
        case .sixel: return Sixel.encode(image)
        case .blocks, .off: return nil
        }
    }
}
