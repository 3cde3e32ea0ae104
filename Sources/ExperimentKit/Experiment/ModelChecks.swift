import Foundation
import Layers

/// The verdict of `check model`: whether an image's output depends on its batch-mates.
public struct BatchCompositionCheck: Sendable {
    public var passed: Bool
    /// The first layer (PyTorch name) whose per-image output changed, when failed.
    public var layer: String?
    /// The one-line verdict: `check model: PASS (…)` or `check model: FAIL ultimus1: …`.
    public var line: String
}

/// The spectrum of one layer's output over a batch.
public struct LayerRank: Sendable {
    public var layer: String
    /// Output shape of the whole batch.
    public var shape: [Int]
    /// Singular values, largest first.
    public var singularValues: [Double]
    /// Singular values above 1% of the largest.
    public var effectiveRank: Int
    /// Feature dimension (columns of the matrix analysed).
    public var features: Int
}

extension Experiment {
    /// Runs a batch of `count` test images, then its first half alone, in evaluation mode, and
    /// compares each image's recorded activations layer by layer. Changes no state.
    public func checkBatchComposition(count: Int, source: DataSource) throws -> BatchCompositionCheck {
        let data = try ensureData(source: source)
        let model = try requireModel()
        let available = min(max(4, count), data.splits.test.count)
        guard available >= 4 else {
            throw ExperimentError("check model needs at least 4 test images; "
                                  + "the test split has \(data.splits.test.count)")
        }
        let n = min(available, try affordableBatch(model, data))
        guard let full = data.images(.test, indices: Array(0..<n)),
              let half = data.images(.test, indices: Array(0..<(n / 2))) else {
            throw ExperimentError("cannot read the test images")
        }
        let a = recordedForward(model, full.images), b = recordedForward(model, half.images)
        let m = n / 2
        var compared = 0, worst = 0.0
        for (name, ta) in a {
            guard let tb = b.first(where: { $0.0 == name })?.1 else { continue }
            guard ta.rank >= 1, ta.shape[0] == n, tb.shape[0] == m else { continue }
            compared += 1
            let rowA = ta.count / n, rowB = tb.count / m
            let layer = String(name.split(separator: ".").first ?? Substring(name))
            if rowA != rowB {
                let line = "check model: FAIL \(layer): \(name) is \(ta.shape) for a batch of \(n) but \(tb.shape) for "
                           + "\(m): each image's result depends on its batch-mates (attention over the batch); "
                           + "use attention=sample"
                return BatchCompositionCheck(passed: false, layer: layer, line: line)
            }
            var diff = 0.0, scale = 0.0
            for i in 0..<(m * rowA) {
                diff = max(diff, Double(abs(ta.storage[i] - tb.storage[i])))
                scale = max(scale, Double(abs(ta.storage[i])))
            }
            worst = max(worst, diff / (1 + scale))
            if diff > 1e-4 * (1 + scale) {
                let line = "check model: FAIL \(layer): \(name) of the same image changes by up to "
                           + "\(Format.number(diff)) when its batch-mates change (batch of \(n) vs its first \(m)); "
                           + "an image's prediction must not depend on the others in its batch"
                return BatchCompositionCheck(passed: false, layer: layer, line: line)
            }
        }
        let capped = n < available
            ? "; batch=\(count) capped at \(n) so the recorded activations stay within 1 GiB" : ""
        let line = "check model: PASS (\(m) test images give the same outputs in a batch of \(n) and of \(m); "
                   + "\(compared) recorded layers compared, "
                   + "largest relative difference \(String(format: "%.1e", worst))\(capped))"
        return BatchCompositionCheck(passed: true, layer: nil, line: line)
    }

    /// A forward in evaluation mode with activation recording, restoring mode and recording.
    /// Memory the recorded activations of one check may take (a batch and its half together).
    static let checkMemory = 1 << 30

    /// The largest batch whose recorded activations (and its half's) fit ``checkMemory``,
    /// measured on one image.
    func affordableBatch(_ model: Module, _ data: DataState) throws -> Int {
        guard let one = data.images(.test, indices: [0]) else { throw ExperimentError("cannot read the test images") }
        let floats = recordedForward(model, one.images).reduce(0) { $0 + $1.1.count }
        return max(4, Self.checkMemory / max(1, floats * 4 * 3 / 2))
    }

    func recordedForward(_ model: Module, _ images: Tensor) -> [(String, Tensor)] {
        let wasTraining = model.isTraining, recording = model.recordActivations
        model.eval()
        model.recordActivations = true
        let output = noGrad { model(images) }
        var entries = model.activations.map { ($0.name, $0.tensor) }
        entries.append(("output", output))
        model.recordActivations = recording
        model.train(wasTraining)
        return entries
    }

