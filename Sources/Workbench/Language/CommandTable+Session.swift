extension CommandTable {
    /// `help`, `history`, `run`, `set`, `save`, `load`, `export`, `import`, `replay`, `fork`, `quit`.
    static let sessionCommands: [CommandSpec] = [
        CommandSpec(
            "help", area: "Session", "list the commands, or explain one",
            details: "With no argument, lists every command with a one-line summary. With a command name, shows its arguments, their types and defaults, and an example. Tab completes commands, argument names and values everywhere.",
            examples: ["help", "help train", "help optim adam"],
            positionals: [
                PositionalSpec("command", .string, required: false, completion: .command, "the command to explain"),
                PositionalSpec("subcommand", .string, required: false, "one of its subcommands"),
            ],
            logged: false,
            effect: .shows),
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
            details: "seed=N reseeds every generator of the session (weights created afterwards, shuffling, augmentation, dropout). threads=N sets the worker threads of the kernels. out=DIR is where plots, images, reports and autosaves go (default ./ultimus-out). probes=LIST chooses the probe images that attention, explain, intervene, gradcam and the time-lapse look at: test indices and image files, comma-separated (probes=3,57,cat.png); probes=classes restores the default, the first test image of each class. Image files are not kept in saved sessions.",
            examples: ["set seed=1", "set threads=2 out=runs/today", "set probes=3,57,cat.png"],
            arguments: [
                ArgumentSpec("seed", .int, range: Bounds.nonNegative, "seed of the session's generators"),
                ArgumentSpec("threads", .int, range: 1...256, "worker threads for the kernels"),
                ArgumentSpec("out", .path, "folder for generated files"),
                ArgumentSpec("autosave", .path, "autosave file after each epoch (in the output folder), or off"),
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
            "fork", area: "Session", "start a branch from the state after command N",
            details: "Replays the session's commands up to number N (see 'history') into a fresh state, so you can try something else from there.",
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
