/// Sums, means and maxima over axes. Negative axes count from the end; with `keepDims` the reduced
/// axes stay as size 1.
extension Tensor {
    /// Sorted, de-duplicated, non-negative axes.
    func reductionAxes(_ axes: [Int], _ op: String) -> [Int] {
        Array(Set(axes.map { normalizedAxis($0, op) })).sorted()
    }

    /// The shape after reducing `axes` (sorted, non-negative).
    func reducedShape(_ axes: [Int], keepDims: Bool) -> [Int] {
        keepDims ? shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
                 : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    }

    /// Sum of all elements, a 0-d tensor. ∂x = g broadcast.
    public func sum() -> Tensor { sum(axes: Array(0..<rank)) }

    /// Sum over `axes`. ∂x = g broadcast back over the reduced axes.
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let axes = reductionAxes(axes, "sum")
        let outShape = reducedShape(axes, keepDims: keepDims)
        let reduce = (0..<rank).map { axes.contains($0) }
        let out = withPointer { x in
            Tensor.filled(outShape) { ReduceKernels.sum(x, shape: shape, reduce: reduce, out: $0) }
        }
        let inShape = shape, kept = reducedShape(axes, keepDims: true)
        return Tape.record("sum", inputs: [self], output: out) { g in [g.reshaped(kept).expanded(to: inShape)] }
    }

    /// Mean of all elements, a 0-d tensor.
    public func mean() -> Tensor { mean(axes: Array(0..<rank)) }

    /// Mean over `axes`: the sum divided by the number of reduced elements.
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let axes = reductionAxes(axes, "mean")
        let n = axes.reduce(1) { $0 * shape[$1] }
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(n))
    }

    /// Maximum over `axes`. ∂x = g at the first maximum of each reduced group (row-major order), else 0.
    public func max(axes: [Int], keepDims: Bool = false) -> Tensor {
        let axes = reductionAxes(axes, "max")
        precondition(axes.allSatisfy { shape[$0] > 0 }, "max: cannot reduce an empty axis of \(shape)")
        let keptAxes = (0..<rank).filter { !axes.contains($0) }
        let order = keptAxes + axes
        // Move the reduced axes last so each group is one contiguous row.
        let moved = order == Array(0..<rank) ? self : noGrad { permuted(order) }
        let n = axes.reduce(1) { $0 * shape[$1] }
        let rows = count / Swift.max(n, 1)
        var index = [Int32](repeating: 0, count: rows)
        let outShape = reducedShape(axes, keepDims: keepDims)
        let out = moved.withPointer { x in
            index.withUnsafeMutableBufferPointer { idx in
                Tensor.filled(outShape) { ReduceKernels.maxRows(x, rows: rows, n: n, out: $0, index: idx.baseAddress!) }
            }
        }
        let movedShape = moved.shape, inverse = Tensor.inversePermutation(order)
        return Tape.record("max", inputs: [self], output: out) { g in
            var grad = [Float](repeating: 0, count: rows * n)
            for r in 0..<rows { grad[r * n + Int(index[r])] = g.storage[r] }
            let t = Tensor(shape: movedShape, storage: grad)
            return [order == Array(0..<order.count) ? t : t.permuted(inverse)]
        }
    }

    /// Indices of the first maximum along `axis`, in row-major order of the other axes. No gradient.
    public func argmax(axis: Int) -> [Int] {
        let a = normalizedAxis(axis, "argmax")
        precondition(rank > 0 && shape[a] > 0, "argmax: empty axis in \(shape)")
        let order = (0..<rank).filter { $0 != a } + [a]
        let moved = order == Array(0..<rank) ? self : noGrad { permuted(order) }
        let n = shape[a], rows = count / n
        var index = [Int32](repeating: 0, count: rows)
        var values = [Float](repeating: 0, count: rows)
        moved.withPointer { x in
            index.withUnsafeMutableBufferPointer { idx in values.withUnsafeMutableBufferPointer { v in
                ReduceKernels.maxRows(x, rows: rows, n: n, out: v.baseAddress!, index: idx.baseAddress!)
            } }
        }
        return index.map { Int($0) }
    }
}