    /// The singular values of each layer's output over `count` test images (evaluation mode).
    /// Outputs `[N, D]` are analysed as they are; `[N, C, H, W]` as `[N·H·W, C]` (channels as features).
    public func layerRanks(count: Int, source: DataSource) throws -> [LayerRank] {
        let data = try ensureData(source: source)
        let model = try requireModel()
        let n = min(count, data.splits.test.count)
        guard n >= 2, let batch = data.images(.test, indices: Array(0..<n)) else {
            throw ExperimentError("check rank needs at least 2 test images")
        }
        var out: [LayerRank] = []
        for (name, t) in recordedForward(model, batch.images) where !name.contains(".") && name != "output" {
            guard t.rank == 2 || t.rank == 4, t.shape[0] == n else { continue }
            let sv = Spectrum.singularValues(t)
            guard let top = sv.first else { continue }
            let rank = sv.filter { $0 > 0.01 * top }.count
            out.append(LayerRank(layer: name, shape: t.shape, singularValues: sv, effectiveRank: rank,
                                 features: t.rank == 2 ? t.shape[1] : t.shape[1]))
        }
        return out
    }

    /// Whether the layers up to `layer` are all linear (no ReLU or BatchNorm+ReLU before it).
    public func isLinearStack(upTo layer: String) -> Bool {
        if let net = model as? UltimusNet { return net.variant == .spec }
        if let net = model as? LayerNetwork {
            for entry in net.layers {
                if entry.name == layer { return true }
                if entry.module is ReLU || entry.module is MaxPool2d || entry.module is Ultimus { return false }
            }
        }
        return false
    }
}

/// Singular values from the Gram matrix with a cyclic Jacobi eigen-solver.
enum Spectrum {
    /// Singular values (descending) of `t` seen as a matrix: `[N, D]`, or `[N·H·W, C]` for `[N, C, H, W]`.
    /// Uses the smaller Gram matrix (D×D or N×N, at most 512 wide).
    static func singularValues(_ t: Tensor) -> [Double] {
        let (rows, cols, at) = matrixView(t)
        let useColumns = cols <= rows || rows > 512
        let k = useColumns ? cols : rows
        guard k <= 512 else { return [] }
        var gram = [Double](repeating: 0, count: k * k)
        if useColumns {
            var row = [Double](repeating: 0, count: cols)
            for r in 0..<rows {
                for c in 0..<cols { row[c] = at(r, c) }
                for i in 0..<cols where row[i] != 0 {
                    let ri = row[i]
                    for j in i..<cols { gram[i * k + j] += ri * row[j] }
                }
            }
        } else {
            for i in 0..<rows {
                for j in i..<rows {
                    var s = 0.0
                    for c in 0..<cols { s += at(i, c) * at(j, c) }
                    gram[i * k + j] = s
                }
            }
        }
        for i in 0..<k { for j in 0..<i { gram[i * k + j] = gram[j * k + i] } }
        return jacobiEigenvalues(gram, n: k).map { max(0, $0).squareRoot() }.sorted(by: >)
    }

    private static func matrixView(_ t: Tensor) -> (Int, Int, (Int, Int) -> Double) {
        let s = t.storage
        if t.rank == 4 {
            let (n, c, hw) = (t.shape[0], t.shape[1], t.shape[2] * t.shape[3])
            return (n * hw, c, { r, col in Double(s[(r / hw) * c * hw + col * hw + r % hw]) })
        }
        let cols = t.shape.dropFirst().reduce(1, *)
        return (t.shape[0], cols, { r, col in Double(s[r * cols + col]) })
    }

    /// Eigenvalues of a symmetric `n×n` matrix (row-major) by cyclic Jacobi rotations.
    static func jacobiEigenvalues(_ matrix: [Double], n: Int, sweeps: Int = 30) -> [Double] {
        var a = matrix
        for _ in 0..<sweeps {
            var off = 0.0
            for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { off += a[i * n + j] * a[i * n + j] } }
            var diag = 0.0
            for i in 0..<n { diag += a[i * n + i] * a[i * n + i] }
            if off <= 1e-22 * max(diag, 1e-300) { break }
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) {
                    let apq = a[p * n + q]
                    guard abs(apq) > 1e-300 else { continue }
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                }
            }
        }
        return (0..<n).map { a[$0 * n + $0] }
    }
}
