import Autograd

/// Where safetensors bytes come from: the parser asks for ranges it has already checked against
/// `count`, so a file is read piece by piece and never as a whole.
protocol ByteSource {
    var count: Int { get }
    func bytes(_ range: Range<Int>) throws -> [UInt8]
}

struct BytesInMemory: ByteSource {
    let bytes: [UInt8]
    var count: Int { bytes.count }
    func bytes(_ range: Range<Int>) -> [UInt8] { Array(bytes[range]) }
}

/// A file as a byte source: its errors become ``SafeTensorsError``s.
struct OpenFile: ByteSource {
    let file: RegularFile

    init(path: String) throws {
        do { file = try RegularFile(path: path) } catch {
            throw SafeTensorsError(path: path, problem: error.reason)
        }
    }

    var count: Int { file.size }

    func bytes(_ range: Range<Int>) throws -> [UInt8] {
        do { return try file.bytes(at: range.lowerBound, count: range.count) } catch {
            throw SafeTensorsError(path: file.path, problem: error.reason)
        }
    }
}
