/// SplitMix64: a small, fast, seedable generator whose whole state is one `UInt64`, so sessions
/// can save and restore it exactly.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable, Codable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= Self.gamma
        return Self.mixed(state)
    }

    /// SplitMix64's increment (the golden ratio in 64 bits).
    public static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// SplitMix64's finaliser: the one place its mixing constants live.
    @inlinable
    public static func mixed(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)` with 24 random bits.
    public mutating func nextUnit() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Uniform in `[low, high)`.
    public mutating func nextUniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * nextUnit() }

    /// Standard normal via Box–Muller (one draw of two uniforms per sample, for simplicity).
    public mutating func nextNormal() -> Float {
        let u1 = Double(next() >> 11) * 0x1.0p-53
        let u2 = Double(next() >> 11) * 0x1.0p-53
        return Float((-2 * log(max(u1, 1e-300))).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// Uniform integer in `0..<bound`.
    public mutating func nextInt(_ bound: Int) -> Int { Int(next(upperBound: UInt64(bound))) }

    /// A new generator seeded from this one (for independent streams).
    public mutating func split() -> SeededGenerator { SeededGenerator(seed: next()) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
