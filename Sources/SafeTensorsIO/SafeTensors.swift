import Autograd
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing the safetensors format: an 8-byte little-endian header length `n`, `n` bytes
/// of JSON (`{"__metadata__": {...}, "name": {"dtype", "shape", "data_offsets": [begin, end]}, ...}`),
/// then the tensor bytes, offsets relative to the end of the header.
public enum SafeTensors {
    /// Headers longer than this are rejected (the format's own reference limit is 100 MB).
    public static let maxHeaderLength = 100_000_000

    /// Reads and validates the file at `path`. Every claim of the header is checked against the file
    /// before it is used: header length, JSON, dtypes, shapes, offsets in range, sizes equal to
    /// `product(shape) · dtype size`, and tensors covering the data without gaps or overlaps. Only
    /// then are the tensors read, each in bounded pieces into its own buffer: the whole file is
    /// never held in memory as one piece.
    public static func read(path: String) throws -> SafeTensorsFile {
        let file = try OpenFile(path: path)
        return try parse(file, path: path)
    }

    /// Validates and decodes safetensors bytes; `path` names the source in errors.
    public static func parse(_ data: [UInt8], path: String) throws -> SafeTensorsFile {
        try parse(BytesInMemory(bytes: data), path: path)
    }

    private static func parse(_ data: some ByteSource, path: String) throws -> SafeTensorsFile {
        func problem(_ text: String) -> SafeTensorsError { SafeTensorsError(path: path, problem: text) }
        guard data.count >= 8 else { throw problem("file is \(data.count) bytes, too short for a safetensors header") }
        let start = try data.bytes(0..<min(data.count, 9))
        let length = (0..<8).reduce(UInt64(0)) { $0 | UInt64(start[$1]) << (8 * UInt64($1)) }
        try refusePickle(start, length: length, count: data.count, problem)
        guard length <= UInt64(data.count - 8) else {
            throw problem("header length \(length) exceeds the \(data.count - 8) bytes after the length field")
        }
        guard length <= UInt64(maxHeaderLength) else {
            throw problem("header length \(length) exceeds the limit \(maxHeaderLength)")
        }
        let headerEnd = 8 + Int(length)
        let header: JSONValue
        do { header = try JSONValue.parse(bytes: try data.bytes(8..<headerEnd)) } catch let error as SafeTensorsError {
            throw error
        } catch {
            throw problem("header is not valid JSON (\(error))")
        }
        let (metadata, spans) = try members(of: header, dataSize: data.count - headerEnd, problem)
        let entries = try spans.map {
            SafeTensorsEntry(name: $0.name, dtype: $0.dtype, shape: $0.shape,
                             bytes: try data.bytes(headerEnd + $0.begin ..< headerEnd + $0.end))
        }
        return SafeTensorsFile(path: path, metadata: metadata, entries: entries)
    }

    /// torch.save writes a zip archive (PK…) or, in the legacy format, a pickle (0x80 protocol byte).
    /// A real header can also start with 0x80 (a 896-byte header does), so only a file whose JSON
    /// header is not where the length says is taken for a pickle.
    private static func refusePickle(_ start: [UInt8], length: UInt64, count: Int,
                                     _ problem: (String) -> SafeTensorsError) throws {
        let headerStartsJSON = length <= UInt64(count - 8) && start.count > 8 && start[8] == UInt8(ascii: "{")
        let zip = start.starts(with: [0x50, 0x4B, 0x03, 0x04])
        if !headerStartsJSON, zip || (start[0] == 0x80 && (2...5).contains(start[1])) {
            throw problem("this is a PyTorch pickle (torch.save), not safetensors; save it with "
                          + "safetensors.torch.save_file(model.state_dict(), 'model.safetensors')")
        }
    }

    private typealias Span = (name: String, dtype: DType, shape: [Int], begin: Int, end: Int)

