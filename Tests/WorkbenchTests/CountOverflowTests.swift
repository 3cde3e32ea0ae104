import Foundation
import Testing
@testable import Workbench

#if canImport(Glibc)
import Glibc
#endif

/// Counts typed at the prompt never overflow: out-of-range values are one-line errors, long
/// schedules are charted from a bounded sample.
extension TrainingTests {
    @Suite(.serialized) struct CountOverflowTests {
        @Test func hugeCountsAreRefusedNotTrapped() {
            let bench = TrainingBench()
            #expect(bench.run(TrainingBench.tiny))
            for line in ["train epochs=8e15", "train steps=8e15", "sched step step_size=8e15",
                         "sched onecycle max_lr=0.01 epochs=8e15",
                         "sched onecycle max_lr=0.01 total_steps=9e15", "data synthetic n=8e15", "history last=8e15",
                         "data synthetic n=64 batch=8e15", "summary batch=8e15"] {
                guard case .failed(let message) = bench.run(line) else {
                    Issue.record("'\(line)' must be refused")
                    continue
                }
                #expect(!message.contains("\n") && message.count < 300, "\(message)")
            }
            #expect(bench.experiment.globalStep == 0)
        }

        @Test func longSchedulesAreChartedFromABoundedSample() throws {
            let bench = TrainingBench()
            #expect(bench.run(TrainingBench.tiny + ["sched onecycle max_lr=0.01 epochs=1e12", "plot schedule"]))
            let steps = SessionCharts.sampledSteps(total: 4 * 1_000_000_000_000, current: 7)
            #expect(steps.count <= SessionCharts.maxSchedulePoints + 1 && steps.first == 0
                    && steps.last == 4 * 1_000_000_000_000 - 1)
            #expect(steps.contains(7))
            #expect(SessionCharts.sampledSteps(total: 10, current: nil) == Array(0..<10))
        }

        @Test func scheduleStepsCannotOverflow() {
            let settings = ScheduleSettings(kind: .onecycle, values: ["max_lr": 0.01, "epochs": 1e15],
                                            stepsPerEpoch: 1 << 30, baseLR: 0.01)
            #expect(throws: (any Error).self) { try settings.build() }
            let step = ScheduleSettings(kind: .step, values: ["step_size": 1e15], stepsPerEpoch: 1 << 30, baseLR: 0.01)
            #expect(throws: (any Error).self) { try step.build() }
        }
    }
}

/// SIGTERM and SIGHUP stop a long command like Ctrl-C: the partial epoch is recorded and
/// autosaved, and the program exits with 128 + the signal.
@Suite(.serialized, .enabled(if: ReleaseBinary.path != nil,
                             "set ULTIMUS_RELEASE_BIN (make check-release): long runs of the release binary"))
struct TerminationSignalTests {
    @Test(arguments: [SIGTERM, SIGHUP])
    func aSignalDuringTrainingAutosavesThePartialEpoch(signal: Int32) throws {
        let folder = TemporaryFolder()
        let dir = folder.path
        // A run far longer than any test waits: the signal always lands during it, whatever the
        // machine's speed. Off a terminal an epoch's lines are printed when it ends: once the first
        // is on record, the signal lands in the second (1,600 batches).
        let script = ["data synthetic n=20000 batch=10", "model new", "layer conv out=8", "layer relu", "layer gap",
                      "layer linear out=10", "train epochs=100000"]
        let run = try TrainingTests.KillTests.start(script, in: dir, name: "signal")
        while run.0.isRunning, !run.1.text.contains("Test set:") { usleep(10_000) }
        usleep(100_000)
        #expect(run.0.isRunning, "the run ended before the signal: \(run.1.text.suffix(1500))")
        kill(run.0.processIdentifier, signal)
        let done = TrainingTests.KillTests.finish(run)
        #expect(done.status == 128 + signal, "\(done.output.suffix(1500))")
        #expect(done.output.contains("partial epoch is recorded"), "\(done.output.suffix(1500))")
        let bench = TrainingBench()
        #expect(bench.run("load \(dir)/signal-out/autosave.ult-session") == .ok)
        #expect(bench.experiment.globalStep > 0)
    }
}
