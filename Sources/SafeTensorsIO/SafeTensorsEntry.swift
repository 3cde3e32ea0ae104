import Autograd

/// One named tensor of a safetensors file: its element type, shape and little-endian bytes.
public struct SafeTensorsEntry: Sendable, Equatable {
    public var name: String
    public var dtype: DType
    public var shape: [Int]
    /// Raw little-endian element bytes; `bytes.count == shape.product · dtype.size`.
    public var bytes: [UInt8]

    /// Wraps raw bytes; the caller guarantees `bytes.count == product(shape) · dtype.size`.
    public init(name: String, dtype: DType, shape: [Int], bytes: [UInt8]) {
        precondition(shape.reduce(1, *) * dtype.size == bytes.count,
                     "SafeTensorsEntry \(name): \(bytes.count) bytes do not hold \(shape) of \(dtype.rawValue)")
        (self.name, self.dtype, self.shape, self.bytes) = (name, dtype, shape, bytes)
    }

    /// An F32 entry with a tensor's shape and values.
    public init(name: String, tensor: Tensor) {
        self.init(name: name, floats: tensor.storage, shape: tensor.shape)
    }

    /// An F32 entry.
    public init(name: String, floats: [Float], shape: [Int]) {
        self.init(name: name, dtype: .f32, shape: shape,
                  bytes: SafeTensorsEntry.littleEndianBytes(floats.map(\.bitPattern)))
    }

    /// An F64 entry.
    public init(name: String, doubles: [Double], shape: [Int]) {
        self.init(name: name, dtype: .f64, shape: shape,
                  bytes: SafeTensorsEntry.littleEndianBytes(doubles.map(\.bitPattern)))
    }

    /// An I64 entry.
    public init(name: String, int64s: [Int64], shape: [Int]) {
        self.init(name: name, dtype: .i64, shape: shape, bytes: SafeTensorsEntry.littleEndianBytes(int64s))
    }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    static func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count * MemoryLayout<T>.size)
        out.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() {
                raw.storeBytes(of: v.littleEndian, toByteOffset: i * MemoryLayout<T>.size, as: T.self)
            }
        }
        return out
    }

    @inline(__always)
    private func load<T: FixedWidthInteger>(_: T.Type) -> [T] {
        bytes.withUnsafeBytes { raw in
            (0..<count).map {
                T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self))
            }
        }
    }

    /// The values as Doubles, converted from any element type.
    public var doubles: [Double] {
        switch dtype {
        case .f64: return load(UInt64.self).map { Double(bitPattern: $0) }
        case .f32: return load(UInt32.self).map { Double(Float(bitPattern: $0)) }
        case .f16: return load(UInt16.self).map { Double(SafeTensorsEntry.halfToFloat($0)) }
        case .bf16: return load(UInt16.self).map { Double(Float(bitPattern: UInt32($0) << 16)) }
        case .i64: return load(Int64.self).map { Double($0) }
        case .i32: return load(Int32.self).map { Double($0) }
        case .i16: return load(Int16.self).map { Double($0) }
        case .i8: return load(Int8.self).map { Double($0) }
        case .u8, .bool: return load(UInt8.self).map { Double($0) }
        }
    }

    /// The values as Floats, converted from any element type (F32 exactly).
    public var floats: [Float] {
        if dtype == .f32 { return load(UInt32.self).map { Float(bitPattern: $0) } }
        return doubles.map { Float($0) }
    }

    /// The values as Int64s: exact for integer types, truncated toward zero for floating types.
    public var int64s: [Int64] {
        switch dtype {
        case .i64: return load(Int64.self)
        case .i32: return load(Int32.self).map { Int64($0) }
        case .i16: return load(Int16.self).map { Int64($0) }
        case .i8: return load(Int8.self).map { Int64($0) }
        case .u8, .bool: return load(UInt8.self).map { Int64($0) }
        default: return doubles.map { $0.isFinite ? Int64(clamping: Int($0.rounded(.towardZero))) : 0 }
        }
    }

    /// A Float32 tensor with this entry's shape (values converted from any element type).
    public func tensor() -> Tensor { Tensor(shape: shape, storage: floats) }

    /// IEEE half to single precision.
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31, exponent = Int(h >> 10) & 0x1F, mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            let magnitude = Float(mantissa) * 0x1p-24
            return sign != 0 ? -magnitude : magnitude
        }
        if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | (mantissa << 13))
    }
}
