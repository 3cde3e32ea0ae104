import ExperimentKit
import Foundation
import Testing
@testable import Workbench

/// `data` derives its images from the session seed and its arguments; session files record the
/// thread count, and `load`/`replay` say when it differs.
@Suite(.serialized) struct DataSeedThreadsTests {
    @Test func rerunningDataGivesTheSameImages() throws {
        let bench = InspectionBench()
        let first = try #require(bench.experiment.data)
        bench.run("train steps=1")
        bench.run("data synthetic n=40 batch=8")
        let second = try #require(bench.experiment.data)
        #expect(second.splits.test.rgbInterleaved(at: 0) == first.splits.test.rgbInterleaved(at: 0))
        #expect(second.splits.test.labels == first.splits.test.labels)
        #expect(second.settings.seed == first.settings.seed)
        #expect(second.settings.loaderSeed != first.settings.loaderSeed,
                "shuffling still draws from the running generator")
        bench.run("data synthetic n=48 batch=8")
        #expect(bench.experiment.data?.settings.seed != first.settings.seed, "other arguments, other images")
    }

    @Test func loadAndReplaySayWhichThreadCountTheSessionRanWith() throws {
        let bench = InspectionBench()
        let threads = bench.shell.session.threads
        defer { bench.shell.session.threads = threads }
        let path = bench.folder.path + "/s.ult-session"
        bench.shell.session.threads = 1
        bench.run("save \(path)")
        bench.shell.session.threads = 2
        let loaded = bench.run("load \(path)")
        #expect(loaded.contains("the session ran at threads=1, this one at threads=2"))
        #expect(loaded.contains("'set threads=1'"))
        bench.shell.session.threads = 1
        #expect(!bench.run("load \(path)").contains("threads="))
    }
}
