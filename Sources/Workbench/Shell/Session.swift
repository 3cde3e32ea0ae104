import ExperimentKit
import Foundation

/// Everything a workbench session holds. Command handlers read and change it; a failed command
/// leaves it as it was (handlers check everything before changing anything).
public final class Session {
    /// Seed the session's generators were last seeded with (`set seed=N`).
    public private(set) var seed: UInt64
    /// The session's root generator; independent streams are split from it.
    public var generator: SeededGenerator
    /// Folder for generated files (`set out=DIR`); created when the first file is written.
    public var outputDirectory: String
    /// Where datasets are looked for first (`--data DIR`), if given.
    public var dataDirectory: String?
    /// The successful commands, in order.
    public var commandLog: [LoggedCommand] = []
    /// What each command of this run showed, by prompt number (not saved in session files).
    public var outputs: [Int: CommandOutput] = [:]
    /// The comment lines entered, in order (not saved in session files).
    public var notes: [SessionNote] = []
    /// The machine-learning state: data, model, optimizer, schedule, histories (Experiment/).
    public var experiment = Experiment()
    /// The session's named branches (`branch`); the one in use is this session's state.
    public internal(set) var branches = BranchSet()
    /// The last good state of this branch (taken when `train` starts and after each finished epoch),
    /// for `rollback`, with what it is.
    var lastGood: (bytes: [UInt8], label: String)?
    /// What stopped the last `train` (a NaN or exploding loss): the step and LR, for `rollback`.
    var guardStop: (step: Int, lr: Double)?
    /// True while `fork` or `replay` re-runs the log: nothing is autosaved then, so a re-run that
    /// fails part-way cannot overwrite the live session's autosave.
    public internal(set) var isRerunning = false

    public init(seed: UInt64, outputDirectory: String, dataDirectory: String? = nil) {
        self.seed = seed
        self.generator = SeededGenerator(seed: seed)
        self.outputDirectory = outputDirectory
        self.dataDirectory = dataDirectory
    }

    /// Reseeds the session's generators.
    public func reseed(_ seed: UInt64) {
        self.seed = seed
        generator = SeededGenerator(seed: seed)
    }

    /// Everything a command can change, kept to put back when a command made of other commands
    /// (`fork`, `replay`) fails part-way.
    struct Saved {
        let seed: UInt64, generator: SeededGenerator, outputDirectory: String, dataDirectory: String?
        let commandLog: [LoggedCommand], experiment: Experiment, threads: Int, quiz: SessionRecord.QuizRecord
        let branches: BranchSet
    }

    func saved() -> Saved {
        Saved(seed: seed, generator: generator, outputDirectory: outputDirectory, dataDirectory: dataDirectory,
              commandLog: commandLog, experiment: experiment, threads: threads, quiz: QuizState.of(self).record,
              branches: branches.copy())
    }

    func restore(_ s: Saved) {
        (seed, generator, outputDirectory, dataDirectory) = (s.seed, s.generator, s.outputDirectory, s.dataDirectory)
        (commandLog, experiment, threads) = (s.commandLog, s.experiment, s.threads)
        QuizState.of(self).restore(s.quiz)
        branches = s.branches
    }

    /// Worker threads of the kernels (`set threads=N`).
    public var threads: Int {
        get { Parallel.threads }
        set { Parallel.threads = max(1, newValue) }
    }

    /// `name` inside the output folder.
    public func outputPath(_ name: String) -> String {
        (outputDirectory as NSString).appendingPathComponent(name)
    }

    /// The command log as a script that `run` replays.
    /// - Parameter notReplayed: whether a command is written as a comment, because running it again
    ///   would fail or change what the script does (`save` onto an existing file, `fork 3`).
    public func script(header: String? = nil, notReplayed: (String) -> Bool = { _ in false }) -> String {
        var lines = header.map { [$0] } ?? []
        for entry in commandLog {
            let line = PrintableText.escaped(entry.text)
            // A line with control characters could read back as other commands: keep it as a comment.
            let comment = notReplayed(entry.text) || PrintableText.hasControlCharacters(entry.text)
            lines.append(comment ? "# \(line)  (not replayed)" : line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
