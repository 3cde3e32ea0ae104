#if canImport(Glibc)
import Glibc
#endif

/// Two numbers per image and head that say how a head attends, the standard ViT analysis
/// (Dosovitskiy et al., 2021, figure 7):
///
/// - entropy: `−Σⱼ Aᵢⱼ ln Aᵢⱼ` of each query row, in nats, averaged over all `T` queries; `ln T` for a
///   uniform head, 0 for a head whose every query attends to a single key.
/// - mean attention distance: for each patch query `i`, `Σⱼ Aᵢⱼ·‖pᵢ − pⱼ‖ / Σⱼ Aᵢⱼ` over the
///   patch keys `j`, where `p` is a patch's (row, column) on the grid, in patches (times the patch size for
///   pixels); averaged over the patch queries. The class token has no position and is left out as
///   query and as key.
///
/// Maps `[B, H, T, T]` in (rows are queries, each summing to 1), `[B, H, 2]` out: entropy, distance.
/// With a class token, token 0 is the class token and the `grid²` patches follow row by row.
public func attentionStatistics(_ maps: Tensor, grid: Int, classToken: Bool) -> Tensor {
    let (b, h, t) = (maps.shape[0], maps.shape[1], maps.shape[2])
    let first = classToken ? 1 : 0
    let distances = patchDistances(grid: grid)
    var out = [Float](repeating: 0, count: b * h * 2)
    maps.storage.withUnsafeBufferPointer { a in
        for m in 0..<(b * h) {
            let map = UnsafeBufferPointer(rebasing: a[(m * t * t)..<((m + 1) * t * t)])
            out[2 * m] = Float(meanEntropy(map, tokens: t))
            out[2 * m + 1] = Float(meanDistance(map, tokens: t, first: first, distances: distances))
        }
    }
    return Tensor(shape: [b, h, 2], storage: out)
}

/// Mean over the rows of a `t×t` map of each row's entropy in nats.
private func meanEntropy(_ map: UnsafeBufferPointer<Float>, tokens t: Int) -> Double {
    var total = 0.0
    for r in 0..<t {
        for c in 0..<t {
            let p = Double(map[r * t + c])
            if p > 0 { total -= p * log(p) }
        }
    }
    return total / Double(max(1, t))
}

/// Mean over the patch queries of the attention-weighted distance to the patch keys.
private func meanDistance(_ map: UnsafeBufferPointer<Float>, tokens t: Int, first: Int, distances: [Double]) -> Double {
    let patches = t - first
    guard patches > 0 else { return 0 }
    var total = 0.0
    for i in 0..<patches {
        var weighted = 0.0, mass = 0.0
        for j in 0..<patches {
            let p = Double(map[(first + i) * t + first + j])
            weighted += p * distances[i * patches + j]
            mass += p
        }
        if mass > 0 { total += weighted / mass }
    }
    return total / Double(patches)
}

/// Euclidean distances in patches between every pair of patches of a `grid×grid` grid, row-major.
private func patchDistances(grid: Int) -> [Double] {
    let n = grid * grid
    var d = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
        for j in 0..<n {
            let (dy, dx) = (Double(i / grid - j / grid), Double(i % grid - j % grid))
            d[i * n + j] = (dy * dy + dx * dx).squareRoot()
        }
    }
    return d
}
