import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

#if canImport(Glibc)
import Glibc
#endif

/// Long runs keep their memory flat, leave no temporary files behind, and the REPL works where
/// its history cannot be written.
extension TrainingTests {
    @Suite(.serialized) struct ResourceTests {
        /// Resident set size of a process in bytes, from `/proc/PID/statm` (second field, in pages).
        static func residentBytes(pid: pid_t) -> Int? {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return nil }
            let fields = text.split(separator: " ")
            guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
            return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        }

        /// Hundreds of training steps in a child `ultimus-repl` (so other tests' allocations do not
        /// count), sampling its resident memory: the second half of the run may not grow beyond noise.
        @Test(.enabled(if: ReplBinary.path != nil, "ultimus-repl is not built"))
        func residentMemoryIsFlatAcrossHundredsOfSteps() throws {
            let folder = TemporaryFolder()
            defer { withExtendedLifetime(folder) {} }  // kept until the child is done with it
            let rounds = 12, stepsPerRound = 30
            var script = ["set autosave=off", "data synthetic n=64 batch=16", "model new", "layer conv out=4",
                          "layer bn", "layer relu", "layer gap", "layer linear out=10", "optim adam lr=1e-3"]
            script += Array(repeating: "train steps=\(stepsPerRound)", count: rounds)
            script += ["eval"]
            try script.joined(separator: "\n").write(toFile: folder.path + "/long.ult", atomically: true,
                                                     encoding: .utf8)

            let process = Process()
            process.executableURL = URL(fileURLWithPath: try #require(ReplBinary.path))
            process.arguments = ["--threads", "1", "--out", folder.path + "/out", folder.path + "/long.ult"]
            process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
            process.environment = ["HOME": folder.path, "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"]
            let stdout = Pipe()
            process.standardOutput = stdout
            process.standardError = stdout
            // Reads the output as it comes so the child never blocks on a full pipe.
            let lines = LockedText()
            stdout.fileHandleForReading.readabilityHandler = { handle in
                lines.append(String(decoding: handle.availableData, as: UTF8.self))
            }
            try process.run()
            var samples: [Int] = []
            let deadline = Date().addingTimeInterval(600)
            while process.isRunning, Date() < deadline {
                if let bytes = Self.residentBytes(pid: process.processIdentifier) { samples.append(bytes) }
                usleep(50_000)
            }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            stdout.fileHandleForReading.readabilityHandler = nil
            #expect(process.terminationStatus == 0, "\(lines.text.suffix(2000))")
            // Steps take about the same time, so samples are evenly spread over them: compare the
            // peak of the second quarter (after warm-up) with the peak of the last quarter.
            let n = samples.count
            try #require(n >= 8, "too few samples: \(n)")
            let early = samples[n / 4..<n / 2], late = samples[3 * n / 4..<n]
            let growth = late.max()! - early.max()!
            print("resident memory: early peak \(early.max()! >> 20) MB, late peak \(late.max()! >> 20) MB "
                  + "over \(rounds * stepsPerRound) steps (\(n) samples)")
            let steps = rounds * stepsPerRound
            #expect(growth < 8 << 20,
                    "resident memory grew by \(growth >> 20) MB over the second half of \(steps) steps")
        }

