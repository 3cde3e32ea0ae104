extension CommandTable {
    /// `train`, `lrfind`, `eval`, `check`, `predict`.
    static let trainingCommands: [CommandSpec] = [
        CommandSpec(
            "train", area: "Training", "train N more epochs or steps",
            details: "Epochs are numbered from 1 and continue across commands and across save/load. Each epoch shows a tqdm-style progress line, then the test (or validation) line. Ctrl-C stops at the next batch and records the partial epoch. A NaN or exploding loss stops training and names the step, the LR and the layer whose gradient blew up.",
            examples: ["train epochs=1", "train steps=20", "train epochs=20 eval_every=5 eval_subset=1000",
                       "train epochs=30 target_valid_acc=70 patience=3 best=true"],
            arguments: [
                ArgumentSpec("epochs", .int, range: Bounds.count, "number of further epochs (default 1)"),
                ArgumentSpec("steps", .int, range: Bounds.count, "number of further batches"),
                ArgumentSpec("eval_every", .int, default: .int(1), range: Bounds.atLeastOne, "evaluate after every K-th epoch (and the last)"),
                ArgumentSpec("eval_subset", .int, range: Bounds.atLeastOne, "evaluate a stratified seeded sample of N images"),
                ArgumentSpec("target_valid_acc", .float, range: 0...100, "stop when validation accuracy (%) reaches X"),
                ArgumentSpec("patience", .int, range: Bounds.atLeastOne, "stop after P evaluated epochs without improvement"),
                ArgumentSpec("best", .bool, default: .bool(false), "keep the best weights (by validation accuracy)"),
            ],
            exclusive: [["epochs", "steps"]],
            effect: .changesExperiment),
        CommandSpec(
            "lrfind", area: "Training", "LR range test: sweep the LR and suggest one",
            details: "torch-lr-finder's semantics: raises the LR from start to end over iters batches (exponentially or linearly), smooths the loss (smooth=0: the raw loss), stops when it exceeds diverge× the best, and suggests LRs: the steepest gradient (torch-lr-finder's, skipping the first 10 and last 5 points) and minimum/10 and valley (fastai's, over the points from iters/10 to the last 5), each kept inside the swept range. It warns when the loss never fell. The terminal chart clips the divergence tail at 1.5× the first loss. Afterwards the model, optimizer, generators and loader position are exactly as before.",
            examples: ["lrfind", "lrfind start=1e-7 end=10 iters=100 mode=exp"],
            arguments: [
                ArgumentSpec("start", .float, default: .float(1e-7), range: Bounds.positive, "first learning rate"),
                ArgumentSpec("end", .float, default: .float(10), range: Bounds.positive, "last learning rate"),
                ArgumentSpec("iters", .int, default: .int(100), range: 2...100_000, "number of batches"),
                ArgumentSpec("mode", .choice(["exp", "linear"]), default: .string("exp"), "how the LR grows"),
                ArgumentSpec("smooth", .float, default: .float(0.05), range: 0...0.999, "EMA factor of the loss (0 = none)"),
                ArgumentSpec("diverge", .float, default: .float(5), range: 1 ... .greatestFiniteMagnitude, "stop when loss > diverge × best"),
            ],
            effect: .changesExperiment),
        CommandSpec(
            "eval", area: "Training", "evaluate on the test, validation or training split",
            details: "Runs the model in eval mode over a split and prints the seed's line with the true mean loss: Test set: Average loss: 1.2345, Accuracy: 5678/10000 (56.78%). Active interventions apply.",
            examples: ["eval", "eval split=valid", "eval subset=1000"],
            arguments: [
                ArgumentSpec("split", .choice(["test", "valid", "train"]), default: .string("test"), "which split"),
                ArgumentSpec("subset", .int, range: Bounds.atLeastOne, "a stratified seeded sample of N images (the same ones each time)"),
            ],
            effect: .changesExperiment),
        CommandSpec(
            "restore", area: "Training", "bring back the best weights kept by 'train ... best=true'",
            details: "restore best loads the weights of the epoch with the best validation (else test) accuracy kept during 'train ... best=true'. The optimizer state, schedule position and histories stay as they are.",
            examples: ["restore best"],
            subcommands: [SubcommandSpec("best", "the best epoch's weights")],
            effect: .changesExperiment),
        CommandSpec(
            "rollback", area: "Training", "return to the last good state after a guard stop",
            details: "After training stopped at a NaN or exploding loss, returns the whole branch (weights, optimizer, schedule, generators, loader, histories, command log) to the state at the last finished epoch or at the start of that 'train', names the LR that caused the stop and suggests one from the LR finder.",
            examples: ["rollback"],
            effect: .changesExperiment),
        CommandSpec(
            "check", area: "Training", "check the model: batch independence, or the rank of each layer",
            details: "check model runs a batch-composition test in eval mode (an image's output must not change with its batch-mates) and prints PASS or FAIL naming the first layer that breaks it; it uses 64 images unless batch= is given. check rank uses up to 512 test images (batch= to change) and reports the effective rank of each layer's output over a batch from its singular values, against the true bound for an Ultimus block (h + 1 = 9: fc_out of 8 numbers plus a bias), and warns when a stack of linear layers collapses. A FAIL is a finding, not an error.",
            examples: ["check model", "check rank batch=256"],
            arguments: [ArgumentSpec("batch", .int, default: .int(64), range: 2...10_000, "images used (check model: 64; check rank: up to 512)")],
            subcommands: [
                SubcommandSpec("model", "an image's output must not depend on its batch-mates"),
                SubcommandSpec("rank", "effective rank of each layer's output"),
            ],
            effect: .changesExperiment),
        CommandSpec(
            "predict", area: "Training", "classify your own image",
            details: "Reads a PNG or JPEG of any size, resizes it to 32×32, and shows the top-5 classes with probabilities and the image's attention maps.",
            examples: ["predict photos/cat.jpg"],
            positionals: [PositionalSpec("path", .path, "a PNG or JPEG image")],
            arguments: [ArgumentSpec("top", .int, default: .int(5), range: 1...1000, "classes shown")],
            effect: .shows),
    ]
}
