/// A grid of terminal cells, each holding a 2×4 block of dots (braille) or one dot (ASCII), every dot
/// remembering which series drew it.
struct DotCanvas {
    let columns: Int
    let rows: Int
    let braille: Bool
    /// Dots per cell horizontally and vertically.
    var dx: Int { braille ? 2 : 1 }
    var dy: Int { braille ? 4 : 1 }
    var dotWidth: Int { columns * dx }
    var dotHeight: Int { rows * dy }
    /// The series index of each dot, -1 when empty; row-major, dot row 0 at the top.
    private(set) var dots: [Int]

    init(columns: Int, rows: Int, braille: Bool) {
        self.columns = max(1, columns)
        self.rows = max(1, rows)
        self.braille = braille
        dots = Array(repeating: -1, count: self.columns * self.rows * (braille ? 8 : 1))
    }

    mutating func set(_ x: Int, _ y: Int, series: Int) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        dots[y * dotWidth + x] = series
    }

    /// A straight segment between two dots (Bresenham).
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, series: Int) {
        var x = x0, y = y0
        let sx = x1 >= x0 ? 1 : -1, sy = y1 >= y0 ? 1 : -1
        let ax = abs(x1 - x0), ay = -abs(y1 - y0)
        var err = ax + ay
        while true {
            set(x, y, series: series)
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= ay { err += ay; x += sx }
            if e2 <= ax { err += ax; y += sy }
        }
    }

    /// The cell's character and the series owning most of its dots, or `nil` for an empty cell.
    /// Braille: U+2800 plus the dot bits; ASCII: `asciiMarks[series]`.
    func cell(column: Int, row: Int, asciiMarks: [Character]) -> (Character, Int)? {
        var bits = 0
        var counts: [Int: Int] = [:]
        let bitOf = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
        for j in 0..<dy {
            for i in 0..<dx {
                let s = dots[(row * dy + j) * dotWidth + column * dx + i]
                guard s >= 0 else { continue }
                counts[s, default: 0] += 1
                if braille { bits |= bitOf[j][i] }
            }
        }
        guard let owner = counts.max(by: { ($0.value, $0.key) < ($1.value, $1.key) })?.key else { return nil }
        if braille { return (Character(Unicode.Scalar(0x2800 + bits)!), owner) }
        return (asciiMarks[owner % asciiMarks.count], owner)
    }
}