        @Test func savesExportsAndAutosavesLeaveNoTemporaryFiles() throws {
            let bench = TrainingBench()
            bench.experiment.autosavePath = "autosave.ult-session"
            try FileManager.default.createDirectory(atPath: bench.folder + "/out/taken.session",
                                                    withIntermediateDirectories: true)
            #expect(bench.run(TrainingBench.tiny + ["train epochs=2", "save \(bench.folder)/out/a.session",
                                                     "export weights \(bench.folder)/out/w.safetensors",
                                                     "save \(bench.folder)/b.session"]))
            // A save whose rename fails (the name is a folder) must clean up after itself.
            guard case .failed(let message) = bench.run("save \(bench.folder)/out/taken.session force=true") else {
                Issue.record("saving onto a folder must fail")
                return
            }
            #expect(message.contains("taken.session"), "\(message)")
            #expect(!message.contains("\n"))
            for folder in [bench.folder, bench.folder + "/out"] {
                let names = try FileManager.default.contentsOfDirectory(atPath: folder)
                #expect(!names.contains { $0.contains(".tmp") }, "\(folder): \(names)")
            }
            #expect(FileManager.default.fileExists(atPath: bench.folder + "/out/autosave.ult-session"))
        }

        /// Everything that writes files, in a child whose temporary folder (`TMPDIR`) is its own:
        /// afterwards that folder is empty and no `.tmp` file is left next to the outputs.
        @Test(.enabled(if: ReplBinary.path != nil, "ultimus-repl is not built"))
        func writingCommandsLeaveTheTemporaryFolderClean() throws {
            let folder = TemporaryFolder()
            defer { withExtendedLifetime(folder) {} }  // kept until the child is done with it
            let temporary = folder.path + "/tmp", out = folder.path + "/out"
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            let script = ["data synthetic n=32 batch=16", "model ultimus variant=bnrelu", "optim adam lr=1e-3",
                          "train steps=1", "save \(out)/s.session", "save \(out)/s.session force=true",
                          "save script \(out)/s.ult", "export weights \(out)/w.safetensors",
                          "export torch \(out)/train.py",
                          "plot loss to=\(out)/loss.svg", "report \(out)/report", "load \(out)/s.session"]
            let result = try runPiped(["--threads", "1", "--out", out], input: script.joined(separator: "\n") + "\n",
                                      directory: folder.path, environment: ["TMPDIR": temporary])
            #expect(result.status == 0, "\(result.stderr.suffix(2000))")
            #expect(!result.stderr.contains("error:"), "\(result.stderr.suffix(2000))")
            #expect(try FileManager.default.contentsOfDirectory(atPath: temporary) == [])
            let everything = FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []
            #expect(everything.contains("out/report") && everything.contains("out/w.safetensors"), "\(everything)")
            #expect(!everything.contains { $0.contains(".tmp") || $0.contains(".download-") }, "\(everything)")
        }

        /// A home folder the history cannot be written to: one warning, and every command still runs.
        /// As root, permission bits do not stop writes, so the test uses a file system that refuses files.
        @Test(.enabled(if: ReplBinary.path != nil, "ultimus-repl is not built"))
        func readOnlyHomeWarnsOnceAndTheREPLWorks() throws {
            let folder = TemporaryFolder()
            defer { withExtendedLifetime(folder) {} }  // kept until the child is done with it
            let home: String
            if getuid() == 0 {
                home = "/sys"
            } else {
                home = folder.path + "/home"
                try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
                chmod(home, 0o555)
            }
            defer { if getuid() != 0 { chmod(home, 0o755) } }
            let repl = try PseudoTerminalSession(home: home)
            #expect(repl.waitFor("[1]> "), "\(repl.output.debugDescription)")
            repl.send("set seed=2\r")
            #expect(repl.waitFor("seed=2\r\n"), "\(repl.output.debugDescription)")
            #expect(repl.waitFor("[2]> "), "\(repl.output.debugDescription)")
            repl.send("set seed=3\r")
            #expect(repl.waitFor("seed=3\r\n"), "\(repl.output.debugDescription)")
            #expect(repl.waitFor("[3]> "), "\(repl.output.debugDescription)")
            repl.sendEndOfInput()
            #expect(repl.exitStatus() == 0, "\(repl.output.debugDescription)")
            #expect(repl.output.components(separatedBy: "history not saved").count == 2,
                    "\(repl.output.debugDescription)")
            #expect(!FileManager.default.fileExists(atPath: home + "/.ultimus_history"))
        }
    }
}

/// Text appended from another thread.
final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ""
    func append(_ s: String) { lock.lock(); value += s; lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return value }
}
