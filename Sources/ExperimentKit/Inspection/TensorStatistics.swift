import Autograd

/// Summary numbers of a tensor's values, as `inspect` shows them.
///
/// Computed in double precision over every element: `mean = Σx/n`, `std` with Bessel's correction
/// (`torch.std`'s default, `√(Σ(x−mean)²/(n−1))`, 0 for one element), `norm = √Σx²` (Frobenius,
/// `torch.linalg.norm` of the flattened tensor), `zeros` = share of elements exactly 0.
/// Non-finite values are counted in `nonFinite` and left out of every other figure.
public struct TensorStatistics: Equatable, Sendable {
    public var shape: [Int]
    public var count: Int
    public var mean: Double
    public var std: Double
    public var min: Double
    public var max: Double
    /// Share of elements equal to 0, in `0...1`.
    public var zeros: Double
    public var norm: Double
    /// Number of NaN and ±∞ elements.
    public var nonFinite: Int

    public init(values: [Float], shape: [Int]) {
        self.shape = shape
        count = values.count
        var n = 0, sum = 0.0, squares = 0.0, zeroCount = 0, bad = 0
        var lo = Double.infinity, hi = -Double.infinity
        for v in values {
            guard v.isFinite else { bad += 1; continue }
            let d = Double(v)
            n += 1
            sum += d
            squares += d * d
            if v == 0 { zeroCount += 1 }
            lo = Swift.min(lo, d)
            hi = Swift.max(hi, d)
        }
        mean = n > 0 ? sum / Double(n) : .nan
        var deviations = 0.0
        for v in values where v.isFinite { deviations += (Double(v) - mean) * (Double(v) - mean) }
        std = n > 1 ? (deviations / Double(n - 1)).squareRoot() : 0
        min = n > 0 ? lo : .nan
        max = n > 0 ? hi : .nan
        zeros = count > 0 ? Double(zeroCount) / Double(count) : 0
        norm = squares.squareRoot()
        nonFinite = bad
    }

    public init(_ tensor: Tensor) { self.init(values: tensor.storage, shape: tensor.shape) }
}
