import Layers
import Testing

/// A module built without ops, to test naming and state handling on their own.
final class Leaf: Module {
    let weight: Tensor
    let stat = Tensor.zeros([2])
    let count = Counter()
    init(_ n: Int, fill: Float) { weight = Tensor.full([n], fill, requiresGrad: true) }
    override var localParameters: [(String, Tensor)] { [("weight", weight)] }
    override var localBuffers: [(String, Buffer)] {
        [("stat", .tensor(stat)), ("num_batches_tracked", .counter(count))]
    }
}

final class Tree: Module {
    let scale = Tensor.full([1], 2, requiresGrad: true)
    let a = Leaf(3, fill: 1), b = Leaf(2, fill: 5)
    override var localParameters: [(String, Tensor)] { [("scale", scale)] }
    override var children: [(String, Module)] { [("first", a), ("second", b)] }
}

@Suite struct ModuleTests {
    @Test func names_AreDottedInPyTorchOrder() {
        let t = Tree()
        #expect(t.namedParameters().map(\.name) == ["scale", "first.weight", "second.weight"])
        #expect(t.namedBuffers().map(\.name)
                == ["first.stat", "first.num_batches_tracked", "second.stat", "second.num_batches_tracked"])
        #expect(t.namedModules().map(\.name) == ["", "first", "second"])
        #expect(t.stateDict().keys == ["scale", "first.weight", "first.stat", "first.num_batches_tracked",
                                       "second.weight", "second.stat", "second.num_batches_tracked"])
        #expect(t.parameterCount == 6)
    }

    @Test func counters_ExportAsZeroDimInt64() {
        let t = Tree()
        t.a.count.value = 7
        guard case .int64(let shape, let values)? = t.stateDict()["first.num_batches_tracked"] else {
            Issue.record("num_batches_tracked is not int64"); return
        }
        #expect(shape == [] && values == [7])
    }

    @Test func trainEval_Recurses() {
        let t = Tree()
        t.eval()
        #expect(!t.isTraining && !t.a.isTraining && !t.b.isTraining)
        t.train()
        #expect(t.b.isTraining)
    }

    @Test func stateDict_IsASnapshot_AndLoadsInPlace() throws {
        let source = Tree(), target = Tree()
        source.a.weight.storage = [7, 8, 9]
        source.b.count.value = 3
        let snapshot = source.stateDict()
        source.a.weight.storage[0] = -1
        let weightBefore = target.a.weight
        try target.load(stateDict: snapshot)
        #expect(target.a.weight === weightBefore)
        #expect(target.a.weight.storage == [7, 8, 9])
        #expect(target.b.count.value == 3)
    }

    @Test func strictLoad_ReportsMissingAndUnexpected_ChangesNothing() throws {
        let t = Tree()
        var state = Tree().stateDict()
        state["first.weight"] = nil
        state["extra.bias"] = .float32(Tensor.zeros([1]))
        state["scale"] = .float32(Tensor.full([1], 9))
        do {
            try t.load(stateDict: state)
            Issue.record("strict load accepted a mismatched state dict")
        } catch let error as StateDictError {
            #expect(error.missingKeys == ["first.weight"])
            #expect(error.unexpectedKeys == ["extra.bias"])
            #expect(error.description.contains("missing keys first.weight"))
            #expect(error.description.contains("unexpected keys extra.bias"))
        }
        #expect(t.scale.storage == [2])
        let report = try t.load(stateDict: state, strict: false)
        #expect(report == LoadReport(missingKeys: ["first.weight"], unexpectedKeys: ["extra.bias"]))
        #expect(t.scale.storage == [9])
        #expect(t.a.weight.storage == [1, 1, 1])
    }

    @Test func misShapedKey_ThrowsEvenWhenNotStrict() {
        let t = Tree()
        var state = t.stateDict()
        state["second.weight"] = .float32(Tensor.zeros([4]))
        state["scale"] = .float32(Tensor.zeros([1]))
        #expect(throws: StateDictError(missingKeys: [], unexpectedKeys: [],
                                       shapeMismatches: [.init(key: "second.weight", expected: [2], found: [4])])) {
            try t.load(stateDict: state, strict: false)
        }
        #expect(t.scale.storage == [2])
    }

    @Test func stateDict_OrderedSubscriptAndPrefix() {
        var s = StateDict()
        s["b"] = .float32(Tensor(1))
        s["a.x"] = .float32(Tensor(2))
        s["a.y"] = .int64(shape: [], values: [3])
        s["b"] = .float32(Tensor(4))
        #expect(s.keys == ["b", "a.x", "a.y"])
        #expect(s.tensor("b")?.item == 4)
        let a = s.stripping(prefix: "a.")
        #expect(a.keys == ["x", "y"])
        #expect(a.tensor("y")?.item == 3)
        s["b"] = nil
        #expect(s.keys == ["a.x", "a.y"] && s["a.y"]?.dtypeName == "I64")
    }
}