    /// The header's metadata and tensor records, checked to cover the `dataSize` bytes exactly.
    private static func members(of header: JSONValue, dataSize: Int, _ problem: (String) -> SafeTensorsError)
        throws -> ([String: String], [Span]) {
        guard case let .object(members) = header else { throw problem("header is not a JSON object") }
        var metadata: [String: String] = [:]
        var spans: [Span] = []
        var seen = Set<String>()
        for (name, value) in members {
            guard seen.insert(name).inserted else { throw problem("header lists '\(name)' twice") }
            if name == "__metadata__" {
                guard case let .object(pairs) = value else { throw problem("__metadata__ is not an object") }
                for (k, v) in pairs {
                    guard let s = v.stringValue else { throw problem("__metadata__ value for '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            spans.append(try span(name, value, dataSize: dataSize, problem))
        }
        // Coverage: sorted by offsets, each tensor starts where the previous one ended.
        var position = 0
        for s in spans.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            guard s.begin == position else {
                throw problem(s.begin < position ? "tensor '\(s.name)' overlaps the previous tensor's bytes"
                                                 : "gap before tensor '\(s.name)' "
                                                    + "(bytes \(position)..<\(s.begin) unused)")
            }
            position = s.end
        }
        guard position == dataSize else {
            throw problem("tensors cover \(position) bytes but the data section has \(dataSize)")
        }
        return (metadata, spans)
    }

    /// Checks one tensor's header record.
    private static func span(_ name: String, _ value: JSONValue, dataSize: Int, _ problem: (String) -> SafeTensorsError)
        throws -> Span {
        guard case .object = value else { throw problem("tensor '\(name)' is not described by an object") }
        guard let dtypeName = value["dtype"]?.stringValue else { throw problem("tensor '\(name)' has no dtype") }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw problem("tensor '\(name)' has unsupported dtype \(dtypeName)")
        }
        guard let dims = value["shape"]?.arrayValue else { throw problem("tensor '\(name)' has no shape list") }
        var shape: [Int] = []
        var elements = 1
        for d in dims {
            guard let n = d.intValue, n >= 0 else {
                throw problem("tensor '\(name)' has an invalid shape \(value["shape"]!.serialized)")
            }
            let (product, overflow) = elements.multipliedReportingOverflow(by: n)
            guard !overflow, product <= dataSize else {
                throw problem("tensor '\(name)' shape \(value["shape"]!.serialized) "
                              + "needs more bytes than the file holds")
            }
            elements = product
            shape.append(n)
        }
        guard let offsets = value["data_offsets"]?.arrayValue, offsets.count == 2,
              let begin = offsets[0].intValue, let end = offsets[1].intValue else {
            throw problem("tensor '\(name)' needs data_offsets [begin, end]")
        }
        guard begin >= 0, begin <= end, end <= dataSize else {
            throw problem("tensor '\(name)' data_offsets [\(begin), \(end)] "
                          + "lie outside the \(dataSize)-byte data section")
        }
        guard end - begin == elements * dtype.size else {
            throw problem("tensor '\(name)' has \(end - begin) bytes "
                          + "but shape \(shape) of \(dtype.rawValue) needs \(elements * dtype.size)")
        }
        return (name, dtype, shape, begin, end)
    }

    /// The bytes of a safetensors file holding `entries` in order and `metadata` (keys sorted).
    public static func serialize(_ entries: [SafeTensorsEntry], metadata: [String: String]) -> [UInt8] {
        var members: [(key: String, value: JSONValue)] = []
        if !metadata.isEmpty {
            members.append(("__metadata__", .object(metadata.keys.sorted().map { ($0, .string(metadata[$0]!)) })))
        }
        var offset = 0
        for e in entries {
            members.append((e.name, .object([
                ("dtype", .string(e.dtype.rawValue)),
                ("shape", .array(e.shape.map { .number(String($0)) })),
                ("data_offsets", .array([.number(String(offset)), .number(String(offset + e.bytes.count))])),
            ])))
            offset += e.bytes.count
        }
        var header = Array(JSONValue.object(members).serialized.utf8)
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
        while header.count % 8 != 0 { header.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + offset)
        let n = UInt64(header.count)
        for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(k)))) }
        out += header
        for e in entries { out += e.bytes }
        return out
    }

    /// Writes `entries` (in order) and `metadata` to `path` through ``AtomicWriter``. Tensor names
    /// must be unique and not `__metadata__`; with `createFolders`, missing folders are made.
    public static func write(_ entries: [SafeTensorsEntry], metadata: [String: String], to path: String,
                             createFolders: Bool = false) throws {
        var names = Set<String>()
        for e in entries {
            guard e.name != "__metadata__", names.insert(e.name).inserted else {
                throw SafeTensorsError(path: path, problem: "tensor name '\(e.name)' is reserved or repeated")
            }
        }
        do {
            try AtomicWriter.write(serialize(entries, metadata: metadata), to: path, createFolders: createFolders)
        } catch let error as FileWriteError {
            throw SafeTensorsError(path: path, problem: "cannot write (\(error.reason))")
        }
    }
}
