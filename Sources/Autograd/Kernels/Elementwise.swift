#if canImport(Glibc)
import Glibc
#endif

/// A binary float function with a scalar and an 8-lane form, so kernels specialise without closures.
public protocol BinaryFunction {
    static func scalar(_ a: Float, _ b: Float) -> Float
    static func vector(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float>
}

public enum AddFunction: BinaryFunction {
    @inline(__always) public static func scalar(_ a: Float, _ b: Float) -> Float { a + b }
    @inline(__always) public static func vector(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a + b }
}
public enum SubtractFunction: BinaryFunction {
    @inline(__always) public static func scalar(_ a: Float, _ b: Float) -> Float { a - b }
    @inline(__always) public static func vector(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a - b }
}
public enum MultiplyFunction: BinaryFunction {
    @inline(__always) public static func scalar(_ a: Float, _ b: Float) -> Float { a * b }
    @inline(__always) public static func vector(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a * b }
}
public enum DivideFunction: BinaryFunction {
    @inline(__always) public static func scalar(_ a: Float, _ b: Float) -> Float { a / b }
    @inline(__always) public static func vector(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a / b }
}
/// `max(a, b)`; NaN propagates as in PyTorch.
public enum MaximumFunction: BinaryFunction {
    @inline(__always) public static func scalar(_ a: Float, _ b: Float) -> Float { a.isNaN || a > b ? a : b }
    @inline(__always) public static func vector(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        var r = b
        r.replace(with: a, where: (a .> b) .| (a .!= a))
        return r
    }
}

/// Elementwise loops over raw buffers.
public enum ElementwiseKernels {
    /// Elements per thread below which kernels stay on one thread.
    public static let parallelGrain = 1 << 15

    /// `out[i] = F(a[i·], b[i·])` over `shape` with NumPy broadcasting: `aStrides`/`bStrides` give each
    /// operand's element strides in the output's axes (0 where it is stretched). `out` is contiguous.
    public static func binary<F: BinaryFunction>(_: F.Type, shape: [Int], a: UnsafePointer<Float>, aStrides: [Int],
                                                  b: UnsafePointer<Float>, bStrides: [Int],
                                                  out: UnsafeMutablePointer<Float>) {
        let total = shape.reduce(1, *)
        guard total > 0 else { return }
        let c = Broadcast.coalesce(shape, [aStrides, bStrides, Broadcast.contiguousStrides(shape)])
        let n = c.shape.last!
        let sa = c.strides[0].last!, sb = c.strides[1].last!
        let rows = StridedRows(shape: c.shape, strides: c.strides)
        let grain = Swift.max(1, parallelGrain / n)
        Parallel.forChunks(rows.count, minimumChunk: grain) { range in
            rows.forEach(range) { off in
                binaryRow(F.self, n, a + off[0], sa, b + off[1], sb, out + off[2])
            }
        }
    }

    @inline(__always)
    static func binaryRow<F: BinaryFunction>(_: F.Type, _ n: Int, _ a: UnsafePointer<Float>, _ sa: Int,
                                             _ b: UnsafePointer<Float>, _ sb: Int, _ y: UnsafeMutablePointer<Float>) {
        var i = 0
        let v = UnsafeMutableRawPointer(y)
        switch (sa, sb) {
        case (1, 1):
            let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
            while i + 8 <= n {
                let x = ra.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
                let z = rb.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
                v.storeBytes(of: F.vector(x, z), toByteOffset: 4 * i, as: SIMD8<Float>.self)
                i += 8
            }
            while i < n { y[i] = F.scalar(a[i], b[i]); i += 1 }
        case (1, 0):
            let ra = UnsafeRawPointer(a), z = SIMD8<Float>(repeating: b[0]), s = b[0]
            while i + 8 <= n {
                let x = ra.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
                v.storeBytes(of: F.vector(x, z), toByteOffset: 4 * i, as: SIMD8<Float>.self)
                i += 8
            }
            while i < n { y[i] = F.scalar(a[i], s); i += 1 }
        case (0, 1):
            let rb = UnsafeRawPointer(b), x = SIMD8<Float>(repeating: a[0]), s = a[0]
            while i + 8 <= n {
                let z = rb.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
                v.storeBytes(of: F.vector(x, z), toByteOffset: 4 * i, as: SIMD8<Float>.self)
                i += 8
            }
            while i < n { y[i] = F.scalar(s, b[i]); i += 1 }
        default:
            while i < n { y[i] = F.scalar(a[i * sa], b[i * sb]); i += 1 }
        }
    }

