import Autograd
import Testing

@Suite struct ShapeTests {
    @Test func forwardValues() {
        let x = Tensor(shape: [2, 3], storage: [0, 1, 2, 3, 4, 5])
        #expect(x.reshaped([3, -1]).shape == [3, 2])
        #expect(x.transposed(0, 1).storage == [0, 3, 1, 4, 2, 5])
        #expect(x.permuted([1, 0]).shape == [3, 2])
        #expect(x.slice(axis: 1, range: 1..<3).storage == [1, 2, 4, 5])
        #expect(x.slice(axis: 0, range: 1..<2).storage == [3, 4, 5])
        #expect(x.padded(axis: 1, before: 1, after: 0, value: -1).storage == [-1, 0, 1, 2, -1, 3, 4, 5])
        #expect(Tensor.concat([x, x.slice(axis: 1, range: 0..<1)], axis: -1).storage == [0, 1, 2, 0, 3, 4, 5, 3])
        #expect(Tensor(shape: [3], storage: [1, 2, 3]).expanded(to: [2, 3]).storage == [1, 2, 3, 1, 2, 3])
        #expect(Tensor(shape: [2, 1], storage: [1, 2]).expanded(to: [2, 2]).storage == [1, 1, 2, 2])
        #expect(x.unsqueezed(axis: 0).shape == [1, 2, 3])
        #expect(x.unsqueezed(axis: -1).shape == [2, 3, 1])
        #expect(x.unsqueezed(axis: 1).squeezed(axis: 1).shape == [2, 3])
    }

    @Test func permute4D() {
        var gen = SeededGenerator(seed: 8)
        let x = random([2, 3, 4, 5], &gen)
        let y = x.permuted([2, 0, 3, 1])
        #expect(y.shape == [4, 2, 5, 3])
        #expect(y[3, 1, 4, 2] == x[1, 2, 3, 4])
        #expect(y[1, 0, 2, 1] == x[0, 1, 1, 2])
    }

    @Test func gradients() {
        var gen = SeededGenerator(seed: 9)
        let x = random([2, 3, 4], &gen)
        gradCheck([x], "reshape") { $0[0].reshaped([4, -1]) }
        gradCheck([x], "permute") { $0[0].permuted([2, 0, 1]) }
        gradCheck([x], "transpose") { $0[0].transposed(-1, 0) }
        gradCheck([x], "slice") { $0[0].slice(axis: 1, range: 1..<3) }
        gradCheck([x], "pad") { $0[0].padded(axis: 2, before: 2, after: 1, value: 3) }
        gradCheck([x], "squeeze") { $0[0].unsqueezed(axis: 1).squeezed(axis: 1) }
        let b = random([3, 1], &gen)
        gradCheck([b], "expand") { $0[0].expanded(to: [2, 3, 4]) }
        let y = random([2, 2, 4], &gen)
        gradCheck([x, y], "concat") { Tensor.concat([$0[0], $0[1]], axis: 1) }
    }
}
