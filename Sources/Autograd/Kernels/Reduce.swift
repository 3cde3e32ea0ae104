/// Reductions over raw buffers. Summation order is fixed for a given thread count, so results are
/// bit-identical run to run.
public enum ReduceKernels {
    /// Sum of `n` contiguous floats (eight lanes, then the lanes in order).
    @inline(__always)
    public static func sumRun(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        let raw = UnsafeRawPointer(x)
        var i = 0
        while i + 16 <= n {
            acc0 += raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            acc1 += raw.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD8<Float>.self)
            i += 16
        }
        acc0 += acc1
        var s = acc0.sum()
        while i < n { s += x[i]; i += 1 }
        return s
    }

    /// `y[j] += x[j]` for `n` contiguous floats.
    @inline(__always)
    static func addRun(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
        var i = 0
        while i + 8 <= n {
            let s = ry.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
                + rx.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            ry.storeBytes(of: s, toByteOffset: 4 * i, as: SIMD8<Float>.self)
            i += 8
        }
        while i < n { y[i] += x[i]; i += 1 }
    }

    /// Sums the contiguous tensor `x` of `shape` over the axes where `reduce[axis]` is true.
    /// `out` holds the kept axes in order (row-major) and is overwritten.
    public static func sum(_ x: UnsafePointer<Float>, shape: [Int], reduce: [Bool], out: UnsafeMutablePointer<Float>) {
        let outCount = zip(shape, reduce).reduce(1) { $0 * ($1.1 ? 1 : $1.0) }
        out.update(repeating: 0, count: outCount)
        let total = shape.reduce(1, *)
        guard total > 0 else { return }
        var outStrides = [Int](repeating: 0, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where !reduce[axis] {
            outStrides[axis] = step
            step *= shape[axis]
        }
        let c = Broadcast.coalesce(shape, [Broadcast.contiguousStrides(shape), outStrides])
        if c.shape.count == 1 {
            if c.strides[1][0] == 0 { out[0] = sumAll(x, total) } else { addRun(x, out, total) }
            return
        }
        let lead = c.shape[0]
        let rowsPerLead = c.shape.dropFirst().dropLast().reduce(1, *)
        let rows = StridedRows(shape: c.shape, strides: c.strides)
        let n = c.shape.last!
        let reduceInner = c.strides[1].last! == 0
        let parts = Swift.max(1, Swift.min(Parallel.threads, lead, total / ElementwiseKernels.parallelGrain))
        let run = { (range: Range<Int>, target: UnsafeMutablePointer<Float>) in
            rows.forEach(range.lowerBound * rowsPerLead ..< range.upperBound * rowsPerLead) { off in
                if reduceInner {
                    target[off[1]] += sumRun(x + off[0], n)
                } else {
                    addRun(x + off[0], target + off[1], n)
                }
            }
        }
        if parts == 1 { run(0..<lead, out); return }
        if c.strides[1][0] != 0 {
            // The outer axis is kept: threads write disjoint outputs.
            Parallel.forChunks(lead, minimumChunk: lead / parts) { run($0, out) }
            return
        }
        // The outer axis is reduced: one partial result per chunk, added in chunk order.
        var partials = [Float](repeating: 0, count: parts * outCount)
        partials.withUnsafeMutableBufferPointer { p in
            let base = p.baseAddress!
            DispatchQueuePerform.run(parts) { k in
                run(lead * k / parts ..< lead * (k + 1) / parts, base + k * outCount)
            }
            for k in 0..<parts { addRun(base + k * outCount, out, outCount) }
        }
    }

    /// Sum of all `n` elements, split over threads in fixed chunks.
    public static func sumAll(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        let parts = Swift.max(1, Swift.min(Parallel.threads, n / ElementwiseKernels.parallelGrain))
        if parts == 1 { return sumRun(x, n) }
        var partial = [Float](repeating: 0, count: parts)
        partial.withUnsafeMutableBufferPointer { p in
            let base = p.baseAddress!
            DispatchQueuePerform.run(parts) { k in
                let lo = n * k / parts, hi = n * (k + 1) / parts
                base[k] = sumRun(x + lo, hi - lo)
            }
        }
        return partial.reduce(0, +)
    }

    /// Row maxima of a `[rows, n]` matrix with the index of the first maximum (NaN counts as maximal).
    public static func maxRows(_ x: UnsafePointer<Float>, rows: Int, n: Int,
                               out: UnsafeMutablePointer<Float>, index: UnsafeMutablePointer<Int32>) {
        let chunk = Swift.max(1, ElementwiseKernels.parallelGrain / Swift.max(n, 1))
        Parallel.forChunks(rows, minimumChunk: chunk) { range in
            for r in range {
                let row = x + r * n
                var best = row[0], at = 0
                if !best.isNaN {
                    for j in 1..<Swift.max(n, 1) where row[j] > best || row[j].isNaN {
                        best = row[j]; at = j
                        if best.isNaN { break }
                    }
                }
                out[r] = best
                index[r] = Int32(at)
            }
        }
    }
}

import Dispatch

/// `concurrentPerform` for a fixed number of parts (which may exceed the thread count).
enum DispatchQueuePerform {
    static func run(_ parts: Int, _ body: (Int) -> Void) {
        if parts == 1 { body(0); return }
        DispatchQueue.concurrentPerform(iterations: parts, execute: body)
    }
}
