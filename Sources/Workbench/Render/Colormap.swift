import Foundation

/// Colour scales mapping t ∈ [0, 1] to RGB.
public enum Colormap: Sendable {
    /// matplotlib's viridis (dark purple → teal → yellow), perceptually uniform; used for attention maps.
    case viridis
    /// OpenCV's COLORMAP_JET (blue → cyan → yellow → red), as pytorch-grad-cam's overlays use.
    case jet
    /// White → blue, for confusion matrices.
    case blues

    /// The colour at `t` (clamped to [0, 1]; NaN gives the lowest colour).
    public func color(_ t: Double) -> RGB {
        let t = t.isNaN ? 0 : min(1, max(0, t))
        switch self {
        case .viridis: return Self.interpolate(Self.viridisStops, t)
        case .blues: return Self.interpolate(Self.bluesStops, t)
        case .jet:
            // r = clamp(1.5 − |4t − 3|), g = clamp(1.5 − |4t − 2|), b = clamp(1.5 − |4t − 1|).
            func ch(_ c: Double) -> UInt8 { UInt8((min(1, max(0, 1.5 - abs(4 * t - c))) * 255).rounded()) }
            return RGB(ch(3), ch(2), ch(1))
        }
    }

    static let viridisStops: [RGB] = [
        RGB(68, 1, 84), RGB(72, 35, 116), RGB(64, 67, 135), RGB(52, 94, 141), RGB(41, 120, 142),
        RGB(32, 144, 140), RGB(34, 167, 132), RGB(68, 190, 112), RGB(121, 209, 81), RGB(189, 222, 38),
        RGB(253, 231, 36),
    ]
    static let bluesStops: [RGB] = [
        RGB(247, 251, 255), RGB(222, 235, 247), RGB(198, 219, 239), RGB(158, 202, 225), RGB(107, 174, 214),
        RGB(66, 146, 198), RGB(33, 113, 181), RGB(8, 81, 156), RGB(8, 48, 107),
    ]

    static func interpolate(_ stops: [RGB], _ t: Double) -> RGB {
        let x = t * Double(stops.count - 1)
        let i = min(stops.count - 2, Int(x)), f = x - Double(i)
        let a = stops[i], b = stops[i + 1]
        func mix(_ p: UInt8, _ q: UInt8) -> UInt8 { UInt8((Double(p) + (Double(q) - Double(p)) * f).rounded()) }
        return RGB(mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b))
    }

    /// Shade characters from light to dense, for terminals without colour.
    static func shade(_ t: Double, unicode: Bool) -> Character {
        let chars: [Character] = unicode
            ? [" ", "░", "▒", "▓", "█"]
            : [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]
        let t = t.isNaN ? 0 : min(1, max(0, t))
        return chars[min(chars.count - 1, Int(t * Double(chars.count)))]
    }
}
