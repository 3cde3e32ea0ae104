/// Training-time augmentations, composed in this order, each seeded:
/// - `crop`: pad by ``padding`` (4) with reflect-101 borders (albumentations' default, `dcb|abcd|cba`),
///   then take a random `height × width` crop of the padded image;
/// - `flip`: horizontal flip with probability ``flipProbability`` (0.5);
/// - `cutout`: one ``cutoutSize``×``cutoutSize`` (8×8) hole, fully inside the image, filled with the
///   dataset mean (0 after normalisation), with probability ``cutoutProbability`` (0.5).
public struct Augmentation: Codable, Equatable, Sendable, CustomStringConvertible {
    public var crop: Bool
    public var flip: Bool
    public var cutout: Bool
    public var padding = 4
    public var cutoutSize = 8
    public var flipProbability: Float = 0.5
    public var cutoutProbability: Float = 0.5

    public init(crop: Bool = false, flip: Bool = false, cutout: Bool = false) {
        self.crop = crop
        self.flip = flip
        self.cutout = cutout
    }

    /// No augmentation.
    public static let none = Augmentation()
    /// `crop,flip,cutout`: the usual CIFAR-10 training recipe.
    public static let standard = Augmentation(crop: true, flip: true, cutout: true)
    /// The names a spec may use.
    public static let names = ["crop", "flip", "cutout"]

    /// Parses `"crop,flip,cutout"` (any subset, any order, comma or `+` separated) or `"none"`.
    /// Throws on unknown names, suggesting the nearest valid one.
    public init(spec: String) throws {
        self.init()
        let parts = spec.lowercased().split(whereSeparator: { $0 == "," || $0 == "+" || $0 == " " }).map(String.init)
        if parts.isEmpty || parts == ["none"] { return }
        for part in parts {
            switch part {
            case "crop": crop = true
            case "flip": flip = true
            case "cutout": cutout = true
            default:
                let all = Self.names + ["none"]
                let nearest = all.min { editDistance($0, part) < editDistance($1, part) }!
                let hint = editDistance(nearest, part) <= 2 ? " (did you mean '\(nearest)'?)" : ""
                throw DatasetError("unknown augmentation '\(part)'\(hint); use any of crop, flip, cutout, or none")
            }
        }
    }

    /// The spec string this parses from: `"crop,flip"`, or `"none"`.
    public var spec: String {
        let on = [crop ? "crop" : nil, flip ? "flip" : nil, cutout ? "cutout" : nil].compactMap { $0 }
        return on.isEmpty ? "none" : on.joined(separator: ",")
    }

    public var description: String { spec }
    /// Whether every image passes unchanged.
    public var isIdentity: Bool { !crop && !flip && !cutout }
}

/// The random choices for one image: crop offset into the padded image, flip, and the cutout hole.
public struct AugmentationDraw: Equatable, Sendable {
    /// Crop origin in the padded image, `0...2·padding`; `padding` means no shift.
    public var cropY: Int
    public var cropX: Int
    public var flip: Bool
    /// Top-left corner of the hole, or `nil` for no hole.
    public var hole: (y: Int, x: Int)?

    public init(cropY: Int, cropX: Int, flip: Bool, hole: (y: Int, x: Int)?) {
        self.cropY = cropY
        self.cropX = cropX
        self.flip = flip
        self.hole = hole
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.cropY == b.cropY && a.cropX == b.cropX && a.flip == b.flip && a.hole?.y == b.hole?.y && a.hole?.x == b.hole?.x
    }
}

/// Levenshtein distance, for did-you-mean hints.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + [Int](repeating: 0, count: b.count)
        for j in stride(from: 1, through: b.count, by: 1) {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
