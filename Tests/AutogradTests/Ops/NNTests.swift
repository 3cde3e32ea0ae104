import Autograd
import Foundation
import Testing
import TestSupport

@Suite struct NNTests {
    @Test func softmaxRowsSumToOneAndMatchFormula() {
        var gen = SeededGenerator(seed: 15)
        let x = random([4, 7], &gen, low: -20, high: 20)
        let s = softmax(x)
        for r in 0..<4 {
            let row = (0..<7).map { Double(x[r, $0]) }
            let m = row.max()!, z = row.map { Foundation.exp($0 - m) }.reduce(0, +)
            for c in 0..<7 { #expect(abs(Double(s[r, c]) - Foundation.exp(row[c] - m) / z) < 1e-6) }
        }
        assertClose(logSoftmax(x, axis: 1), s.log(), rtol: 1e-4, atol: 1e-4)
        #expect(softmax(Tensor(shape: [2], storage: [1000, 1000])).storage == [0.5, 0.5])
    }

    @Test func crossEntropyIsMeanNegativeLogLikelihood() {
        let logits = Tensor(shape: [2, 3], storage: [1, 2, 3, 1, 1, 1])
        let loss = crossEntropy(logits, labels: [2, 0])
        let partition = Foundation.exp(1.0) + Foundation.exp(2.0) + Foundation.exp(3.0)
        let expected = (-Foundation.log(Foundation.exp(3.0) / partition) + Foundation.log(3.0)) / 2
        #expect(abs(Double(loss.item) - expected) < 1e-6)
        #expect(loss.shape == [])
    }

    @Test func gradients() {
        var gen = SeededGenerator(seed: 16)
        let x = random([3, 5], &gen, low: -3, high: 3)
        gradCheck([x], "softmax") { softmax($0[0]) }
        gradCheck([x], "softmax axis 0") { softmax($0[0], axis: 0) }
        gradCheck([x], "logSoftmax") { logSoftmax($0[0]) }
        gradCheck([x], "crossEntropy") { crossEntropy($0[0], labels: [4, 0, 2]) }
    }

    @Test func batchNormTrainingAndEval() {
        var gen = SeededGenerator(seed: 17)
        let x = random([4, 3, 2, 2], &gen, low: -2, high: 3)
        let w = random([3], &gen), b = random([3], &gen)
        let rm = Tensor.zeros([3]), rv = Tensor.ones([3])
        let y = batchNorm2d(x, weight: w, bias: b, runningMean: rm, runningVar: rv, training: true)
        // Per channel: mean b, biased variance w².
        for c in 0..<3 {
            let channel = y.slice(axis: 1, range: c..<c + 1)
            let values = channel.storage.map(Double.init)
            let mean = values.reduce(0, +) / 16
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 16
            #expect(abs(mean - Double(b.storage[c])) < 1e-5)
            #expect(abs(variance - Double(w.storage[c] * w.storage[c])) < 1e-3)
            let xs = x.slice(axis: 1, range: c..<c + 1).storage.map(Double.init)
            let xm = xs.reduce(0, +) / 16
            let unbiased = xs.map { ($0 - xm) * ($0 - xm) }.reduce(0, +) / 15
            #expect(abs(Double(rm.storage[c]) - 0.1 * xm) < 1e-6)
            #expect(abs(Double(rv.storage[c]) - (0.9 + 0.1 * unbiased)) < 1e-5)
        }
        let e = batchNorm2d(x, weight: nil, bias: nil, runningMean: rm, runningVar: rv, training: false)
        #expect(abs(e[1, 2, 1, 0] - (x[1, 2, 1, 0] - rm.storage[2]) / (rv.storage[2] + 1e-5).squareRoot()) < 1e-5)
        let rm2 = Tensor.zeros([3]), rv2 = Tensor.ones([3])
        gradCheck([x, w, b], "batchNorm2d") {
            batchNorm2d($0[0], weight: $0[1], bias: $0[2], runningMean: rm2, runningVar: rv2, training: true)
        }
    }

    @Test func descriptionLooksLikePyTorch() {
        let t = Tensor(shape: [2, 2], storage: [0.1, -2, 3.14159, 4])
        #expect(t.description == "tensor([[ 0.1000, -2.0000],\n        [ 3.1416,  4.0000]], shape=[2, 2])")
        #expect(Tensor(3).description == "tensor(3., shape=[])")
        let big = Tensor.zeros([100, 100])
        #expect(big.description.contains("..."))
    }
}
