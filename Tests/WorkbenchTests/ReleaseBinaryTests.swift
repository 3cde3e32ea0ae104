import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

/// The hostile-file checks against the build users run: `make check-release` builds the release
/// `ultimus-repl` (file parsers keep their bounds checks there) and points `ULTIMUS_RELEASE_BIN` at it.
/// Every damaged session or weights file must end the script with one error line, never a crash.
enum ReleaseBinary {
    static let path: String? = ProcessInfo.processInfo.environment["ULTIMUS_RELEASE_BIN"]
        .flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }
}

extension TrainingTests {
@Suite(.serialized, .enabled(if: ReleaseBinary.path != nil, "set ULTIMUS_RELEASE_BIN (make check-release)"))
struct ReleaseBinaryTests {
    /// Runs the release binary on a one-line script; returns how it ended and what it printed.
    static func run(_ command: String, after setup: [String] = [],
                    in folder: String) throws -> (status: Int32, signalled: Bool, output: String) {
        let script = folder + "/hostile.ult"
        try Data((setup + [command]).map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: script))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(ReleaseBinary.path))
        process.arguments = [script, "--threads", "1", "--out", folder + "/out"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal,
                String(decoding: data, as: UTF8.self))
    }

    static func expectOneLineError(_ command: String, after setup: [String] = [], file: String, in folder: String,
                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try run(command, after: setup, in: folder)
        let name = (file as NSString).lastPathComponent
        #expect(!result.signalled, "\(name): the release binary crashed", sourceLocation: sourceLocation)
        #expect(result.status == 1, "\(name): exit status \(result.status)", sourceLocation: sourceLocation)
        let errors = result.output.split(separator: "\n").filter { $0.contains("error:") }
        #expect(errors.count == 1, "\(name): \(result.output)", sourceLocation: sourceLocation)
        #expect(errors.first?.contains(name) == true, "\(name): \(result.output)", sourceLocation: sourceLocation)
    }

    @Test func damagedSessionFilesAreOneLineErrorsInTheReleaseBuild() throws {
        let f = try HostileFileTests.Fixture()
        for variant in try HostileFileTests.lyingVariants(f.bytes) {
            let path = try f.write(variant.bytes, variant.name + ".session")
            try Self.expectOneLineError("load \(path)", file: path, in: f.folder)
        }
        let good = try Self.run("load \(f.folder)/good.session", in: f.folder)
        #expect(good.status == 0 && !good.signalled, "\(good.output)")
    }

    @Test func damagedWeightFilesAreOneLineErrorsInTheReleaseBuild() throws {
        let f = try HostileFileTests.Fixture()
        for variant in try HostileFileTests.lyingVariants(f.weightsBytes) {
            let path = try f.write(variant.bytes, variant.name + ".safetensors")
            try Self.expectOneLineError("import weights \(path)", after: ["load \(f.folder)/good.session"], file: path,
                                        in: f.folder)
        }
    }
}
}
