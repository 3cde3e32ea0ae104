import ExperimentKit
import Foundation

/// The Markdown of `report`: the seed README's sections, with its charts and images referenced
/// by file name (they are written beside the README).
public struct SessionReport {
    public var title: String
    /// The torchinfo-style model summary.
    public var modelSummary: String?
    /// The seed's log lines: one epoch line and one test line per epoch.
    public var trainingLog: [String]
    /// `name: value` lines of the training setup.
    public var details: [(String, String)]
    /// Image files (beside the README) under their section headings, in order; `nil` when the
    /// section has no figure, with a line saying why.
    public var figures: [(section: String, file: String?, note: String)]

    public init(title: String, modelSummary: String?, trainingLog: [String], details: [(String, String)],
                figures: [(section: String, file: String?, note: String)]) {
        self.title = title
        self.modelSummary = modelSummary
        self.trainingLog = trainingLog
        self.details = details
        self.figures = figures
    }

    /// The seed's log from a history: per epoch,
    /// `EPOCH = 3 | LR = 0.000617 | Loss = 1.93 | Batch = 97 | Accuracy = 28.41` and the test line.
    public static func log(_ history: TrainingHistory) -> [String] {
        history.epochs.flatMap { e -> [String] in
            // As the progress line printed it: the LR and loss of the epoch's last batch, the
            // epoch's running accuracy.
            let last = history.steps.last { $0.step == e.lastStep } ?? history.steps.last { $0.epoch == e.epoch }
            var lines = [String(format: "EPOCH = %d | LR = %@ | Loss = %.2f | Batch = %d | Accuracy = %.2f",
                                e.epoch, Format.lr(last?.lr ?? .nan), last?.loss ?? e.trainLoss, max(0, e.batches - 1),
                                e.trainAccuracy)
                         + (e.complete ? "" : " (partial: \(e.batches) of \(e.batchesPerEpoch) batches)")]
            if let loss = e.testLoss, let acc = e.testAccuracy {
                lines.append(String(format: "%@ set: Average loss: %.4f, Accuracy: %.2f%%",
                                    (e.testSplit ?? .test).title, loss, acc))
            }
            return lines
        }
    }

    /// The README text.
    public var markdown: String {
        var md = ["# \(title)", ""]
        md += ["## Model summary", ""]
        md += modelSummary.map { ["```", $0, "```", ""] } ?? ["(no model)", ""]
        md += ["## Training log", ""]
        md += trainingLog.isEmpty ? ["(no training yet)", ""] : ["```"] + trainingLog + ["```", ""]
        md += ["## Training details", ""]
        md += details.map { "- **\($0.0)**: \($0.1)" } + [""]
        for figure in figures {
            md += ["## \(figure.section)", ""]
            if let file = figure.file { md += ["![\(figure.section)](\(file))", ""] }
            if !figure.note.isEmpty { md += [figure.note, ""] }
        }
        return md.joined(separator: "\n")
    }
}
