import ExperimentKit
import Foundation
import Testing

/// Settings stored by their command words (optimizer, schedule, anneal strategy, layer kind, split,
/// model variant): a session file naming a word the workbench does not know is refused with one
/// line naming the field and the words it can be.
@Suite struct SettingWordTests {
    /// The fixture session file with `edit` applied to its record.
    static func edited(_ edit: (inout [String: Any]) throws -> Void) throws -> [UInt8] {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: SessionFixtureTests.path)))
        var n = 0
        for i in 0..<8 { n |= Int(bytes[i]) << (8 * i) }
        var header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<8 + n])) as? [String: Any])
        var metadata = try #require(header["__metadata__"] as? [String: String])
        let json = try #require(metadata["ultimus.session"])
        var record = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        try edit(&record)
        let edited = try JSONSerialization.data(withJSONObject: record)
        metadata["ultimus.session"] = String(decoding: edited, as: UTF8.self)
        header["__metadata__"] = metadata
        let text = Array(try JSONSerialization.data(withJSONObject: header))
        let count = UInt64(text.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: count >> (8 * UInt64($0))) } + text + bytes[(8 + n)...]
    }

    static func set(_ record: inout [String: Any], _ path: [String], _ value: Any) {
        guard let key = path.first else { return }
        if path.count == 1 { record[key] = value; return }
        var inner = record[key] as? [String: Any] ?? [:]
        set(&inner, Array(path.dropFirst()), value)
        record[key] = inner
    }

    /// The one-line error of loading the fixture with `edit` applied.
    static func refusal(_ edit: (inout [String: Any]) throws -> Void) throws -> String {
        let bytes = try edited(edit)
        do {
            _ = try SessionFile.decode(bytes, name: "edited.ult-session")
        } catch let error as ExperimentError {
            return error.message
        }
        Issue.record("the edited file loaded")
        return ""
    }

    @Test func theFixtureStillLoadsAfterTheRoundTripOfTheEditor() throws {
        let loaded = try SessionFile.decode(try Self.edited { _ in }, name: "unchanged.ult-session")
        #expect(loaded.experiment.optimizerSettings?.kind == .sgd)
        #expect(loaded.experiment.scheduleSettings?.kind == .onecycle)
        #expect(loaded.experiment.scheduleSettings?.anneal == .cos)
        #expect(loaded.experiment.history.epochs.first?.testSplit == .test)
        #expect(loaded.experiment.evaluations[.test]?.count == 7)
    }

    @Test func unknownWordsAreRefusedNamingTheFieldAndTheChoices() throws {
        let cases: [([String], String, String)] = [
            (["optimizer", "kind"], "adagrad", "optimizer.kind: 'adagrad' is not sgd, adam or adamw"),
            (["schedule", "kind"], "cosine", "schedule.kind: 'cosine' is not onecycle, constant or step"),
        ]
        for (path, word, expected) in cases {
            let message = try Self.refusal { Self.set(&$0, path, word) }
            #expect(message.contains(expected), "\(message)")
            #expect(message.hasPrefix("edited.ult-session: ") && !message.contains("\n"), "\(message)")
        }
    }

    @Test func anUnknownLayerKindOrSplitIsRefusedNamingItsField() throws {
        let layer = try Self.refusal { record in
            var model = try #require(record["model"] as? [String: Any])
            var layers = try #require(model["layers"] as? [String: Any])
            var specs = try #require(layers["_0"] as? [[String: Any]])
            specs[0]["kind"] = "convolution"
            layers["_0"] = specs
            model["layers"] = layers
            record["model"] = model
        }
        #expect(layer.contains("model.layers") && layer.contains("'convolution' is not conv, bn, relu"), "\(layer)")
        let split = try Self.refusal { record in
            var history = try #require(record["history"] as? [String: Any])
            var epochs = try #require(history["epochs"] as? [[String: Any]])
            epochs[0]["testSplit"] = "validation"
            history["epochs"] = epochs
            record["history"] = history
        }
        #expect(split.contains("history.epochs") && split.contains("'validation' is not test, valid or train"),
                "\(split)")
        for message in [layer, split] { #expect(!message.contains("\n"), "\(message)") }
    }
}
