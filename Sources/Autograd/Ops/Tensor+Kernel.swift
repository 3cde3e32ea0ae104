/// Glue between tensors and raw-buffer kernels.
extension Tensor {
    /// A new tensor of `shape` whose storage `fill` writes completely.
    @inline(__always)
    static func filled(_ shape: [Int], _ fill: (UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        let n = shape.reduce(1, *)
        _ = MemoryPolicy.applied
        let storage = [Float](unsafeUninitializedCapacity: n) { buffer, count in
            if n > 0 { fill(buffer.baseAddress!) }
            count = n
        }
        return Tensor(shape: shape, storage: storage)
    }

    /// Runs `body` with a pointer to the elements (valid only inside `body`).
    @inline(__always)
    func withPointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { buffer in
            try body(buffer.baseAddress ?? UnsafePointer(bitPattern: 16)!)
        }
    }

    /// A same-shape result of `f` applied elementwise.
    @inline(__always)
    func mapped(_ f: (Float) -> Float) -> Tensor {
        withPointer { x in Tensor.filled(shape) { ElementwiseKernels.map(count: count, x, $0, f) } }
    }

    /// A same-shape result of `f` over pairs of elements of two same-shape tensors.
    @inline(__always)
    func zipped(_ other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        precondition(other.shape == shape, "shape \(other.shape) vs \(shape)")
        return withPointer { x in other.withPointer { y in
            Tensor.filled(shape) { ElementwiseKernels.zip(count: count, x, y, $0, f) }
        } }
    }

    /// Normalises a possibly negative axis against `rank`.
    @inline(__always)
    func normalizedAxis(_ axis: Int, rank r: Int? = nil, _ op: String) -> Int {
        let r = r ?? rank
        let a = axis < 0 ? axis + r : axis
        precondition(a >= 0 && a < Swift.max(r, 1), "\(op): axis \(axis) out of range for shape \(shape)")
        return a
    }
}
