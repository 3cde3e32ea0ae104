/// The type of an argument's value, used to check and convert what the user typed.
public indirect enum ArgumentType: Equatable, Sendable, CustomStringConvertible {
    case int
    case float
    /// `true`/`false` (also `yes`/`no`, `on`/`off`, `1`/`0`).
    case bool
    case string
    /// A file or folder path; completed from the file system.
    case path
    /// One of a fixed set of words.
    case choice([String])
    /// A comma list of elements, `betas=0.9,0.999`; a single value is a list of one.
    case list(ArgumentType)

    public var description: String {
        switch self {
        case .int: return "INT"
        case .float: return "FLOAT"
        case .bool: return "true|false"
        case .string: return "TEXT"
        case .path: return "PATH"
        case .choice(let words): return words.joined(separator: "|")
        case .list(let element): return "\(element),..."
        }
    }

    /// Words offered by Tab completion for this type.
    public var completionWords: [String] {
        switch self {
        case .bool: return ["true", "false"]
        case .choice(let words): return words
        case .list(let element): return element.completionWords
        default: return []
        }
    }
}

/// What Tab completes at a position, beyond the fixed words of a type.
public enum NameKind: String, Sendable, CaseIterable {
    case none
    /// Command names (`help CMD`).
    case command
    /// Files and folders.
    case path
    /// Layers of the current model (`conv1`, `ultimus2`).
    case layer
    /// Anything `inspect` can show: parameters, gradients, buffers, activations.
    case tensor
    /// Attention blocks of the current model (`ultimus1` ... and `all`).
    case block
}

/// A `name=value` argument.
public struct ArgumentSpec: Sendable {
    public var name: String
    public var type: ArgumentType
    /// Used when the argument is not given; `nil` means "absent" (the handler decides).
    public var defaultValue: ArgumentValue?
    public var help: String
    /// Allowed numeric range (for `.int`, `.float` and their lists).
    public var range: ClosedRange<Double>?
    public var required: Bool
    public var completion: NameKind

    public init(
        _ name: String, _ type: ArgumentType, default defaultValue: ArgumentValue? = nil,
        range: ClosedRange<Double>? = nil, required: Bool = false, completion: NameKind? = nil, _ help: String
    ) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.help = help
        self.range = range
        self.required = required
        self.completion = completion ?? (type == .path ? .path : .none)
    }
}

/// A positional value (`load PATH`, `inspect NAME`).
public struct PositionalSpec: Sendable {
    /// Lower-case key under which ``Invocation`` stores it (`path`); shown upper-case in help.
    public var name: String
    public var type: ArgumentType
    public var required: Bool
    public var help: String
    public var completion: NameKind

    public init(_ name: String, _ type: ArgumentType, required: Bool = true, completion: NameKind? = nil,
                _ help: String) {
        self.name = name
        self.type = type
        self.required = required
        self.help = help
        self.completion = completion ?? (type == .path ? .path : .none)
    }

    /// `PATH` or `[PATH]`.
    public var usage: String { required ? name.uppercased() : "[\(name.uppercased())]" }
}

/// A subcommand (`optim adam`, `data cifar10`) with its own positionals and arguments.
public struct SubcommandSpec: Sendable {
    public var name: String
    public var summary: String
    public var positionals: [PositionalSpec]
    public var arguments: [ArgumentSpec]

    public init(_ name: String, _ summary: String, positionals: [PositionalSpec] = [], arguments: [ArgumentSpec] = []) {
        self.name = name
        self.summary = summary
        self.positionals = positionals
        self.arguments = arguments
    }
}

/// What running a command does beyond printing, decided from the parsed command (never from its text).
/// `replay` and `fork` re-run only the commands whose effect ``isReplayed``.
public enum CommandEffect: String, Sendable, CaseIterable {
    /// Shows something; changes nothing and writes no file (`help`, `summary`, `inspect`).
    case shows
    /// Changes the session or the experiment in memory (`data`, `model`, `train`, `set`, `load`).
    case changesExperiment
    /// Writes charts, images or reports into the output folder, or where `to=` says (`plot`, `report`).
    case writesOutputs
    /// Writes files the user names (`save`, `export`).
    case writesFiles
    /// Fetches from the network (`download`).
    case fetches
    /// Runs the commands of a script file (`run`).
    case runsScript
    /// Re-runs a session's logged commands (`replay`, `fork`).
    case rerunsLog

    /// Whether `replay` and `fork` may run a logged command with this effect: a log is data, so only
    /// commands that change the experiment in memory (and write nothing) are re-run.
    public var isReplayed: Bool { self == .changesExperiment }

    /// Whether a saved script keeps a command with this effect as a command (otherwise a comment):
    /// re-running it would write a file the user named, fetch, run a script or re-run a log.
    public var isScripted: Bool {
        switch self {
        case .shows, .changesExperiment, .writesOutputs: return true
        case .writesFiles, .fetches, .runsScript, .rerunsLog: return false
        }
    }
}

/// Everything the workbench knows about one command: its grammar and its documentation.
public struct CommandSpec: Sendable {
    public var name: String
    /// Section of `help` it is listed under.
    public var area: String
    /// One line, lower-case, no full stop: `train N more epochs or steps`.
    public var summary: String
    /// A paragraph or two for `help CMD`.
    public var details: String
    /// Complete command lines that parse and validate; the first is shown by `help CMD`.
    public var examples: [String]
    public var positionals: [PositionalSpec]
    /// Arguments shared by every subcommand (or of the command itself when it has none).
    public var arguments: [ArgumentSpec]
    public var subcommands: [SubcommandSpec]
    /// When `false`, a first positional that names no subcommand is an ordinary positional.
    public var subcommandRequired: Bool
    /// Groups of arguments of which at most one may be given (`epochs`, `steps`).
    public var exclusive: [[String]]
    /// Other spellings (`exit` for `quit`).
    public var aliases: [String]
    /// Whether a successful run is kept in the session's replayable command log.
    public var logged: Bool
    /// What running it does (see ``CommandEffect``).
    public var effect: CommandEffect

    public init(
        _ name: String, area: String, _ summary: String, details: String = "", examples: [String],
        positionals: [PositionalSpec] = [], arguments: [ArgumentSpec] = [], subcommands: [SubcommandSpec] = [],
        subcommandRequired: Bool = true, exclusive: [[String]] = [], aliases: [String] = [], logged: Bool = true,
        effect: CommandEffect
    ) {
        self.name = name
        self.area = area
        self.summary = summary
        self.details = details
        self.examples = examples
        self.positionals = positionals
        self.arguments = arguments
        self.subcommands = subcommands
        self.subcommandRequired = subcommandRequired && !subcommands.isEmpty
        self.exclusive = exclusive
        self.aliases = aliases
        self.logged = logged
        self.effect = effect
    }

    public func subcommand(named name: String) -> SubcommandSpec? { subcommands.first { $0.name == name } }

    /// Arguments valid with `subcommand` (the command's own first, then the subcommand's).
    public func arguments(for subcommand: SubcommandSpec?) -> [ArgumentSpec] {
        arguments + (subcommand?.arguments ?? [])
    }

    /// Positionals after the subcommand word (or of the command itself).
    public func positionals(for subcommand: SubcommandSpec?) -> [PositionalSpec] {
        subcommand?.positionals ?? positionals
    }
}
