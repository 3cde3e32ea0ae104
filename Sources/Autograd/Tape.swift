import Synchronization
/// One recorded op: its inputs and the rule that maps the output's gradient to theirs.
///
/// The closure captures only values it saved, never the output tensor, so no reference cycle
/// forms and the graph is freed as soon as the last tensor that reaches it goes away.
public final class TapeNode {
    /// The op's name, for printing (`conv2d`, `matmul`, ...).
    public let op: String
    /// The tensors the op read, in argument order.
    public let inputs: [Tensor]
    /// Upstream gradient (shaped like the output) in, one gradient per input out; `nil` for inputs
    /// that need none. Gradients may have the broadcast shape: the tape reduces them to each input's shape.
    let backward: (Tensor) -> [Tensor?]
    /// Position in execution order: a topological order of the graph.
    let sequence: Int

    init(op: String, inputs: [Tensor], sequence: Int, backward: @escaping (Tensor) -> [Tensor?]) {
        self.op = op
        self.inputs = inputs
        self.sequence = sequence
        self.backward = backward
    }
}

/// Grad mode and the execution counter.
///
/// Grad mode is per thread (and per task), as in PyTorch, so a ``noGrad(_:)`` scope on one thread
/// never stops recording on another. The counter is shared and atomic, so sequence numbers stay
/// unique and increasing.
public enum Tape {
    static let counter = Atomic<Int>(0)
    @TaskLocal static var recording = true

    /// Whether ops record themselves on this thread (false inside ``noGrad(_:)``).
    public static var isRecording: Bool { recording }

    /// Makes `output` the result of `op` over `inputs` when recording and some input requires a gradient.
    /// Ops call this right after computing their forward value.
    @discardableResult
    public static func record(_ op: String, inputs: [Tensor], output: Tensor,
                              backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        guard isRecording, inputs.contains(where: { $0.requiresGrad }) else { return output }
        let sequence = counter.wrappingAdd(1, ordering: .relaxed).newValue
        output.node = TapeNode(op: op, inputs: inputs, sequence: sequence, backward: backward)
        output.requiresGrad = true
        return output
    }
}

/// Runs `body` without recording: for evaluation and optimizer updates.
public func noGrad<T>(_ body: () throws -> T) rethrows -> T {
    try Tape.$recording.withValue(false) { try body() }
}

extension Tensor {
    /// Whether this tensor is a leaf (made by the user, not by an op).
    public var isLeaf: Bool { node == nil }

    /// Reverse-mode differentiation of this tensor, seeded with `gradient` (ones by default, so a
    /// scalar loss needs none). Accumulates into the `grad` of every leaf that requires one, then
    /// frees the graph.
    public func backward(_ gradient: Tensor? = nil) {
        let seed = gradient ?? Tensor.ones(shape)
        precondition(seed.shape == shape, "backward: gradient shape \(seed.shape) does not match \(shape)")
        guard node != nil else {
            if requiresGrad { accumulate(seed) }
            return
        }
        // Collect the graph; sequence order is execution order, so reverse it.
        var nodes: [ObjectIdentifier: Tensor] = [:]
        var stack: [Tensor] = [self]
        while let t = stack.popLast() {
            guard let node = t.node, nodes[ObjectIdentifier(t)] == nil else { continue }
            nodes[ObjectIdentifier(t)] = t
            stack.append(contentsOf: node.inputs)
        }
        let order = nodes.values.sorted { $0.node!.sequence > $1.node!.sequence }
        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
        noGrad {
            for t in order {
                guard let upstream = pending.removeValue(forKey: ObjectIdentifier(t)), let node = t.node else {
                    continue
                }
                let grads = node.backward(upstream)
                for (input, g) in zip(node.inputs, grads) {
                    guard let g, input.requiresGrad else { continue }
                    let reduced = g.shape == input.shape ? g : g.sumToShape(input.shape)
                    if input.node == nil {
                        input.accumulate(reduced)
                    } else if let existing = pending[ObjectIdentifier(input)] {
                        existing.addInPlace(reduced)
                    } else {
                        pending[ObjectIdentifier(input)] = reduced.storage.count == 0 ? reduced : reduced.copy()
                    }
                }
            }
        }
        for t in order { t.node = nil }
    }

    /// Adds `g` into ``grad``, creating it on first use.
    func accumulate(_ g: Tensor) {
        if let grad { grad.addInPlace(g) } else { grad = g.copy() }
    }

    /// An independent copy of the values (no history).
    public func copy() -> Tensor { Tensor(shape: shape, storage: storage) }

    /// `self += other`, same shape, outside the tape.
    public func addInPlace(_ other: Tensor) {
        precondition(other.shape == shape, "addInPlace: \(other.shape) vs \(shape)")
        storage.withUnsafeMutableBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                for i in 0..<a.count { a[i] += b[i] }
            }
        }
    }

    /// Sums a broadcast gradient back down to `target` (the one place broadcasting is undone).
    /// Leading axes are summed away; axes where `target` has size 1 are summed with keepdims.
    public func sumToShape(_ target: [Int]) -> Tensor {
        precondition(target.count <= rank, "sumToShape: \(shape) cannot reduce to \(target)")
        let lead = rank - target.count
        let padded = [Int](repeating: 1, count: lead) + target
        var reduce = [Bool](repeating: false, count: rank)
        for axis in 0..<rank {
            precondition(padded[axis] == shape[axis] || padded[axis] == 1,
                         "sumToShape: \(shape) cannot reduce to \(target)")
            reduce[axis] = padded[axis] != shape[axis]
        }
        return withPointer { x in
            Tensor.filled(target) { ReduceKernels.sum(x, shape: shape, reduce: reduce, out: $0) }
        }
    }
}
