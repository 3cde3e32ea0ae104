import Autograd

/// Derives independent seeds from one seed and a label, so each consumer (loader, validation
/// split, probe choice) gets its own stream and none shifts when another draws more.
enum Seeds {
    /// SplitMix64's finaliser over `seed` and `label`.
    static func derive(_ seed: UInt64, _ label: UInt64) -> UInt64 {
        SeededGenerator.mixed(seed &+ label &* SeededGenerator.gamma)
    }
}
