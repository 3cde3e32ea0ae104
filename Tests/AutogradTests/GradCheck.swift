import Autograd
import Testing

/// Central-difference gradient check of `f` at `inputs`: compares the tape's gradients of
/// `L = Σ f(inputs) · u` (u a fixed random upstream) with `(L(x + h) − L(x − h)) / 2h`, where `L` is
/// accumulated in Double. Float32 forward values limit the step to `h = 1e-2` and the tolerance to
/// `|a − n| ≤ atol + rtol·|n|` with `rtol = 1e-2`, `atol = 2e-3`.
func gradCheck(_ inputs: [Tensor], h: Float = 1e-2, rtol: Double = 1e-2, atol: Double = 2e-3, seed: UInt64 = 99,
               _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation,
               _ f: ([Tensor]) -> Tensor) {
    for x in inputs { x.requiresGrad = true; x.grad = nil }
    let probe = noGrad { f(inputs) }
    var generator = SeededGenerator(seed: seed)
    let upstream = Tensor.uniform(probe.shape, low: -1, high: 1, using: &generator)
    func loss() -> Double {
        let y = noGrad { f(inputs) }
        return zip(y.storage, upstream.storage).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    let y = f(inputs)
    y.backward(upstream)
    for (k, x) in inputs.enumerated() {
        guard let grad = x.grad else {
            Issue.record("\(what): input \(k) got no gradient", sourceLocation: sourceLocation)
            continue
        }
        #expect(grad.shape == x.shape, "\(what): gradient shape \(grad.shape) vs \(x.shape)",
                sourceLocation: sourceLocation)
        for i in 0..<x.count {
            let saved = x.storage[i]
            x.storage[i] = saved + h
            let plus = loss()
            x.storage[i] = saved - h
            let minus = loss()
            x.storage[i] = saved
            let numeric = (plus - minus) / (2 * Double(h))
            let analytic = Double(grad.storage[i])
            if !(abs(analytic - numeric) <= atol + rtol * abs(numeric)) {
                Issue.record("\(what): input \(k) element \(i): analytic \(analytic) vs numeric \(numeric)",
                             sourceLocation: sourceLocation)
                return
            }
        }
    }
}

/// Random tensor helpers for tests.
func random(_ shape: [Int], _ generator: inout SeededGenerator, low: Float = -1, high: Float = 1) -> Tensor {
    Tensor.uniform(shape, low: low, high: high, using: &generator)
}

/// Values bounded away from 0 (for relu, division and kinks): magnitude in [0.2, 1.2).
func awayFromZero(_ shape: [Int], _ generator: inout SeededGenerator) -> Tensor {
    let t = Tensor.uniform(shape, low: 0.2, high: 1.2, using: &generator)
    for i in 0..<t.count where generator.nextUnit() < 0.5 { t.storage[i] = -t.storage[i] }
    return t
}

/// Distinct values (no ties within 0.05), in random order: for max and maximum.
func distinct(_ shape: [Int], _ generator: inout SeededGenerator) -> Tensor {
    let n = shape.reduce(1, *)
    var values = (0..<n).map { Float($0) * 0.05 - Float(n) * 0.025 }
    values.shuffle(using: &generator)
    return Tensor(shape: shape, storage: values)
}
