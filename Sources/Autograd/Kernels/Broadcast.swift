/// NumPy broadcasting: shapes are right-aligned and an axis of size 1 stretches to the other size.
public enum Broadcast {
    /// The broadcast shape of `a` and `b`, or `nil` when some aligned pair of sizes differs and neither is 1.
    public static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if x == y || y == 1 { out[i] = x } else if x == 1 { out[i] = y } else { return nil }
        }
        return out
    }

    /// Row-major element strides of `shape` read as `target` (right-aligned): 0 on stretched axes.
    public static func strides(of shape: [Int], in target: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: target.count)
        var step = 1
        let lead = target.count - shape.count
        for axis in stride(from: target.count - 1, through: lead, by: -1) {
            let size = shape[axis - lead]
            strides[axis] = size == 1 && target[axis] != 1 ? 0 : step
            step *= size
        }
        return strides
    }

    /// Row-major contiguous strides of `shape`.
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) { strides[axis] = step; step *= shape[axis] }
        return strides
    }

    /// Merges adjacent axes that every operand walks contiguously, and drops size-1 axes,
    /// so kernels loop over as few, as long runs as possible. Always returns at least one axis.
    public static func coalesce(_ shape: [Int], _ strides: [[Int]]) -> (shape: [Int], strides: [[Int]]) {
        var outShape: [Int] = []
        var outStrides: [[Int]] = Array(repeating: [], count: strides.count)
        for axis in 0..<shape.count where shape[axis] != 1 {
            if let last = outShape.last,
               (0..<strides.count).allSatisfy({ strides[$0][axis] * shape[axis] == outStrides[$0].last! }) {
                outShape[outShape.count - 1] = last * shape[axis]
                for k in 0..<strides.count { outStrides[k][outStrides[k].count - 1] = strides[k][axis] }
            } else {
                outShape.append(shape[axis])
                for k in 0..<strides.count { outStrides[k].append(strides[k][axis]) }
            }
        }
        if outShape.isEmpty {
            outShape = [1]
            for k in 0..<strides.count { outStrides[k] = [0] }
        }
        return (outShape, outStrides)
    }
}

/// Walks the outer axes of a coalesced strided iteration: for each row (all axes but the last)
/// it gives the operands' element offsets. Rows are numbered in row-major order.
struct StridedRows {
    let outer: [Int]
    let strides: [[Int]]

    init(shape: [Int], strides: [[Int]]) {
        outer = Array(shape.dropLast())
        self.strides = strides.map { Array($0.dropLast()) }
    }

    var count: Int { outer.reduce(1, *) }

    /// Calls `body(offsets)` for rows `range`, with each operand's starting offset.
    @inline(__always)
    func forEach(_ range: Range<Int>, _ body: (UnsafePointer<Int>) -> Void) {
        let k = strides.count, rank = outer.count
        var index = [Int](repeating: 0, count: Swift.max(rank, 1))
        var offsets = [Int](repeating: 0, count: k)
        // Start position from the linear row number.
        var rest = range.lowerBound
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            index[axis] = rest % outer[axis]
            rest /= outer[axis]
            for o in 0..<k { offsets[o] += index[axis] * strides[o][axis] }
        }
        offsets.withUnsafeMutableBufferPointer { off in
            index.withUnsafeMutableBufferPointer { idx in
                for _ in range {
                    body(UnsafePointer(off.baseAddress!))
                    var axis = rank - 1
                    while axis >= 0 {
                        idx[axis] += 1
                        for o in 0..<k { off[o] += strides[o][axis] }
                        if idx[axis] < outer[axis] { break }
                        for o in 0..<k { off[o] -= strides[o][axis] * outer[axis] }
                        idx[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
    }
}
