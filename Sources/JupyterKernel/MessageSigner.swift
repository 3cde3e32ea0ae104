import Crypto
import Foundation

/// HMAC-SHA256 signatures of Jupyter messages, as lowercase hex over the header, parent header,
/// metadata and content frames. An empty key turns signing off (the signature is empty).
public struct MessageSigner {
    private let key: SymmetricKey?

    public init(key: String) {
        self.key = key.isEmpty ? nil : SymmetricKey(data: Data(key.utf8))
    }

    /// The hex signature of `parts`.
    public func signature(_ parts: [Data]) -> String {
        guard let key else { return "" }
        var hmac = HMAC<SHA256>(key: key)
        for part in parts { hmac.update(data: part) }
        return hmac.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `signature` signs `parts` (compared in constant time).
    public func verify(_ signature: Data, _ parts: [Data]) -> Bool {
        guard let key else { return true }
        guard let bytes = MessageSigner.bytes(hex: signature) else { return false }
        var hmac = HMAC<SHA256>(key: key)
        for part in parts { hmac.update(data: part) }
        return hmac.finalize() == bytes
    }

    private static func bytes(hex: Data) -> Data? {
        let digits = Array(hex)
        guard digits.count == 64 else { return nil }
        var out = Data(capacity: 32)
        for i in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }
}
