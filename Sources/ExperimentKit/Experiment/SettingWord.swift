/// A setting stored in a session file by its command word (`adam`, `onecycle`, `valid`).
/// Decoding a word it does not know fails with the words it can be, so a damaged file is refused
/// with one line naming the field and its choices.
public protocol SettingWord: RawRepresentable, CaseIterable, Codable, Sendable where RawValue == String {}

extension SettingWord {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let word = try container.decode(String.self)
        guard let value = Self(rawValue: word) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(word)' is not \(Self.choices)")
        }
        self = value
    }

    /// The words, as a sentence: `sgd, adam or adamw`.
    public static var choices: String {
        let words = allCases.map(\.rawValue)
        guard let last = words.last, words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " or " + last
    }
}
