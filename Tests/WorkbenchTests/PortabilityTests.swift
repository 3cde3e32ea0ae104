import Foundation
import Autograd
import Testing

/// The kernels need AVX2 and FMA: without them `ultimus-repl` says so in one line at start.
/// `ULTIMUS_ASSUME_NO_AVX2=1` takes that path on any CPU.
@Suite(.serialized, .enabled(if: ReplBinary.path != nil, "ultimus-repl is not built: run `swift build` first"))
struct PortabilityTests {
    let folder = TemporaryFolder()

    @Test func aCPUWithoutAVX2GetsOneLineAndExitCode1() throws {
        let result = try runBinary(["--version"], environment: ["ULTIMUS_ASSUME_NO_AVX2": "1"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(CPUFeatures.requirement))
    }

    @Test func theCheckRunsBeforeAnyCommand() throws {
        // Even a script that would fail never starts.
        let result = try runBinary(["/nonexistent.ult"], environment: ["ULTIMUS_ASSUME_NO_AVX2": "1"])
        #expect(result.status == 1)
        #expect(!result.stderr.contains("nonexistent"))
    }

    @Test func thisCPUPassesTheCheck() throws {
        let result = try runBinary(["--version"], environment: [:])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("AVX2"))
    }

    func runBinary(_ arguments: [String], environment: [String: String]) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(ReplBinary.path))
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        process.environment = ["HOME": folder.path, "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"]
            .merging(environment) { $1 }
        let stdout = Pipe(), stderr = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
