import Autograd
import Testing

/// Whether `actual` and `expected` agree elementwise: |a − e| ≤ atol + rtol·|e| (numpy's allclose).
/// Returns a description of the worst element when they do not.
public func closeness(_ actual: [Float], _ expected: [Float], rtol: Float = 1e-4, atol: Float = 1e-5) -> String? {
    guard actual.count == expected.count else { return "count \(actual.count) vs \(expected.count)" }
    var worst = -1, worstExcess: Float = 0
    for i in 0..<actual.count {
        let excess = abs(actual[i] - expected[i]) - (atol + rtol * abs(expected[i]))
        if !(excess <= 0) && (worst < 0 || !(excess <= worstExcess)) { worst = i; worstExcess = excess }
    }
    guard worst >= 0 else { return nil }
    return "element \(worst): \(actual[worst]) vs \(expected[worst]) (beyond tolerance by \(worstExcess))"
}

/// Records a test issue when two tensors differ in shape or beyond float32 tolerance.
public func assertClose(_ actual: Tensor, _ expected: Tensor, rtol: Float = 1e-4, atol: Float = 1e-5,
                        _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "\(what): shape \(actual.shape) vs \(expected.shape)",
            sourceLocation: sourceLocation)
    if let problem = closeness(actual.storage, expected.storage, rtol: rtol, atol: atol) {
        Issue.record("\(what): \(problem)", sourceLocation: sourceLocation)
    }
}
