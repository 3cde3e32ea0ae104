import Autograd
import Testing

@Suite struct TapeTests {
    @Test func sumToShapeUndoesBroadcasting() {
        let g = Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6])
        #expect(g.sumToShape([3]).storage == [5, 7, 9])
        #expect(g.sumToShape([2, 1]).storage == [6, 15])
        #expect(g.sumToShape([1, 1]).storage == [21])
    }

    @Test func leafBackwardAccumulates() {
        let x = Tensor.ones([2], requiresGrad: true)
        x.backward(Tensor(shape: [2], storage: [1, 2]))
        x.backward(Tensor(shape: [2], storage: [1, 2]))
        #expect(x.grad?.storage == [2, 4])
    }

    @Test func seededGeneratorIsDeterministic() {
        var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7)
        #expect(Tensor.randn([16], using: &a).storage == Tensor.randn([16], using: &b).storage)
        var c = SeededGenerator(seed: 8)
        #expect(Tensor.randn([16], using: &c).storage != Tensor.randn([16], using: &a).storage)
    }
}
