import Foundation
import Layers
import TestSupport
import Testing
@testable import ExperimentKit
@testable import Workbench

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (a real SIGINT through a pseudo-terminal) at seeded random points during `train`,
/// `lrfind`, `eval`, `save` and `load` of a child `ultimus-repl`: the session stays consistent
/// and every file is either complete or untouched.
extension TrainingTests {
    @Suite(.serialized, .enabled(if: ReplBinary.path != nil, "ultimus-repl is not built: run `swift build` first"))
    struct InterruptTests {
        static let setup = ["data synthetic n=64 batch=16", "model new", "layer conv out=4", "layer bn", "layer relu",
                            "layer gap", "layer linear out=10", "optim adam lr=1e-2"]

        /// A child REPL typed at line by line.
        final class Typist {
            let repl: PseudoTerminalSession
            var number = 1
            let folder: String

            init(folder: String) throws {
                self.folder = folder
                repl = try PseudoTerminalSession(arguments: ["--threads", "1", "--out", folder + "/out"], home: folder)
                #expect(repl.waitFor("[1]> "), "\(repl.output.debugDescription)")
            }

            /// Types a line and waits for the next prompt.
            @discardableResult
            func type(_ line: String, timeout: Double = 60) -> String {
                let mark = repl.end
                repl.send(line + "\r")
                number += 1
                #expect(repl.waitFor("[\(number)]> ", after: mark, timeout: timeout),
                        "\(repl.output[mark...].debugDescription)")
                return String(repl.output[mark...])
            }

            /// Types a line, presses Ctrl-C after `delay` seconds, and waits for the next prompt.
            func interrupt(_ line: String, after delay: Double, timeout: Double = 60) -> String {
                let mark = repl.end
                repl.send(line + "\r")
                number += 1
                // The start of the echo (a line wider than the terminal is echoed in pieces).
                #expect(repl.waitFor(String(line.prefix(40)), after: mark))
                let until = Date().addingTimeInterval(delay)
                while Date() < until { repl.pump(milliseconds: 10) }
                repl.send("\u{03}")
                #expect(repl.waitFor("[\(number)]> ", after: mark, timeout: timeout),
                        "\(repl.output[mark...].debugDescription)")
                repl.pump(milliseconds: 200)
                return String(repl.output[mark...])
            }

