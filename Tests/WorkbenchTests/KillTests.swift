import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

#if canImport(Glibc)
import Glibc
#endif

/// A real `kill -9` in the middle of an epoch: the autosave of the last completed epoch, loaded in a
/// new process, trains on to weights byte-identical to a run that was never killed.
extension TrainingTests {
    @Suite(.serialized, .enabled(if: ReleaseBinary.path != nil,
                                 "set ULTIMUS_RELEASE_BIN (make check-release): long runs of the release binary"))
    struct KillTests {
        static let epochs = 3
        /// Epochs of 1,600 batches: the kill, sent as soon as epoch 1 is on record, lands inside the
        /// run on any machine, whatever its speed.
        static let recipe = ["data synthetic n=20000 batch=10", "model new", "layer conv out=4", "layer bn",
                             "layer relu", "layer gap", "layer linear out=10", "optim adam lr=1e-3",
                             "sched onecycle max_lr=1e-2 epochs=\(epochs)"]

        /// Starts `ultimus-repl` on `script` with one thread; its output is collected as it comes.
        static func start(_ script: [String], in folder: String, name: String) throws -> (Process, LockedText) {
            let path = "\(folder)/\(name).ult"
            try script.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try #require(ReplBinary.path))
            process.arguments = ["--threads", "1", "--out", "\(folder)/\(name)-out", path]
            process.currentDirectoryURL = URL(fileURLWithPath: folder)
            process.environment = ["HOME": folder, "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            let text = LockedText()
            pipe.fileHandleForReading.readabilityHandler = {
                text.append(String(decoding: $0.availableData, as: UTF8.self))
            }
            try process.run()
            return (process, text)
        }

        static func finish(_ run: (Process, LockedText)) -> (status: Int32, output: String) {
            run.0.waitUntilExit()
            usleep(100_000)  // the last output may still be in the pipe
            return (run.0.terminationStatus, run.1.text)
        }

        @Test func killedMidEpochResumesFromTheAutosaveToIdenticalWeights() throws {
            let folder = TemporaryFolder()
            defer { withExtendedLifetime(folder) {} }  // kept until the children are done with it
            let dir = folder.path
            let whole = Self.finish(try Self.start(Self.recipe + ["train epochs=\(Self.epochs)",
                                                                  "export weights \(dir)/whole.safetensors"],
                                                   in: dir, name: "whole"))
            #expect(whole.status == 0, "\(whole.output.suffix(2000))")

            // The same run, killed with SIGKILL as soon as epoch 1 is on record (its autosave
            // written): epoch 2 is then under way, and its 1,600 batches outlast the wait.
            let started = Date()
            let run = try Self.start(Self.recipe + ["train epochs=\(Self.epochs)"], in: dir, name: "killed")
            let autosave = "\(dir)/killed-out/autosave.ult-session"
            while run.0.isRunning,
                  !(run.1.text.contains("EPOCH = 1") && FileManager.default.fileExists(atPath: autosave)) {
                usleep(10_000)
            }
            #expect(run.0.isRunning, "the run ended before the kill: \(run.1.text.suffix(2000))")
            kill(run.0.processIdentifier, SIGKILL)
            let killed = Self.finish(run)
            #expect(killed.status == SIGKILL, "\(killed.output.suffix(2000))")

            // Whatever epoch the autosave holds, training the rest must land on the same weights.
            let probe = TrainingBench()
            #expect(probe.run(["load \(autosave)"]))
            let done = probe.experiment.history.completeEpochs.count
            let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
            print("kill -9 after \(seconds) s; the autosave holds \(done) of \(Self.epochs) epochs")
            #expect((1..<Self.epochs).contains(done))
            let resumed = Self.finish(try Self.start(["load \(autosave)", "train epochs=\(Self.epochs - done)",
                                                      "export weights \(dir)/resumed.safetensors"],
                                                     in: dir, name: "resumed"))
            #expect(resumed.status == 0, "\(resumed.output.suffix(2000))")
            let a = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/whole.safetensors"))
            let b = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/resumed.safetensors"))
            #expect(a == b, "the resumed run's weights differ from the uninterrupted run's")
        }
    }
}
