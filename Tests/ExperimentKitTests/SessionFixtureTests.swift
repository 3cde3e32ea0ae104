import ExperimentKit
import Foundation
import Testing

/// A session file written by an earlier build (d85d13c: synthetic data, a five-layer network, SGD with
/// momentum under a one-cycle schedule, one epoch trained) still loads and gives the same numbers.
@Suite struct SessionFixtureTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/session_v1_d85d13c.ult-session").path

    @Test func aSessionFileFromAnEarlierBuildLoadsWithItsWeightsAndPosition() throws {
        let loaded = try SessionFile.read(path: Self.path)
        let x = loaded.experiment
        #expect(loaded.record.commandLog.count == 11)
        #expect(x.weightDigest == "6294aaf3745e1b19")
        #expect(x.weightDigest == loaded.record.digests[11]?.weights)
        #expect(x.globalStep == 2)
        #expect(x.scheduleStep == 2)
        #expect(x.completedEpochs == 1)
        #expect(x.optimizerSettings?.kind == .sgd)
    }

    @Test func itEvaluatesToTheFiguresItRecorded() throws {
        let loaded = try SessionFile.read(path: Self.path)
        let x = loaded.experiment
        try x.ensureData(source: .seeded(1))
        let result = try x.evaluate(split: .test)
        #expect([result.line] == loaded.record.digests[11]?.figures)
        #expect(result.line == "Test set: Average loss: 1.1653, Accuracy: 2/7 (28.57%)")
    }
}
