import Autograd
import SafeTensorsIO
import Foundation
import Testing

@Suite struct SafeTensorsTests {
    func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "/autograd-\(getpid())-\(name).safetensors"
    }

    func sample() -> [SafeTensorsEntry] {
        [SafeTensorsEntry(name: "weight", floats: [1, -2.5, 3, 0.125, 5, 6], shape: [2, 3]),
         SafeTensorsEntry(name: "a.steps", doubles: [0.1, 1e-300], shape: [2]),
         SafeTensorsEntry(name: "labels", int64s: [7, -1, Int64.max], shape: [3]),
         SafeTensorsEntry(name: "scalar", floats: [42], shape: []),
         SafeTensorsEntry(name: "empty", floats: [], shape: [0, 4])]
    }

    @Test func roundTripKeepsOrderValuesAndMetadata() throws {
        let path = temporaryPath("roundtrip")
        defer { unlink(path) }
        let metadata = ["op": "conv2d", "stride": "2", "quote": "a \"b\"\n"]
        try SafeTensors.write(sample(), metadata: metadata, to: path)
        let file = try SafeTensors.read(path: path)
        #expect(file.names == ["weight", "a.steps", "labels", "scalar", "empty"])
        #expect(file.metadata == metadata)
        #expect(file.entries == sample())
        #expect(try file.tensor("weight").storage == [1, -2.5, 3, 0.125, 5, 6])
        #expect(file["a.steps"]?.doubles == [0.1, 1e-300])
        #expect(file["labels"]?.int64s == [7, -1, Int64.max])
        #expect(file["labels"]?.floats == [7, -1, Float(Int64.max)])
        #expect(try file.tensor("scalar").shape == [])
        #expect(throws: SafeTensorsError.self) { try file.tensor("missing") }
        // No temporary file is left behind.
        let folder = (path as NSString).deletingLastPathComponent
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.contains("roundtrip.safetensors.tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func readsPyTorchFixture() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures").path
        let file = try SafeTensors.read(path: folder + "/cross_entropy.safetensors")
        #expect(file.metadata["op"] == "cross_entropy")
        #expect(file["target"]?.dtype == .i64)
        #expect(file["input"]?.dtype == .f32)
    }

    /// Header bytes for hand-made files.
    func file(header: String, data: [UInt8]) -> [UInt8] {
        let h = Array(header.utf8)
        return (0..<8).map { UInt8(truncatingIfNeeded: UInt64(h.count) >> (8 * UInt64($0))) } + h + data
    }

    @Test(arguments: [
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "outside"),
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "needs 12"),
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", 6, "overlaps"),
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "gap"),
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8, "cover"),
        ("{\"x\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "dtype"),
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "shape"),
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}", 4, "more bytes"),
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}}", 4, "data_offsets"),
        ("{\"x\":", 0, "JSON"),
        ("[1,2]", 0, "not a JSON object"),
        ("{\"__metadata__\":{\"a\":1}}", 0, "not a string"),
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
            + "\"x\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", 0, "twice"),
    ])
    func lyingHeadersAreErrors(example: (String, Int, String)) {
        let bytes = file(header: example.0, data: [UInt8](repeating: 0, count: example.1))
        do {
            _ = try SafeTensors.parse(bytes, path: "bad.safetensors")
            Issue.record("accepted: \(example.0)")
        } catch let error as SafeTensorsError {
            #expect(error.description.hasPrefix("bad.safetensors: "))
            #expect(error.description.contains(example.2), "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func hugeHeaderLengthIsAnErrorNotAnAllocation() {
        var bytes = [UInt8](repeating: 0xFF, count: 8) + Array("{}".utf8)
        #expect(throws: SafeTensorsError.self) { try SafeTensors.parse(bytes, path: "x") }
        bytes = [2, 0, 0, 0, 0, 0, 0]
        #expect(throws: SafeTensorsError.self) { try SafeTensors.parse(bytes, path: "x") }
        #expect(throws: SafeTensorsError.self) { try SafeTensors.read(path: "/nonexistent/file.safetensors") }
    }

    /// Random corruptions of a valid file never crash: each either parses or throws.
    /// A file of 8 GB (sparse: it takes no disk) whose header is damaged: the error comes from the
    /// header alone, without reading, or allocating memory for, the gigabytes after it.
    @Test func aLargeFileIsNotReadWholeBeforeItsHeaderIsChecked() throws {
        let path = temporaryPath("sparse")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let header = Array(#"{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "#.utf8)
        var start = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(header.count) >> (8 * UInt64($0))) }
        start += header
        #expect(FileManager.default.createFile(atPath: path, contents: Data(start)))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 8 << 30)
        try handle.close()
        let before = Self.peakResidentBytes()
        #expect(throws: SafeTensorsError.self) { try SafeTensors.read(path: path) }
        #expect(Self.peakResidentBytes() - before < 1 << 30, "reading the damaged header allocated the file")
    }

    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    @Test func corruptedFilesNeverCrash() throws {
        let valid = SafeTensors.serialize(sample(), metadata: ["op": "x"])
        var generator = SeededGenerator(seed: 21)
        var rejected = 0
        for trial in 0..<2000 {
            var bytes = valid
            switch trial % 3 {
            case 0: bytes = Array(bytes.prefix(generator.nextInt(bytes.count)))
            case 1:
                for _ in 0..<1 + generator.nextInt(4) {
                    bytes[generator.nextInt(bytes.count)] = UInt8(generator.nextInt(256))
                }
            default: bytes[generator.nextInt(min(bytes.count, 200))] ^= UInt8(1 << generator.nextInt(8))
            }
            do { _ = try SafeTensors.parse(bytes, path: "fuzz") } catch is SafeTensorsError { rejected += 1 }
        }
        #expect(rejected > 500)
    }

    @Test func jsonParserHandlesEscapesAndDepth() throws {
        let v = try JSONValue.parse(#" {"a": [1, -2.5e3, true, null], "b": "x\u00e9\n\ud83d\ude00"} "#)
        #expect(v["a"]?.arrayValue?.count == 4)
        #expect(v["a"]?.arrayValue?[1].doubleValue == -2500)
        #expect(v["b"]?.stringValue == "xé\n😀")
        #expect(throws: JSONError.self) { try JSONValue.parse(String(repeating: "[", count: 1000)) }
        #expect(throws: JSONError.self) { try JSONValue.parse("{\"a\":1,}") }
        #expect(try JSONValue.parse(v.serialized) == v)
    }
}
