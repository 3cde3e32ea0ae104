import ExperimentKit
import Foundation

extension Session {
    /// The session's data folder, and its generator for the default data seed.
    public var dataSource: DataSource {
        DataSource(directory: dataDirectory, drawSeed: { [unowned self] in self.generator.next() })
    }

    /// The session as the value a session file stores.
    public var checkpoint: SessionCheckpoint {
        SessionCheckpoint(seed: seed, generator: generator, commandLog: commandLog, experiment: experiment,
                          quiz: QuizState.of(self).record, threads: threads, branches: branches,
                          rollback: RollbackState(lastGood: lastGood, guardStop: guardStop))
    }

    /// The branch in use alone (no other branches, no rollback state): what a parked branch and `rollback` keep.
    var branchCheckpoint: SessionCheckpoint {
        var c = checkpoint
        c.branches = nil
        c.rollback = nil
        return c
    }
}

extension SessionFile {
    /// Writes the session atomically (see ``SessionFile/save(_:startSeed:to:)-(SessionCheckpoint,_,_)``).
    public static func save(_ session: Session, startSeed: UInt64? = nil, to path: String) throws {
        try save(session.checkpoint, startSeed: startSeed, to: path)
    }

    /// The session's tensors and record, as a session file would hold them.
    static func snapshot(_ session: Session) throws -> ([SafeTensorsEntry], SessionRecord) {
        try snapshot(session.checkpoint)
    }

    /// Replaces `session`'s state with a loaded one (nothing can fail here).
    public static func install(_ loaded: LoadedSession, into session: Session) {
        session.reseed(loaded.record.seed)
        session.generator = SeededGenerator(seed: 0)
        session.generator.state = loaded.record.generator
        session.commandLog = loaded.record.commandLog
        session.experiment = loaded.experiment
        QuizState.of(session).restore(loaded.record.quiz)
    }
}
