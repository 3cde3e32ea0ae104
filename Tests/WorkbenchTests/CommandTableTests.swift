import Testing
@testable import ExperimentKit
@testable import Workbench

@Suite struct CommandTableTests {
    let table = CommandTable.standard

    private func invocation(_ line: String) throws -> Invocation {
        try #require(try table.invocation(for: line))
    }

    private func diagnostic(_ line: String) -> Diagnostic? {
        do {
            _ = try table.invocation(for: line)
            return nil
        } catch {
            return error as? Diagnostic
        }
    }

    @Test func helpDoesNotPromiseUltimusDepthsTheModelRefuses() throws {
        let page = table.help(for: try #require(table.command(named: "model")))
        #expect(page.contains("UltimusNet has 4"))
    }

    @Test func missingArgumentsSuggestAnExampleOfTheSameSubcommand() {
        #expect(diagnostic("data folder")?.suggestion == "for example: data folder path=~/images valid=1000")
        #expect(diagnostic("export torch")?.suggestion == "for example: export torch runs/train.py")
        #expect(diagnostic("sched step")?.suggestion == "for example: sched step step_size=10 gamma=0.1")
    }

    @Test(arguments: CommandTable.standard.commands.map(\.name))
    func everyCommandHasHelpAndValidExamples(name: String) throws {
        let spec = try #require(table.command(named: name))
        #expect(!spec.summary.isEmpty)
        #expect(CommandTable.areas.contains(spec.area))
        #expect(!spec.examples.isEmpty)
        for example in spec.examples {
            let inv = try #require(try table.invocation(for: example), "example '\(example)' is blank")
            #expect(inv.command == spec.name)
        }
        let page = table.help(for: spec)
        #expect(page.contains(spec.summary))
        #expect(page.contains(spec.examples[0]))
        for sub in spec.subcommands { #expect(!sub.summary.isEmpty && page.contains(sub.name)) }
        for arg in spec.arguments + spec.subcommands.flatMap(\.arguments) {
            #expect(!arg.help.isEmpty, "\(name) \(arg.name) has no help")
            #expect(page.contains("\(arg.name)="), "help \(name) does not list \(arg.name)")
            if let d = arg.defaultValue, case .choice(let words) = arg.type { #expect(words.contains(d.description)) }
        }
    }

    @Test func namesAreUniqueAndOverviewListsAll() {
        let names = table.commands.flatMap { [$0.name] + $0.aliases }
        #expect(Set(names).count == names.count)
        let overview = table.overview()
        for c in table.commands { #expect(overview.contains(c.name)) }
    }

    @Test func theIssuesCommandsAreAllInTheTable() {
        let expected = [
            "help", "data", "model", "layer", "summary", "optim", "sched", "lrfind", "train", "eval", "history",
            "inspect", "attention", "plot", "save", "load", "export", "import", "run", "set", "quit", "grads",
            "explain", "check", "show", "misclassified", "report", "predict", "timeline", "intervene", "gradcam",
            "replay", "fork", "quiz",
        ]
        for name in expected { #expect(table.command(named: name) != nil, "missing \(name)") }
    }

    @Test func invocationResolvesDefaultsAndTypes() throws {
        let inv = try invocation("optim adam lr=1e-3")
        #expect(inv.key == "optim adam")
        #expect(inv.double("lr") == 0.001)
        #expect(inv.doubles("betas") == [0.9, 0.999])
        #expect(inv.double("eps") == 1e-8)
        #expect(inv.bool("amsgrad") == false)
        #expect(inv.isExplicit("lr") && !inv.isExplicit("betas"))
        #expect(inv.ranges["lr"] == SourceRange(line: 1, start: 11, end: 18))
        let data = try invocation("data cifar10 path=\"my data\" augment=crop,flip batch=128")
        #expect(data.subcommand == "cifar10")
        #expect(data.string("path") == "my data")
        #expect(data.strings("augment") == ["crop", "flip"])
        #expect(data.int("batch") == 128)
        #expect(data.int("subset") == nil)
        #expect(try invocation("train").int("epochs") == nil)
    }

    @Test func positionalsAreStoredByName() throws {
        let inspect = try invocation("inspect conv1.weight[0]")
        #expect(inspect.string("name") == "conv1.weight[0]")
        #expect(try invocation("save script runs/a.ult").key == "save script")
        let save = try invocation("save runs/a.session")
        #expect(save.key == "save" && save.string("path") == "runs/a.session")
        #expect(try invocation("fork 3").int("n") == 3)
        #expect(try invocation("exit").command == "quit")
        #expect(try invocation("model").subcommand == nil)
    }

    @Test func unknownCommandSuggestsTheNearest() {
        let d = diagnostic("trian epochs=3")
        #expect(d?.suggestion == "did you mean 'train'?")
        #expect(d?.range == SourceRange(line: 1, start: 0, end: 5))
        #expect(diagnostic("lrfnd")?.suggestion == "did you mean 'lrfind'?")
    }

    @Test func unknownArgumentSuggestsTheNearest() {
        let d = diagnostic("train epoch=3")
        #expect(d?.summary == "'train' has no argument 'epoch'; did you mean 'epochs'?")
        #expect(d?.range == SourceRange(line: 1, start: 6, end: 11))
        #expect(diagnostic("sched onecycle max_lr=1 pct=0.2")?.suggestion == "did you mean 'pct_start'?")
        #expect(diagnostic("eval zzz=1")?.suggestion == "its arguments are split, subset")
        #expect(diagnostic("optim adam momentum=0.9")?.message.contains("belongs to 'optim sgd'") == true)
    }

    @Test func wrongTypesAndRangesPointAtTheValue() {
        let d = diagnostic("optim adam lr=fast")
        #expect(d?.message == "lr expects a number, got 'fast'")
        #expect(d?.range == SourceRange(line: 1, start: 14, end: 18))
        #expect(diagnostic("train epochs=2.5")?.message == "epochs expects an integer, got '2.5'")
        #expect(diagnostic("train epochs=0")?.message == "epochs must be between 1 and 1000000000000, got 0")
        #expect(diagnostic("sched onecycle max_lr=1 pct_start=1.5")?.range?.start == 34)
        #expect(diagnostic("model ultimus attention=sample,batch")?.message.contains("one value") == true)
        #expect(diagnostic("summary batch=true")?.message == "batch expects an integer, got 'true'")
    }

    @Test func outOfRangeEnumValuesSuggestTheNearest() {
        let d = diagnostic("lrfind mode=lin")
        #expect(d?.summary == "mode must be exp or linear, not 'lin'; did you mean 'linear'?")
        #expect(d?.range?.start == 12)
        #expect(diagnostic("data cifar10 augment=crop,flp")?.suggestion == "did you mean 'flip'?")
        #expect(diagnostic("optim adamm")?.suggestion == "did you mean 'adam'?")
        #expect(diagnostic("data cifar")?.suggestion == "did you mean 'cifar10'?")
    }

    @Test func missingRequiredValuesAndExclusiveArguments() {
        #expect(diagnostic("load")?.message.contains("needs PATH") == true)
        #expect(diagnostic("sched onecycle")?.message.contains("max_lr") == true)
        #expect(diagnostic("optim") == nil, "'optim' alone shows the current optimizer")
        let d = diagnostic("train epochs=1 steps=3")
        #expect(d?.message == "give only one of epochs, steps")
        #expect(d?.range?.start == 15)
        #expect(diagnostic("train epochs=1 epochs=2")?.message == "'epochs' is given twice")
    }

    @Test func strayPositionalsGetAHint() {
        #expect(diagnostic("train 5")?.suggestion == "did you mean 'epochs=5'?")
        #expect(diagnostic("train epochs")?.suggestion == "did you mean 'epochs=...'?")
        #expect(diagnostic("load a b")?.range?.start == 7)
    }

    @Test func editDistanceCountsTranspositionsOnce() {
        #expect(EditDistance.distance("trian", "train") == 1)
        #expect(EditDistance.distance("kitten", "sitting") == 3)
        #expect(EditDistance.distance("", "abc") == 3)
        #expect(EditDistance.closest(to: "zzzz", in: ["train", "eval"]) == nil)
        #expect(EditDistance.closest(to: "misc", in: ["misclassified", "model"]) == "misclassified")
    }

    @Test func helpPagesShowUsageDefaultsAndExamples() throws {
        let spec = try #require(table.command(named: "lrfind"))
        let page = table.help(for: spec)
        #expect(page.hasPrefix("lrfind [start=FLOAT]"))
        #expect(page.contains("mode=exp|linear"))
        #expect(page.contains("(default 1e-7)"))
        let optim = try #require(table.command(named: "optim"))
        let adam = table.help(for: optim, subcommand: "adam")
        #expect(adam.contains("betas=FLOAT,...") && !adam.contains("nesterov"))
    }
}
