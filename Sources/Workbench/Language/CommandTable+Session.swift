extension CommandTable {
    /// `help`, `history`, `run`, `set`, `save`, `load`, `export`, `import`, `replay`, `fork`, `quit`.
    static let sessionCommands: [CommandSpec] = [
        CommandSpec(
            "help", area: "Session", "list the commands, or explain one",
            details: "With no argument, lists every command with a one-line summary. With a command name, shows its arguments, their types and defaults, and an example. 'train?' and '?train' are short for 'help train'. Tab completes commands, argument names and values everywhere.",
            examples: ["help", "help train", "help optim adam"],
            positionals: [
                PositionalSpec("command", .string, required: false, completion: .command, "the command to explain"),
                PositionalSpec("subcommand", .string, required: false, "one of its subcommands"),
            ],
            logged: false,
            effect: .shows),
        CommandSpec(
            "clear", area: "Session", "clear the terminal screen",
            details: "Clears the screen and puts the prompt at the top. Writes nothing when the output is not a terminal.",
            examples: ["clear"], logged: false, effect: .shows),
        CommandSpec(
            "time", area: "Session", "run a command and print its wall time",
            details: "time CMD runs CMD as if typed alone, then prints how long it took ('time: 1.23 s'), whether it succeeded or failed. CMD is logged as itself.",
            examples: ["time eval", "time summary"],
            positionals: [PositionalSpec("command", .string, completion: .command, "the command to time, with its arguments")],
            logged: false, effect: .changesExperiment),
        CommandSpec(
            "history", area: "Session", "list this session's commands with their numbers",
            details: "Shows the commands that succeeded, numbered as their prompts were. Failed commands are not kept. 'save script PATH' writes this list as a script that 'run' or 'ultimus-repl PATH' replays.",
            examples: ["history", "history last=10"],
            arguments: [ArgumentSpec("last", .int, range: Bounds.count, "show only the last N commands")],
            logged: false,
            effect: .shows),
        CommandSpec(
            "run", area: "Session", "run the commands of a script file",
            details: "Runs PATH (a script, or the code cells of a .ipynb notebook) line by line as if typed, stopping at the first error with FILE:LINE: error: .... Scripts use the same language as the prompt; '#' starts a comment.",
            examples: ["run sessions/quickstart.ult"],
            positionals: [PositionalSpec("path", .path, "the script to run")],
            logged: false,
            effect: .runsScript),
        CommandSpec(
            "status", area: "Session", "where the session stands: data, model, optimizer, schedule, epoch, seed",
            details: "One line each for the data (with its normalisation), the model, the optimizer, the schedule and its position, the epoch and step, the seed and thread count, active interventions, the probe images and the output folder.",
            examples: ["status"], logged: false,
            effect: .shows),
        CommandSpec(
            "set", area: "Session", "change the seed, the thread count or the output folder",
            details: "seed=N reseeds every generator of the session (weights created afterwards, shuffling, augmentation, dropout). threads=N sets the worker threads of the kernels. out=DIR is where plots, images, reports and autosaves go (default ./ultimus-out). probes=LIST chooses the probe images that attention, explain, intervene, gradcam and the time-lapse look at: test indices and image files, comma-separated (probes=3,57,cat.png); probes=classes restores the default, the first test image of each class. Image files are not kept in saved sessions. images= chooses how pictures and charts appear: kitty, iterm or sixel at full resolution (written even into a pipe), blocks (coloured half-blocks), off (captions only), auto (detected; a pipe or NO_COLOR gets no escapes).",
            examples: ["set seed=1", "set threads=2 out=runs/today", "set probes=3,57,cat.png", "set images=sixel"],
            arguments: [
                ArgumentSpec("seed", .int, range: Bounds.nonNegative, "seed of the session's generators"),
                ArgumentSpec("threads", .int, range: 1...256, "worker threads for the kernels"),
                ArgumentSpec("out", .path, "folder for generated files"),
                ArgumentSpec("autosave", .path, "autosave file after each epoch (in the output folder), or off"),
                ArgumentSpec("images", .choice(["auto"] + TerminalImageProtocol.allCases.map(\.rawValue)),
                             "how pictures appear: kitty, iterm, sixel, blocks, off or auto"),
                ArgumentSpec("probes", .list(.string), "test indices and image files, comma-separated, or classes (one per class)"),
            ],
            effect: .changesExperiment),
        CommandSpec(
            "save", area: "Session", "save the session to a file, or its commands as a script",
            details: "save PATH writes the whole session (model, optimizer, schedule position, generators, data settings, histories and the command log) as one safetensors file that 'load' restores exactly. save script PATH writes the session's commands as a replayable script. save notebook PATH.ipynb writes them as a Jupyter notebook (kernel ultimus) with their text, charts and images, comments as Markdown. Existing files outside the output folder need force=true.",
            examples: ["save runs/s9.session", "save script runs/s9.ult", "save notebook runs/s9.ipynb"],
            positionals: [PositionalSpec("path", .path, "the file to write")],
            arguments: [CommonArguments.force],
            subcommands: [SubcommandSpec("script", "write the session's commands as a script", positionals: [PositionalSpec("path", .path, "the script to write")]),
                          SubcommandSpec("notebook", "write the session as a Jupyter notebook with its outputs",
                                         positionals: [PositionalSpec("path", .path, "the .ipynb file to write")])],
            subcommandRequired: false,
            effect: .writesFiles),
        CommandSpec(
            "load", area: "Session", "restore a session saved with 'save'",
            details: "Replaces the current session with the saved one: the next 'train' continues bit-for-bit as if the session had never stopped. A missing, truncated or corrupt file leaves the current session untouched.",
            examples: ["load runs/s9.session"],
            positionals: [PositionalSpec("path", .path, "the session file")],
            logged: false,
            effect: .changesExperiment),
        CommandSpec(
            "export", area: "Session", "write the weights, or the session as a PyTorch script",
            details: "export weights PATH writes the model's state dict as safetensors with PyTorch names. export torch PATH.py writes a runnable PyTorch script equivalent to the session (model, weights, optimizer, schedule, augmentation, epochs).",
            examples: ["export weights runs/model.safetensors", "export torch runs/train.py"],
            arguments: [CommonArguments.force],
            subcommands: [
                SubcommandSpec("weights", "the model's state dict as safetensors", positionals: [PositionalSpec("path", .path, "the file to write")]),
                SubcommandSpec(
                    "torch", "a runnable PyTorch script equivalent to the session",
                    positionals: [PositionalSpec("path", .path, "the .py file to write")],
                    arguments: [ArgumentSpec("weights", .choice(["initial", "current"]), default: .string("current"), "which weights the script starts from")]),
            ],
            effect: .writesFiles),
        CommandSpec(
            "import", area: "Session", "load weights from a safetensors file",
            details: "Copies every tensor whose PyTorch name and shape match the current model; reports missing and unexpected names. Nothing changes when a shape differs.",
            examples: ["import weights runs/model.safetensors"],
            arguments: [ArgumentSpec("strict", .bool, default: .bool(true), "require every name to match")],
            subcommands: [SubcommandSpec("weights", "a state dict in safetensors format", positionals: [PositionalSpec("path", .path, "the file to read")])],
            effect: .changesExperiment),
        CommandSpec(
            "replay", area: "Session", "re-run a saved session and check its results",
            details: "Re-executes the commands recorded in a saved session. With verify=true it compares each command's weight digests and printed figures with the recorded ones and stops at the first difference, showing both.",
            examples: ["replay runs/s9.session verify=true"],
            positionals: [PositionalSpec("path", .path, "the saved session")],
            arguments: [ArgumentSpec("verify", .bool, default: .bool(true), "stop at the first command whose results differ")],
            logged: false,
            effect: .rerunsLog),
        CommandSpec(
            "branch", area: "Session", "list, create, switch or delete named branches",
            details: "A session holds named branches (the first is main), each with its own data, model, optimizer, schedule, generators, loader, histories and command log. 'branch' lists them; branch new NAME copies the current state (or the state after command from=N, replayed) into NAME and switches to it, keeping the parent; branch switch NAME; branch delete NAME. save and load keep every branch.",
            examples: ["branch", "branch new fix", "branch new retry from=5", "branch switch main", "branch delete retry"],
            subcommands: [
                SubcommandSpec("new", "copy the current state into a new branch and switch to it",
                               positionals: [PositionalSpec("name", .string, "the new branch's name")],
                               arguments: [ArgumentSpec("from", .int, range: Bounds.atLeastOne, "start from the state after command N (see 'history')")]),
                SubcommandSpec("switch", "continue on another branch", positionals: [PositionalSpec("name", .string, "the branch")]),
                SubcommandSpec("delete", "forget a branch (not the one in use)", positionals: [PositionalSpec("name", .string, "the branch")]),
            ],
            subcommandRequired: false, logged: false, effect: .changesExperiment),
        CommandSpec(
            "compare", area: "Session", "overlay branches' curves and compare their settings",
            details: "Draws one chart with a line per branch (all branches, or those named): metric=loss (training loss per step), accuracy (evaluated accuracy per epoch) or lr (per step), in the terminal and as an SVG with the branch names in the legend; then a table of each branch's settings and final figures, the rows that differ marked.",
            examples: ["compare", "compare main fix metric=accuracy"],
            positionals: (1...6).map { PositionalSpec("branch\($0)", .string, required: false, "a branch to include") },
            arguments: [
                ArgumentSpec("metric", .choice(["loss", "accuracy", "lr"]), default: .string("loss"), "what to overlay"),
                CommonArguments.to,
            ],
            logged: false, effect: .writesOutputs),
        CommandSpec(
            "fork", area: "Session", "start a branch from the state after command N",
            details: "Same as 'branch new fork-N from=N': replays the session's commands up to number N (see 'history') into a new branch called fork-N, so you can try something else from there; the current branch is kept.",
            examples: ["fork 5"],
            positionals: [PositionalSpec("n", .int, "command number from 'history'")],
            logged: false,
            effect: .rerunsLog),
        CommandSpec(
            "quit", area: "Session", "leave the workbench (Ctrl-D also quits)",
            examples: ["quit"], aliases: ["exit"], logged: false,
            effect: .shows),
    ]
}
