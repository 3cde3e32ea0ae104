/// A float32 tensor: row-major contiguous storage and a shape, with an optional link to the op that made it.
///
/// Tensors are reference types so that the tape can point at them. An op's output records a
/// ``TapeNode`` when grad mode is on and any input requires a gradient; ``backward()`` walks
/// those nodes in reverse execution order.
public final class Tensor {
    /// Sizes per axis, outermost first, as PyTorch writes them: `[8, 8]`.
    public internal(set) var shape: [Int]
    /// Row-major element storage; `storage.count == shape.product`.
    public var storage: [Float]
    /// Whether gradients accumulate into ``grad`` when this tensor is a leaf.
    public var requiresGrad: Bool
    /// The accumulated gradient (same shape), after ``backward()``.
    public var grad: Tensor?
    /// How this tensor was computed; `nil` for leaves and for results made under ``noGrad(_:)``.
    public internal(set) var node: TapeNode?

    /// Wraps `storage` with `shape`; the element counts must agree.
    public init(shape: [Int], storage: [Float], requiresGrad: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative size in shape \(shape)")
        precondition(shape.reduce(1, *) == storage.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) elements, got \(storage.count)")
        _ = MemoryPolicy.applied
        self.shape = shape
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    /// Number of elements.
    @inlinable public var count: Int { storage.count }
    /// Number of axes.
    @inlinable public var rank: Int { shape.count }

    /// The single value of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item needs a one-element tensor, shape is \(shape)")
        return storage[0]
    }

    /// Element at a multi-index.
    public subscript(_ index: Int...) -> Float {
        get { storage[offset(of: index)] }
        set { storage[offset(of: index)] = newValue }
    }

    /// Row-major offset of a multi-index.
    public func offset(of index: [Int]) -> Int {
        precondition(index.count == rank, "index \(index) has \(index.count) axes, tensor has \(rank)")
        var offset = 0
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "index \(i) out of range for axis \(axis) of size \(shape[axis])")
            offset = offset * shape[axis] + i
        }
        return offset
    }

    /// A new leaf with the same values and no history.
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }
}

// MARK: - Creation

extension Tensor {
    /// A tensor of `shape` filled with `value`.
    public static func full(_ shape: [Int], _ value: Float, requiresGrad: Bool = false) -> Tensor {
        Tensor(shape: shape, storage: [Float](repeating: value, count: shape.reduce(1, *)), requiresGrad: requiresGrad)
    }
    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        full(shape, 0, requiresGrad: requiresGrad)
    }
    public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        full(shape, 1, requiresGrad: requiresGrad)
    }

    /// A 0-d tensor holding `value`.
    public convenience init(_ value: Float) { self.init(shape: [], storage: [value]) }

    /// Standard normal samples from `generator` (Box–Muller).
    public static func randn(_ shape: [Int], using generator: inout SeededGenerator,
                             requiresGrad: Bool = false) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, storage: (0..<n).map { _ in generator.nextNormal() }, requiresGrad: requiresGrad)
    }

    /// Uniform samples in `[low, high)` from `generator`.
    public static func uniform(_ shape: [Int], low: Float, high: Float, using generator: inout SeededGenerator,
                               requiresGrad: Bool = false) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, storage: (0..<n).map { _ in generator.nextUniform(low, high) },
                      requiresGrad: requiresGrad)
    }
}