            func finish() {
                repl.sendEndOfInput()
                #expect(repl.exitStatus() == 0, "\(repl.output.suffix(3000).debugDescription)")
            }
        }

        /// Runs `lines` in-process with one kernel thread (as the child), for reference results.
        static func bench(_ lines: [String], seed: UInt64 = 1) -> TrainingBench {
            let bench = TrainingBench(seed: seed)
            Parallel.withThreads(1) {
                for line in lines {
                    let status = bench.run(line)
                    #expect(status == .ok, "\(line): \(status) \(bench.console.errors)")
                }
            }
            return bench
        }

        static func weights(_ x: Experiment) -> [String: [UInt32]] {
            var out: [String: [UInt32]] = [:]
            for (key, value) in x.model?.stateDict() ?? StateDict() {
                out[key] = value.tensor.storage.map(\.bitPattern)
            }
            return out
        }

        static func optimizerState(_ x: Experiment) -> [String: [UInt32]] {
            var out: [String: [UInt32]] = [:]
            for (key, value) in x.optimizer?.stateTensors() ?? StateDict() {
                out[key] = value.tensor.storage.map(\.bitPattern)
            }
            return out
        }

        /// What the user saw of an interrupted command: its error line, or that it finished first.
        static func seen(_ shown: String) -> String {
            let lines = shown.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            return lines.first { $0.hasPrefix("error:") } ?? "no error: the command completed"
        }

        /// Whether the terminal echoed the Ctrl-C before the command printed `result` (it landed while the
        /// command ran).
        static func landed(_ shown: String, before result: String) -> Bool {
            guard let c = shown.range(of: "^C") else { return false }
            return shown[c.upperBound...].contains(result)
        }

        static func noTemporaryFiles(_ folder: String) {
            for sub in [folder, folder + "/out"] {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: sub)) ?? []
                #expect(!names.contains { $0.contains(".tmp") }, "\(sub): \(names)")
            }
        }

        @Test(arguments: [UInt64(1), 2])
        func trainInterruptedThenResumedMatchesAnUninterruptedRun(seed: UInt64) throws {
            var g = SeededGenerator(seed: seed)
            let delay = 0.05 + Double(g.nextInt(1000)) / 1000 * 1.5
            let folder = TemporaryFolder()
            defer { withExtendedLifetime(folder) {} }  // kept until the child is done with it
            let typist = try Typist(folder: folder.path)
            for line in Self.setup { typist.type(line) }
            let total = 40
            let shown = typist.interrupt("train steps=\(total)", after: delay)
            let saved = typist.type("save \(folder.path)/int.session force=true")
            #expect(saved.contains("saved the session"), "\(saved)")
            typist.finish()

            let resumed = Self.bench(["load \(folder.path)/int.session"], seed: 77)
            let done = resumed.experiment.globalStep
            print("train: Ctrl-C after \(String(format: "%.2f", delay)) s stopped at step \(done) of \(total): "
                  + Self.seen(shown))
            if done < total {
                #expect(shown.contains("train (after \(done) of \(total) steps"), "\(shown)")
                #expect(shown.contains("interrupted"))
                // The autosave written on Ctrl-C holds the same state.
                let autosave = Self.bench(["load \(folder.path)/out/autosave.ult-session"], seed: 78)
                #expect(Self.weights(autosave.experiment) == Self.weights(resumed.experiment))
            }
            #expect(resumed.experiment.history.steps.count == done)
            #expect(resumed.experiment.scheduleStep == done)
            Parallel.withThreads(1) {
                if done < total { #expect(resumed.run("train steps=\(total - done)") == .ok) }
            }
            let reference = Self.bench(Self.setup + ["set autosave=off", "train steps=\(total)"])
            #expect(Self.weights(resumed.experiment) == Self.weights(reference.experiment))
            #expect(Self.optimizerState(resumed.experiment) == Self.optimizerState(reference.experiment))
            #expect(resumed.experiment.history.steps.map(\.loss) == reference.experiment.history.steps.map(\.loss))
            Self.noTemporaryFiles(folder.path)
        }

        /// `lrfind` and `eval` restore everything they touch: interrupted anywhere, the session is as before.
        @Test(arguments: ["lrfind iters=200", "eval split=train"])
        func lrfindAndEvalInterruptedLeaveTheSessionAsBefore(command: String) throws {
            var g = SeededGenerator(seed: UInt64(command.utf8.count))
            let delay = 0.05 + Double(g.nextInt(1000)) / 1000 * 0.8
            let folder = TemporaryFolder()
            defer { withExtendedLifetime(folder) {} }  // kept until the child is done with it
            let typist = try Typist(folder: folder.path)
            typist.type("set autosave=off")
            typist.type("data synthetic n=1024 batch=16")
            for line in Self.setup.dropFirst() { typist.type(line) }
            typist.type("train steps=3")
            typist.type("save \(folder.path)/before.session")
            let shown = typist.interrupt(command, after: delay)
            typist.type("save \(folder.path)/after.session")
            typist.type("train steps=2")
            typist.type("save \(folder.path)/continued.session")
            typist.finish()
            print("\(command): Ctrl-C after \(String(format: "%.2f", delay)) s: \(Self.seen(shown))")

            let before = Self.bench(["load \(folder.path)/before.session"], seed: 5)
            let after = Self.bench(["load \(folder.path)/after.session"], seed: 6)
            #expect(Self.weights(after.experiment) == Self.weights(before.experiment))
            #expect(Self.optimizerState(after.experiment) == Self.optimizerState(before.experiment))
            #expect(after.experiment.globalStep == before.experiment.globalStep)
            #expect(after.shell.session.generator == before.shell.session.generator)
            // Continuing gives what continuing without the interrupted command gives.
            let continued = Self.bench(["load \(folder.path)/continued.session"], seed: 7)
            Parallel.withThreads(1) { #expect(before.run("train steps=2") == .ok) }
            #expect(Self.weights(continued.experiment) == Self.weights(before.experiment))
        }

        /// Ctrl-C while saving over an existing session and while loading one: the file on disk is
        /// either the old or the new one, and the live session is either the old or the loaded one.
        /// The network is large (a 10 MB session) so that saving and loading take long enough for
        /// the Ctrl-C to land while they run.
        @Test func saveAndLoadInterruptedAreAllOrNothing() throws {
            let setup = ["data synthetic n=64 batch=16", "model new", "layer flatten", "layer linear out=256",
                         "layer relu", "layer linear out=10", "optim adam lr=1e-2"]
            var g = SeededGenerator(seed: 9)
            let folder = TemporaryFolder()
            defer { withExtendedLifetime(folder) {} }  // kept until the child is done with it
            let path = folder.path + "/s.session"
            let typist = try Typist(folder: folder.path)
            typist.type("set autosave=off")
            for line in setup { typist.type(line) }
            typist.type("save \(path)")
            var previous = Self.weights(Self.bench(["load \(path)"]).experiment)
            for round in 0..<3 {
                typist.type("train steps=1")
                typist.type("save \(folder.path)/ref\(round).session")
                let delay = 0.05 + Double(g.nextInt(2000)) / 1000
                let shown = typist.interrupt("save \(path) force=true", after: delay)
                let saving = Self.landed(shown, before: "saved the session") ? ", while saving" : ""
                print("save: Ctrl-C after \(String(format: "%.2f", delay)) s\(saving): \(Self.seen(shown))")
                let now = Self.bench(["load \(path)"], seed: UInt64(round))
                let new = Self.weights(Self.bench(["load \(folder.path)/ref\(round).session"], seed: 20).experiment)
                let w = Self.weights(now.experiment)
                #expect(w == new || w == previous, "round \(round): the file is neither the old nor the new session")
                previous = w
            }
            // Loading under Ctrl-C: afterwards the session is the loaded one or the one before.
            typist.type("train steps=2")
            typist.type("save \(folder.path)/live.session")
            let delay = 0.05 + Double(g.nextInt(2000)) / 1000
            let shown = typist.interrupt("load \(path)", after: delay)
            let loading = Self.landed(shown, before: "loaded ") ? ", while loading" : ""
            print("load: Ctrl-C after \(String(format: "%.2f", delay)) s\(loading): \(Self.seen(shown))")
            typist.type("save \(folder.path)/end.session")
            typist.finish()
            let end = Self.weights(Self.bench(["load \(folder.path)/end.session"], seed: 11).experiment)
            let live = Self.weights(Self.bench(["load \(folder.path)/live.session"], seed: 12).experiment)
            let file = Self.weights(Self.bench(["load \(path)"], seed: 13).experiment)
            #expect(end == live || end == file)
            Self.noTemporaryFiles(folder.path)
        }

        /// Ctrl-C while `download` streams from a local server (which dribbles, then stalls): one error
        /// line, and nothing left in the data folder.
        @Test(arguments: [UInt64(1), 2, 3])
        func downloadInterruptedLeavesNothing(seed: UInt64) throws {
            var g = SeededGenerator(seed: seed)
            let delay = 0.1 + Double(g.nextInt(1000)) / 1000 * 2.0
            let folder = TemporaryFolder()
            defer { withExtendedLifetime(folder) {} }  // kept until the child is done with it
            let server = try LoopbackServer(routes: [:])
            defer { server.stop() }
            let typist = try Typist(folder: folder.path)
            let data = folder.path + "/data"
            let shown = typist.interrupt("download cifar10 path=\(data) url=\(server.url("/slow").absoluteString)",
                                         after: delay)
            typist.type("set seed=3")
            typist.finish()
            print("download: Ctrl-C after \(String(format: "%.2f", delay)) s: \(Self.seen(shown))")
            let lines = shown.split(whereSeparator: \.isNewline)
            #expect(!lines.contains { $0.contains("error:") }, "\(shown.debugDescription)")
            #expect(lines.filter { $0.contains("interrupted") }.map { String($0) }
                    == ["download (nothing was written) interrupted"],
                    "\(shown.debugDescription)")
            let left = (try? FileManager.default.contentsOfDirectory(atPath: data)) ?? []
            #expect(left.isEmpty, "\(left)")
        }
    }
}
