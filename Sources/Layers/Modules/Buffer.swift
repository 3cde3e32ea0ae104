/// A module's non-trainable state, exported in its state dict.
///
/// Float buffers (`running_mean`, `running_var`) are tensors updated in place; counters
/// (`num_batches_tracked`) are 64-bit integers, stored by PyTorch as 0-d `int64` tensors.
public enum Buffer {
    case tensor(Tensor)
    case counter(Counter)

    /// The buffer's shape: the tensor's, or `[]` for a counter.
    public var shape: [Int] {
        switch self {
        case .tensor(let t): return t.shape
        case .counter: return []
        }
    }
}

/// A mutable integer shared by reference, so a module and its state dict see the same value.
public final class Counter {
    public var value: Int64
    public init(_ value: Int64 = 0) { self.value = value }
}
