/// 64-bit FNV-1a: a hash that is the same in every run and on every machine (Swift's `hashValue`
/// is seeded per process). Used for weight digests and loader fingerprints.
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    public init() {}

    /// Folds in a whole 64-bit word as one step.
    public mutating func combine(word: UInt64) { value = (value ^ word) &* Self.prime }

    /// Folds in the eight bytes of `word`, low byte first (FNV-1a over its little-endian bytes).
    public mutating func combine(bytesOf word: UInt64) {
        var v = word
        for _ in 0..<8 {
            combine(word: v & 0xFF)
            v >>= 8
        }
    }
}
