/// A split of the data by the word commands and session files use for it.
public enum DataSplit: String, SettingWord, CodingKeyRepresentable {
    case test, valid, train

    /// `Test`, `Validation` or `Train`: how result lines and charts name it.
    public var title: String {
        switch self {
        case .test: return "Test"
        case .valid: return "Validation"
        case .train: return "Train"
        }
    }

    /// `test`, `validation` or `train`: how sentences name it.
    public var noun: String { self == .valid ? "validation" : rawValue }
}
