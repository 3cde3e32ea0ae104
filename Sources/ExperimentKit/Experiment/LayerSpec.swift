/// The layers `layer` appends, by their command names.
public enum LayerKind: String, SettingWord {
    case conv, bn, relu, dropout, maxpool, gap, flatten, linear, ultimus
    /// Token layers, for a ViT built layer by layer.
    case patches, block, norm, pool

    /// The settings a layer has when the command or the file leaves them out (booleans as 0/1).
    /// A max-pooling stride defaults to its kernel size and a block's `dim` to its input's.
    public var defaults: [String: Double] {
        switch self {
        case .conv: return ["out": 16, "kernel": 3, "stride": 1, "padding": 1, "bias": 1]
        case .bn: return ["momentum": 0.1, "eps": 1e-5]
        case .dropout: return ["p": 0.1]
        case .maxpool: return ["kernel": 2]
        case .linear: return ["out": 10, "bias": 1]
        case .ultimus: return ["dim": 8]
        case .patches: return ["patch": 4, "dim": 64, "cls": 1]
        case .block: return ["heads": 4, "mlp_ratio": 2]
        case .norm: return ["eps": 1e-5]
        case .pool: return ["mean": 0]
        case .relu, .gap, .flatten: return [:]
        }
    }

    /// The default of one setting (0 for a setting the layer does not have).
    public func defaultValue(_ key: String) -> Double { defaults[key] ?? 0 }

    /// The stem of default names: conv1, bn1, relu1, drop1, pool1, gap1, flatten1, fc1, ultimus1.
    public var stem: String {
        switch self {
        case .dropout: return "drop"
        case .maxpool: return "pool"
        case .linear: return "fc"
        default: return rawValue
        }
    }
}

/// One `layer ...` line: its kind, its name in the state dict, and its numeric settings.
public struct LayerSpec: Codable, Equatable, Sendable {
    public var kind: LayerKind
    public var name: String
    /// Settings by the command's argument names (`out`, `kernel`, `p`, `bias` as 0/1...).
    public var settings: [String: Double]

    public init(kind: LayerKind, name: String, settings: [String: Double]) {
        self.kind = kind
        self.name = name
        self.settings = settings
    }

    /// The `layer` command that makes it.
    public var command: String {
        let args = settings.keys.sorted().map { key -> String in
            let v = settings[key]!
            if key == "bias" || key == "cls" { return "\(key)=\(v != 0)" }
            if key == "mean" { return "mode=\(v != 0 ? "mean" : "cls")" }
            return v == v.rounded() && abs(v) < 1e9 ? "\(key)=\(Int(v))" : "\(key)=\(v)"
        }
        return (["layer", kind.rawValue] + args + ["name=\(name)"]).joined(separator: " ")
    }

    /// A setting as an integer; values that are not whole numbers of sensible size (from a damaged
    /// session file) read as -1, which ``LayerNetwork`` refuses.
    func int(_ key: String, _ fallback: Int) -> Int {
        guard let v = settings[key] else { return fallback }
        return v.isFinite && v == v.rounded() && abs(v) < 1e9 ? Int(v) : -1
    }
    func double(_ key: String, _ fallback: Double) -> Double { settings[key] ?? fallback }

    /// A setting, or the kind's default.
    func int(_ key: String) -> Int { int(key, Int(kind.defaultValue(key))) }
    func double(_ key: String) -> Double { double(key, kind.defaultValue(key)) }
}
