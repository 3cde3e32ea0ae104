import Foundation

/// A row-major matrix of values drawn as coloured cells: an attention map (`h×h`, rows sum to 1),
/// a confusion matrix, a weight slice.
public struct HeatmapMatrix: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    /// `rows·columns` values, row-major.
    public var values: [Double]
    /// Heading (e.g. `ultimus2 · sample 3`).
    public var title: String
    /// Colours scaled from 0 to this map's own peak instead of the fixed probability scale: for
    /// weights spread thin over many cells (a class token's attention over 64 patches).
    public var scaledToPeak = false
    /// Prefix of the row labels (`q` gives `q0`, `q1`, …).
    public var rowPrefix: String
    /// Prefix of the column labels.
    public var columnPrefix: String

    /// - Parameters: `values.count` must be `rows·columns`; missing values read as NaN.
    public init(rows: Int, columns: Int, values: [Double], title: String = "",
                rowPrefix: String = "q", columnPrefix: String = "k") {
        self.rows = max(1, rows)
        self.columns = max(1, columns)
        self.values = values.count >= rows * columns ? values
            : values + Array(repeating: .nan, count: rows * columns - values.count)
        self.title = title
        self.rowPrefix = rowPrefix
        self.columnPrefix = columnPrefix
    }

    /// A square `h×h` map from `h²` values (e.g. the 8×8 attention map `AM`, rows = queries).
    public init(square values: [Double], title: String = "") {
        let h = max(1, Int(Double(values.count).squareRoot().rounded()))
        self.init(rows: h, columns: h, values: values, title: title)
    }

    public subscript(r: Int, c: Int) -> Double { values[r * columns + c] }

    /// Row `r`.
    public func row(_ r: Int) -> ArraySlice<Double> { values[(r * columns)..<((r + 1) * columns)] }

    /// Σⱼ a[r, j] for every row.
    public var rowSums: [Double] { (0..<rows).map { row($0).reduce(0, +) } }

    /// Shannon entropy of every row in nats, `H = −Σⱼ pⱼ ln pⱼ` with `pⱼ = a[r, j] / Σ a[r, ·]`
    /// (0·ln 0 = 0). A uniform row of `n` entries has `ln n` (ln 8 ≈ 2.079), a one-hot row 0.
    public var rowEntropies: [Double] { (0..<rows).map { Self.entropy(Array(row($0))) } }

    /// The largest value.
    public var peak: Double { values.filter { $0.isFinite }.max() ?? .nan }

    /// Entropy (nats) of a non-negative vector after normalising it to sum 1.
    public static func entropy(_ p: [Double]) -> Double {
        let s = p.reduce(0) { $0 + max(0, $1) }
        guard s > 0 else { return .nan }
        return -p.reduce(0) { acc, v in
            let q = max(0, v) / s
            return q > 0 ? acc + q * log(q) : acc
        }
    }

    /// Whether every value lies in 0…1 (a probability map such as attention).
    var isProbability: Bool {
        let finite = values.filter { $0.isFinite }
        return !finite.isEmpty && finite.allSatisfy { $0 >= 0 && $0 <= 1 }
    }

    /// Where `v` falls on the colour scale, in 0…1: `√v` for probability maps (a fixed scale, so maps
    /// compare across blocks and steps, with room for the small weights of 8-way attention), else
    /// linear from the smallest to the largest value.
    public func colorPosition(_ v: Double) -> Double {
        if scaledToPeak, peak > 0 { return max(0, v) / peak }
        if isProbability { return max(0, v).squareRoot() }
        let finite = values.filter { $0.isFinite }
        let r = Chart.widen(finite.min() ?? 0, finite.max() ?? 1)
        return (v - r.lowerBound) / (r.upperBound - r.lowerBound)
    }
}