    /// `out[i] = f(x[i])` for `count` elements, split over threads for large counts.
    @inline(__always)
    public static func map(count: Int, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                           _ f: (Float) -> Float) {
        Parallel.forChunks(count, minimumChunk: parallelGrain) { r in
            for i in r { out[i] = f(x[i]) }
        }
    }

    /// `out[i] = f(x[i])` for `count` elements, eight lanes at a time; the last `count % 8` go through `f`
    /// in a zero-padded vector, so every element gets the same arithmetic wherever the chunks fall.
    @inline(__always)
    public static func map8(count: Int, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                            _ f: (SIMD8<Float>) -> SIMD8<Float>) {
        Parallel.forChunks(count, minimumChunk: parallelGrain) { r in
            lanes(r) { i, n in store8(f(load8(x + i, n)), out + i, n) }
        }
    }

    /// `out[i] = f(x[i], y[i])` for `count` elements, eight lanes at a time (see ``map8(count:_:_:_:)``).
    @inline(__always)
    public static func zip8(count: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                            _ out: UnsafeMutablePointer<Float>, _ f: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>) {
        Parallel.forChunks(count, minimumChunk: parallelGrain) { r in
            lanes(r) { i, n in store8(f(load8(x + i, n), load8(y + i, n)), out + i, n) }
        }
    }

    /// Calls `body(start, n)` for the pieces of eight (the last one `n` < 8) that cover `r`.
    @inline(__always)
    static func lanes(_ r: Range<Int>, _ body: (Int, Int) -> Void) {
        var i = r.lowerBound
        while i < r.upperBound { body(i, Swift.min(8, r.upperBound - i)); i += 8 }
    }

    @inline(__always)
    static func load8(_ p: UnsafePointer<Float>, _ n: Int) -> SIMD8<Float> {
        if n == 8 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
        var v = SIMD8<Float>()
        for j in 0..<n { v[j] = p[j] }
        return v
    }

    @inline(__always)
    static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
        if n == 8 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self); return }
        for j in 0..<n { p[j] = v[j] }
    }

    /// `out[i] = f(x[i], y[i])` for `count` elements.
    @inline(__always)
    public static func zip(count: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                           _ out: UnsafeMutablePointer<Float>, _ f: (Float, Float) -> Float) {
        Parallel.forChunks(count, minimumChunk: parallelGrain) { r in
            for i in r { out[i] = f(x[i], y[i]) }
        }
    }

    /// `out[i] = f(x[i], y[i], z[i])` for `count` elements.
    @inline(__always)
    public static func zip3(count: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafePointer<Float>,
                            _ out: UnsafeMutablePointer<Float>, _ f: (Float, Float, Float) -> Float) {
        Parallel.forChunks(count, minimumChunk: parallelGrain) { r in
            for i in r { out[i] = f(x[i], y[i], z[i]) }
        }
    }
}

extension ElementwiseKernels {
    /// `y = max(x, 0)` (NaN stays NaN), eight lanes at a time.
    public static func relu(count: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        Parallel.forChunks(count, minimumChunk: parallelGrain) { r in
            let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
            let zero = SIMD8<Float>()
            var i = r.lowerBound
            while i + 8 <= r.upperBound {
                let v = rx.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
                ry.storeBytes(of: v.replacing(with: zero, where: v .< zero), toByteOffset: 4 * i, as: SIMD8<Float>.self)
                i += 8
            }
            while i < r.upperBound { y[i] = x[i] < 0 ? 0 : x[i]; i += 1 }
        }
    }

    /// `dx = x > 0 ? g : 0`, eight lanes at a time.
    public static func reluBackward(count: Int, _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                    _ dx: UnsafeMutablePointer<Float>) {
        Parallel.forChunks(count, minimumChunk: parallelGrain) { r in
            let rg = UnsafeRawPointer(g), rx = UnsafeRawPointer(x), rd = UnsafeMutableRawPointer(dx)
            let zero = SIMD8<Float>()
            var i = r.lowerBound
            while i + 8 <= r.upperBound {
                let v = rx.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
                let d = rg.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
                rd.storeBytes(of: zero.replacing(with: d, where: v .> zero), toByteOffset: 4 * i, as: SIMD8<Float>.self)
                i += 8
            }
            while i < r.upperBound { dx[i] = x[i] > 0 ? g[i] : 0; i += 1 }
        }
    }
}
