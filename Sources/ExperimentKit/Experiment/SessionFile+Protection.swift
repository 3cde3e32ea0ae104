import Autograd
import Foundation
import Layers
import SafeTensorsIO

/// What `rollback` needs after a guard stop: the branch's last good state and what stopped `train`.
public struct RollbackState {
    /// The last good state of the branch (session-file bytes of the branch alone) and what it is.
    public var lastGood: (bytes: [UInt8], label: String)?
    /// What stopped the last `train` (a NaN or exploding loss): the step and the LR it used.
    public var guardStop: (step: Int, lr: Double)?

    public init(lastGood: (bytes: [UInt8], label: String)? = nil, guardStop: (step: Int, lr: Double)? = nil) {
        (self.lastGood, self.guardStop) = (lastGood, guardStop)
    }
}

extension SessionRecord {
    /// The kept best weights' numbers (`train ... best=true`); the weights are the tensors `best.<key>`.
    public struct BestRecord: Codable {
        public var epoch: Int
        public var accuracy: Double
        public var split: DataSplit
    }

    /// A pending guard stop and the state `rollback` returns to (the tensor `rollback.state`, when
    /// `label` is set). Saved only while a guard stop is pending: otherwise the next `train` keeps
    /// a new last good state before it needs one.
    public struct RollbackRecord: Codable {
        public var stopStep: Int
        public var stopLR: Double
        public var label: String?
    }
}

/// The kept best weights and the rollback state in a session file: tensors `best.<key>` and
/// `rollback.state` (checksummed with the others), their numbers in the record.
extension SessionFile {
    static let bestPrefix = "best."
    static let rollbackTensor = "rollback.state"
    /// Longest label of a kept state (it names the command that took it).
    static let maxLabelBytes = 4_096

    /// The entries and record of the kept best weights, if any.
    static func bestSnapshot(_ best: BestWeights?) -> ([SafeTensorsEntry], SessionRecord.BestRecord?) {
        guard let best else { return ([], nil) }
        let entries = best.state.map { key, value -> SafeTensorsEntry in
            switch value {
            case .float32(let t): return SafeTensorsEntry(name: bestPrefix + key, tensor: t)
            case .int64(let shape, let values): return SafeTensorsEntry(name: bestPrefix + key, int64s: values,
                                                                        shape: shape)
            }
        }
        return (entries, .init(epoch: best.epoch, accuracy: best.accuracy, split: best.split))
    }

    /// The entry and record of a pending guard stop and its last good state (nothing without a stop).
    static func rollbackSnapshot(_ state: RollbackState?) -> ([SafeTensorsEntry], SessionRecord.RollbackRecord?) {
        guard let stop = state?.guardStop, stop.lr.isFinite else { return ([], nil) }
        let record = SessionRecord.RollbackRecord(stopStep: stop.step, stopLR: stop.lr, label: state?.lastGood?.label)
        guard let good = state?.lastGood else { return ([], record) }
        return ([SafeTensorsEntry(name: rollbackTensor, dtype: .u8, shape: [good.bytes.count], bytes: good.bytes)],
                record)
    }

    /// The kept best weights of a file, checked against the model: the same keys, shapes and types, all finite.
    /// - Throws: ``ExperimentError`` naming the bad part.
    static func restoreBest(_ r: SessionRecord, file: SafeTensorsFile, model: Module?) throws -> BestWeights? {
        let entries = file.entries.filter { $0.name.hasPrefix(bestPrefix) }
        guard let b = r.best else {
            if let stray = entries.first {
                throw ExperimentError("tensor \(stray.name) without kept best weights in the record")
            }
            return nil
        }
        try SessionRecord.count("best.epoch", b.epoch, from: 1)
        try SessionRecord.check(b.accuracy.isFinite && (0...100).contains(b.accuracy), "best.accuracy",
                                "\(b.accuracy) is not a percentage")
        guard let model else { throw ExperimentError("kept best weights without a model") }
        let expected = model.stateDict()
        try SessionRecord.check(entries.count == expected.keys.count, "best",
                                "\(entries.count) tensors for a model of \(expected.keys.count)")
        var state = StateDict()
        for (key, want) in expected {
            guard let entry = file[bestPrefix + key] else {
                throw ExperimentError("the kept best weights lack '\(key)'")
            }
            state[key] = try bestValue(entry, like: want)
        }
        return BestWeights(epoch: b.epoch, accuracy: b.accuracy, split: b.split, state: state)
    }

    /// One kept tensor, of the type and shape of the model's own and finite.
    private static func bestValue(_ entry: SafeTensorsEntry, like want: StateDict.Value) throws -> StateDict.Value {
        switch want {
        case .float32(let t):
            guard entry.dtype == .f32, entry.shape == t.shape else { throw misfit(entry) }
            let value = entry.tensor()
            guard value.storage.allSatisfy(\.isFinite) else {
                throw ExperimentError("tensor \(entry.name) holds NaN or Inf; the file is damaged")
            }
            return .float32(value)
        case .int64(let shape, _):
            guard entry.dtype == .i64, entry.shape == shape else { throw misfit(entry) }
            return .int64(shape: shape, values: entry.int64s)
        }
    }

    private static func misfit(_ entry: SafeTensorsEntry) -> ExperimentError {
        ExperimentError("tensor \(entry.name) does not fit the model (type or shape)")
    }

    /// The pending guard stop and last good state of a file; the state is checked by decoding it
    /// as a single branch's session (it may hold no branches and no rollback state of its own).
    /// - Throws: ``ExperimentError`` naming the bad part.
    static func restoreRollback(_ r: SessionRecord, file: SafeTensorsFile) throws -> RollbackState? {
        let entry = file[rollbackTensor]
        guard let rollback = r.rollback else {
            if entry != nil { throw ExperimentError("tensor \(rollbackTensor) without a guard stop in the record") }
            return nil
        }
        try SessionRecord.count("rollback.stopStep", rollback.stopStep)
        try SessionRecord.check(rollback.stopLR.isFinite, "rollback.stopLR",
                                "\(rollback.stopLR) is not a finite number")
        var state = RollbackState(guardStop: (rollback.stopStep, rollback.stopLR))
        guard let label = rollback.label else {
            if entry != nil { throw ExperimentError("tensor \(rollbackTensor) without its label in the record") }
            return state
        }
        try SessionRecord.check(label.utf8.count <= maxLabelBytes && !label.unicodeScalars.contains(where: isControl),
                                "rollback.label", "not one printable line of at most \(maxLabelBytes) bytes")
        guard let entry, entry.dtype == .u8, entry.shape.count == 1 else {
            throw ExperimentError("the last good state (tensor \(rollbackTensor), bytes) is missing or of the wrong "
                                  + "type")
        }
        _ = try decodePart(entry.bytes, name: "the last good state")
        state.lastGood = (entry.bytes, label)
        return state
    }

    /// Decodes a session held inside another (a parked branch, the last good state): it may not
    /// hold branches or a rollback state of its own, so nesting stops at one level.
    static func decodePart(_ bytes: [UInt8], name: String) throws -> LoadedSession {
        try decode(bytes, name: name, part: true)
    }

    /// Refuses a part that holds branches or a rollback state (checked before they are decoded).
    static func checkPart(_ file: SafeTensorsFile, _ record: SessionRecord) throws {
        guard file.metadata[BranchSet.metadataKey] == nil, record.rollback == nil, file[rollbackTensor] == nil else {
            throw ExperimentError("it holds branches or a rollback state of its own; the file is damaged")
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || (0x7F...0x9F).contains(scalar.value)
    }
}
