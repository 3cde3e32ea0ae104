/// Derives independent seeds from one seed and a label, so each consumer (loader, validation
/// split, probe choice) gets its own stream and none shifts when another draws more.
enum Seeds {
    /// SplitMix64's finaliser over `seed` and `label`.
    static func derive(_ seed: UInt64, _ label: UInt64) -> UInt64 {
        var z = seed &+ label &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
