extension CommandTable {
    /// `quiz`.
    static let teachingCommands: [CommandSpec] = [
        CommandSpec(
            "quiz", area: "Teaching", "predict, then reveal: questions before selected steps",
            details: "quiz on makes the workbench ask for a prediction before selected steps (a tensor's shape, which axis of the attention map sums to 1, the LR the next batch will use, whether accuracy goes up) and then reveals the answer with the worked computation. The score is kept in the session.",
            examples: ["quiz on", "quiz off", "quiz score"],
            subcommands: [
                SubcommandSpec("on", "start asking"),
                SubcommandSpec("off", "stop asking"),
                SubcommandSpec("score", "show the score so far"),
            ],
            effect: .changesExperiment),
    ]
}
