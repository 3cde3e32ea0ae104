import Autograd
import Foundation
import Testing

@Suite struct UnaryTests {
    @Test func forwardValues() {
        let x = Tensor(shape: [4], storage: [-2, -0.5, 0.5, 3])
        #expect(x.relu().storage == [0, 0, 0.5, 3])
        #expect(x.exp().storage.map { Double($0) } == [-2, -0.5, 0.5, 3].map { Double(Float(Foundation.exp($0))) })
        #expect(x.pow(2).storage == [4, 0.25, 0.25, 9])
        #expect(x.clamped(min: -1, max: 1).storage == [-1, -0.5, 0.5, 1])
        let positive = Tensor(shape: [2], storage: [4, 9])
        #expect(positive.sqrt().storage == [2, 3])
        #expect(positive.log().storage == [Float(Foundation.log(4.0)), Float(Foundation.log(9.0))])
        let mask = Tensor(shape: [4], storage: [1, 0, 0, 2])
        #expect(Tensor.where(mask, x, Tensor(7)).storage == [-2, 7, 7, 3])
    }

    @Test func gradients() {
        var gen = SeededGenerator(seed: 5)
        let x = awayFromZero([3, 5], &gen)
        let positive = Tensor.uniform([3, 5], low: 0.5, high: 2, using: &gen)
        gradCheck([x], "exp") { $0[0].exp() }
        gradCheck([positive], "log") { $0[0].log() }
        gradCheck([positive], "sqrt") { $0[0].sqrt() }
        gradCheck([positive], "pow 1.5") { $0[0].pow(1.5) }
        gradCheck([x], "pow 2") { $0[0].pow(2) }
        gradCheck([x], "pow 3") { $0[0].pow(3) }
        gradCheck([x], "relu") { $0[0].relu() }
        gradCheck([x], "clamp") { $0[0].clamped(min: -0.5, max: 0.7) }
        let mask = Tensor(shape: [3, 1], storage: [1, 0, 1])
        let b = random([5], &gen)
        gradCheck([x, b], "where") { Tensor.where(mask, $0[0], $0[1]) }
    }
}
