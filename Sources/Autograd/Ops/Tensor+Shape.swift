/// Shape operations. All results are contiguous copies (reshape shares storage copy-on-write).
extension Tensor {
    /// The same elements with a new shape; one size may be −1 (inferred). ∂x = g reshaped back.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let hole = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != hole }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "reshape: cannot view \(shape) as \(newShape)")
            target[hole] = count / known
        }
        precondition(target.allSatisfy { $0 >= 0 } && target.reduce(1, *) == count,
                     "reshape: cannot view \(shape) (\(count) elements) as \(newShape)")
        if target == shape { return self }
        let out = Tensor(shape: target, storage: storage)
        let inShape = shape
        return Tape.record("reshape", inputs: [self], output: out) { g in [g.reshaped(inShape)] }
    }

    /// The axes reordered: output axis `i` is input axis `axes[i]`. ∂x = g permuted back.
    public func permuted(_ axes: [Int]) -> Tensor {
        let axes = axes.map { normalizedAxis($0, "permute") }
        precondition(axes.count == rank && Set(axes).count == rank,
                     "permute: \(axes) is not a permutation of \(rank) axes")
        if axes == Array(0..<rank) { return self }
        let strides = Broadcast.contiguousStrides(shape)
        let outShape = axes.map { shape[$0] }
        let out = withPointer { x in
            Tensor.filled(outShape) {
                CopyKernels.gather(x, shape: outShape, strides: axes.map { strides[$0] }, out: $0)
            }
        }
        let inverse = Tensor.inversePermutation(axes)
        return Tape.record("permute", inputs: [self], output: out) { g in [g.permuted(inverse)] }
    }

    static func inversePermutation(_ axes: [Int]) -> [Int] {
        var inverse = [Int](repeating: 0, count: axes.count)
        for (i, a) in axes.enumerated() { inverse[a] = i }
        return inverse
    }

    /// Axes `i` and `j` swapped.
    public func transposed(_ i: Int, _ j: Int) -> Tensor {
        var axes = Array(0..<rank)
        axes.swapAt(normalizedAxis(i, "transpose"), normalizedAxis(j, "transpose"))
        return permuted(axes)
    }

    /// Broadcast to `target` (NumPy rules: size-1 axes stretch, new axes are added in front).
    /// ∂x = g summed back to this shape (done by the tape).
    public func expanded(to target: [Int]) -> Tensor {
        precondition(Broadcast.shape(shape, target) == target, "expand: \(shape) cannot broadcast to \(target)")
        if target == shape { return self }
        let strides = Broadcast.strides(of: shape, in: target)
        let out = withPointer { x in
            Tensor.filled(target) { CopyKernels.gather(x, shape: target, strides: strides, out: $0) }
        }
        return Tape.record("expand", inputs: [self], output: out) { g in [g] }
    }

    /// `[outer, size, inner]` view sizes around `axis`.
    func split(at axis: Int) -> (outer: Int, size: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// The elements with index in `range` along `axis`. ∂x = g padded back with zeros.
    public func slice(axis: Int, range: Range<Int>) -> Tensor {
        let a = normalizedAxis(axis, "slice")
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[a],
                     "slice: range \(range) out of bounds for axis \(a) of size \(shape[a])")
        if range == 0..<shape[a] { return self }
        let (outer, size, inner) = split(at: a)
        var outShape = shape
        outShape[a] = range.count
        let out = withPointer { x in
            Tensor.filled(outShape) {
                CopyKernels.copyBlocks(rows: outer, count: range.count * inner, src: x, srcRow: size * inner,
                                       srcOffset: range.lowerBound * inner, dst: $0, dstRow: range.count * inner,
                                       dstOffset: 0)
            }
        }
        let before = range.lowerBound, after = size - range.upperBound
        return Tape.record("slice", inputs: [self], output: out) { g in
            [g.padded(axis: a, before: before, after: after)]
        }
    }

    /// `before` and `after` extra elements of `value` along `axis`. ∂x = g sliced back.
    public func padded(axis: Int, before: Int, after: Int, value: Float = 0) -> Tensor {
        let a = normalizedAxis(axis, "pad")
        precondition(before >= 0 && after >= 0, "pad: negative padding \(before), \(after)")
        if before == 0 && after == 0 { return self }
        let (outer, size, inner) = split(at: a)
        var outShape = shape
        outShape[a] = size + before + after
        let out = withPointer { x in
            Tensor.filled(outShape) { y in
                y.update(repeating: value, count: outShape.reduce(1, *))
                CopyKernels.copyBlocks(rows: outer, count: size * inner, src: x, srcRow: size * inner, srcOffset: 0,
                                       dst: y, dstRow: outShape[a] * inner, dstOffset: before * inner)
            }
        }
        return Tape.record("pad", inputs: [self], output: out) { g in
            [g.slice(axis: a, range: before ..< before + size)]
        }
    }

    /// The tensors joined along `axis`; all other sizes must agree. ∂ each = its slice of g.
    public static func concat(_ ts: [Tensor], axis: Int) -> Tensor {
        precondition(!ts.isEmpty, "concat: no tensors")
        let first = ts[0]
        let a = first.normalizedAxis(axis, "concat")
        for t in ts {
            precondition(t.rank == first.rank
                         && (0..<first.rank).allSatisfy { $0 == a || t.shape[$0] == first.shape[$0] },
                         "concat: shape \(t.shape) does not match \(first.shape) outside axis \(a)")
        }
        let (outer, _, inner) = first.split(at: a)
        let sizes = ts.map { $0.shape[a] }
        var outShape = first.shape
        outShape[a] = sizes.reduce(0, +)
        let out = Tensor.filled(outShape) { y in
            var offset = 0
            for t in ts {
                t.withPointer { x in
                    CopyKernels.copyBlocks(rows: outer, count: t.shape[a] * inner, src: x, srcRow: t.shape[a] * inner,
                                           srcOffset: 0, dst: y, dstRow: outShape[a] * inner, dstOffset: offset * inner)
                }
                offset += t.shape[a]
            }
        }
        return Tape.record("concat", inputs: ts, output: out) { g in
            var start = 0
            return ts.map { t in
                defer { start += t.shape[a] }
                return t.requiresGrad ? g.slice(axis: a, range: start ..< start + t.shape[a]) : nil
            }
        }
    }

    /// Removes axis `axis`, which must have size 1.
    public func squeezed(axis: Int) -> Tensor {
        let a = normalizedAxis(axis, "squeeze")
        precondition(shape[a] == 1, "squeeze: axis \(a) of \(shape) has size \(shape[a]), not 1")
        var s = shape
        s.remove(at: a)
        return reshaped(s)
    }

    /// Inserts a size-1 axis at `axis` (−1 appends).
    public func unsqueezed(axis: Int) -> Tensor {
        let a = normalizedAxis(axis, rank: rank + 1, "unsqueeze")
        var s = shape
        s.insert(1, at: a)
        return reshaped(s)
    }
}
