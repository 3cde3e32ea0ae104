import Foundation

/// DEC sixel graphics: six pixel rows per band, one character per column and colour.
///
/// Colours are quantised to the 6×6×6 cube (216 registers, only those used are defined). The stream
/// is `ESC P 0;1;0 q`, raster attributes `"1;1;W;H`, colour definitions `#N;2;R;G;B` (percent), then
/// per band and colour `#N` and the column characters (`?` + six bits, runs as `!COUNT CHAR`), `$`
/// back to the band's start, `-` to the next band, and `ESC \`.
public enum Sixel {
    /// The cube register of a colour: `36·r + 6·g + b` with each channel in 0…5.
    public static func register(_ c: RGB) -> Int {
        func level(_ v: UInt8) -> Int { (Int(v) * 5 + 127) / 255 }
        return 36 * level(c.r) + 6 * level(c.g) + level(c.b)
    }

    /// The colour definition of register `n`: `#n;2;R;G;B` in percent.
    static func definition(_ n: Int) -> String {
        let percent = { (level: Int) in level * 20 }
        return "#\(n);2;\(percent(n / 36));\(percent(n / 6 % 6));\(percent(n % 6))"
    }

    /// The sixel stream of `image`.
    public static func encode(_ image: RGBImage) -> String {
        let w = image.width, h = image.height
        var registers = [Int](repeating: 0, count: w * h)
        var used = Set<Int>()
        for y in 0..<h {
            for x in 0..<w {
                let r = register(image[x, y])
                registers[y * w + x] = r
                used.insert(r)
            }
        }
        var out = "\u{1B}P0;1;0q\"1;1;\(w);\(h)"
        for n in used.sorted() { out += definition(n) }
        for top in stride(from: 0, to: h, by: 6) {
            out += band(registers, width: w, rows: top..<min(top + 6, h))
            if top + 6 < h { out += "-" }
        }
        return out + "\u{1B}\\"
    }

    /// One band: for each colour present, its columns' bits, then `$` (all but the last colour).
    static func band(_ registers: [Int], width w: Int, rows: Range<Int>) -> String {
        var bits: [Int: [UInt8]] = [:]
        for y in rows {
            let bit = UInt8(1 << (y - rows.lowerBound))
            for x in 0..<w {
                bits[registers[y * w + x], default: [UInt8](repeating: 0, count: w)][x] |= bit
            }
        }
        return bits.keys.sorted().map { n in "#\(n)" + runs(bits[n]!) }.joined(separator: "$")
    }

    /// Column bits as sixel characters, runs of more than three as `!COUNT CHAR`, trailing empties dropped.
    static func runs(_ columns: [UInt8]) -> String {
        var trimmed = columns[...]
        while trimmed.last == 0 { trimmed.removeLast() }
        var out = ""
        var i = trimmed.startIndex
        while i < trimmed.endIndex {
            var j = i
            while j < trimmed.endIndex, trimmed[j] == trimmed[i] { j += 1 }
            let char = Character(UnicodeScalar(63 + trimmed[i]))
            out += j - i > 3 ? "!\(j - i)\(char)" : String(repeating: char, count: j - i)
            i = j
        }
        return out
    }
}
