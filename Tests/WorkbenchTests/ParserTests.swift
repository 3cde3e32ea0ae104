import Testing
@testable import ExperimentKit
@testable import Workbench

@Suite struct ParserTests {
    private func parse(_ line: String) throws -> Statement {
        try #require(try Parser.parse(line: line))
    }

    private func diagnostic(_ line: String) -> Diagnostic? {
        do {
            _ = try Parser.parse(line: line)
            return nil
        } catch {
            return error as? Diagnostic
        }
    }

    @Test func blankAndCommentLinesGiveNoStatement() throws {
        #expect(try Parser.parse(line: "") == nil)
        #expect(try Parser.parse(line: "   # nothing") == nil)
    }

    @Test func commandPositionalsAndNamedArguments() throws {
        let s = try parse(#"optim adam lr=1e-3 betas=0.9,0.999 to="a b""#)
        #expect(s.command.text == "optim")
        #expect(s.positionals.map(\.kind) == [.word("adam")])
        let named = s.arguments.compactMap { a in a.label.map { ($0.text, a.value.kind) } }
        #expect(named.map(\.0) == ["lr", "betas", "to"])
        #expect(named[0].1 == .number(0.001, "1e-3"))
        guard case .list(let items) = named[1].1 else { Issue.record("betas is not a list"); return }
        #expect(items.map(\.kind) == [.number(0.9, "0.9"), .number(0.999, "0.999")])
        #expect(named[2].1 == .string("a b"))
    }

    @Test func everyNodeHasItsSourceRange() throws {
        let s = try parse("sched onecycle max_lr=4e-3 pct_start=0.2")
        #expect(s.command.range == SourceRange(line: 1, start: 0, end: 5))
        #expect(s.arguments[0].value.range == SourceRange(line: 1, start: 6, end: 14))
        #expect(s.arguments[1].label?.range == SourceRange(line: 1, start: 15, end: 21))
        #expect(s.arguments[1].value.range == SourceRange(line: 1, start: 22, end: 26))
        #expect(s.arguments[1].range == SourceRange(line: 1, start: 15, end: 26))
        #expect(s.range == SourceRange(line: 1, start: 0, end: 40))
        let list = try parse("optim adam betas=0.9,0.999").arguments[1].value
        #expect(list.range == SourceRange(line: 1, start: 17, end: 26))
    }

    @Test func normalizedTextDropsCommentsAndBlanks() throws {
        #expect(try parse("train   epochs=2   # later").normalizedText == "train epochs=2")
        #expect(try parse(#"save "my file.ult""#).normalizedText == #"save "my file.ult""#)
        #expect(try parse("optim adam betas=0.9,0.99").normalizedText == "optim adam betas=0.9,0.99")
    }

    @Test func statementMustStartWithAWord() {
        let d = diagnostic("3 train")
        #expect(d?.range == SourceRange(line: 1, start: 0, end: 1))
        #expect(d?.message.contains("expected a command name") == true)
    }

    @Test func missingValueAfterEqualsPointsAfterIt() {
        let d = diagnostic("train epochs=")
        #expect(d?.range == SourceRange(line: 1, start: 12, end: 13))
        #expect(d?.message == "missing value after 'epochs='")
    }

    @Test func danglingCommaAndStrayEquals() {
        #expect(diagnostic("optim adam betas=0.9,")?.range?.start == 20)
        #expect(diagnostic("train = 3")?.range?.start == 6)
        #expect(diagnostic("train 3=4")?.message.contains("cannot be an argument name") == true)
    }

    @Test func caretRendersUnderTheColumn() {
        let d = Diagnostic("bad", at: SourceRange(line: 4, start: 6, end: 11), in: "train epoch=3",
                           suggestion: "did you mean 'epochs'?")
        #expect(d.rendered(file: "s.ult") == """
            s.ult:4: error: bad; did you mean 'epochs'?
              train epoch=3
                    ^~~~~
            """)
        #expect(d.rendered(echoLine: false, indent: 6) == "            ^~~~~\nerror: bad; did you mean 'epochs'?")
    }

    @Test func scriptsParseWithLineNumbers() throws {
        let result = Parser.parse(script: "# header\nhelp\n\ntrain epochs=1\n")
        let statements = try result.get()
        #expect(statements.map(\.line) == [2, 4])
        guard case .failure(let d) = Parser.parse(script: "help\nload \"x\n") else {
            Issue.record("expected a failure")
            return
        }
        #expect(d.range?.line == 2)
    }
}
