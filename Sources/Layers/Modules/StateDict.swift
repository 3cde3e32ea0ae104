/// An ordered map from dotted keys to tensors: a model's `state_dict()` in PyTorch's order.
///
/// Values are float32 tensors or 64-bit integer tensors (PyTorch keeps `num_batches_tracked` as a
/// 0-d `int64`). Insertion order is kept; hash order never leaks.
public struct StateDict: Sequence {
    /// One stored value.
    public enum Value {
        case float32(Tensor)
        case int64(shape: [Int], values: [Int64])

        /// The value's shape.
        public var shape: [Int] {
            switch self {
            case .float32(let t): return t.shape
            case .int64(let shape, _): return shape
            }
        }

        /// The values as a float32 tensor (integers converted).
        public var tensor: Tensor {
            switch self {
            case .float32(let t): return t
            case .int64(let shape, let values): return Tensor(shape: shape, storage: values.map { Float($0) })
            }
        }

        /// The dtype name as safetensors writes it (`F32`, `I64`).
        public var dtypeName: String {
            switch self {
            case .float32: return "F32"
            case .int64: return "I64"
            }
        }
    }

    public private(set) var keys: [String] = []
    private var values: [Value] = []
    private var index: [String: Int] = [:]

    public init() {}

    /// A state dict of float32 tensors, in the given order.
    public init(_ entries: [(String, Tensor)]) {
        for (key, t) in entries { self[key] = .float32(t) }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The value stored under `key`; assigning appends a new key at the end or replaces in place.
    public subscript(key: String) -> Value? {
        get { index[key].map { values[$0] } }
        set {
            if let i = index[key] {
                if let newValue { values[i] = newValue } else { remove(at: i) }
            } else if let newValue {
                index[key] = keys.count
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// The float32 view of the value under `key`, if present.
    public func tensor(_ key: String) -> Tensor? { self[key]?.tensor }

    /// Entries in order.
    public func makeIterator() -> IndexingIterator<[(key: String, value: Value)]> {
        zip(keys, values).map { (key: $0, value: $1) }.makeIterator()
    }

    /// The entries whose keys start with `prefix`, with the prefix removed (`after3.` → the model's keys).
    public func stripping(prefix: String) -> StateDict {
        var out = StateDict()
        for (key, value) in self where key.hasPrefix(prefix) { out[String(key.dropFirst(prefix.count))] = value }
        return out
    }

    private mutating func remove(at i: Int) {
        index[keys[i]] = nil
        keys.remove(at: i)
        values.remove(at: i)
        for j in i..<keys.count { index[keys[j]] = j }
    }
}
