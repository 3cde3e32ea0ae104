import Testing
@testable import Datasets

@Suite struct MD5Tests {
    /// RFC 1321, appendix A.5.
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"),
    ])
    func knownVectors(input: String, digest: String) {
        #expect(MD5.hex(input) == digest)
    }

    @Test func chunkedUpdatesEqualOneShot() {
        let bytes = (0..<1000).map { UInt8(($0 * 31) & 255) }
        var md5 = MD5()
        var i = 0
        for size in [1, 63, 64, 65, 7, 200, 600] where i < bytes.count {
            md5.update(Array(bytes[i..<min(bytes.count, i + size)]))
            i += size
        }
        md5.update(Array(bytes[min(i, bytes.count)...]))
        #expect(md5.finalize().map { String(format2: $0) }.joined() == MD5.hex(bytes))
    }
}
