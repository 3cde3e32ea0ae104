import Testing
@testable import ExperimentKit
@testable import Workbench

@Suite struct LexerTests {
    private func kinds(_ line: String) throws -> [Token.Kind] { try Lexer.tokenize(line).map(\.kind) }
    private func texts(_ line: String) throws -> [String] { try Lexer.tokenize(line).map(\.text) }

    @Test func numbersInEveryNotation() throws {
        let tokens = try Lexer.tokenize("x 3 -0.5 1e-3 .5 +2 4E+2")
        #expect(tokens.map(\.kind) == [.word, .number, .number, .number, .number, .number, .number])
        #expect(tokens.compactMap(\.number) == [3, -0.5, 0.001, 0.5, 2, 400])
    }

    @Test func wordsThatLookAlmostNumeric() throws {
        #expect(try kinds("5epochs 1.2.3 e5 - 0x10 inf nan") == [.word, .word, .word, .word, .word, .word, .word])
    }

    @Test func keyValueAndCommaListsSplitIntoTokens() throws {
        #expect(try texts("optim adam betas=0.9,0.999") == ["optim", "adam", "betas", "=", "0.9", ",", "0.999"])
        #expect(try kinds("a=b,c") == [.word, .equals, .word, .comma, .word])
    }

    @Test func dottedNamesAndSubscriptsStayOneWord() throws {
        #expect(try texts("inspect conv1.weight[0] act.ultimus2.q w[0,1] w[:, 2]")
            == ["inspect", "conv1.weight[0]", "act.ultimus2.q", "w[0,1]", "w[:, 2]"])
    }

    @Test func commentsRunToEndOfLineOnlyAtTokenStart() throws {
        #expect(try texts("train epochs=2 # two more") == ["train", "epochs", "=", "2"])
        #expect(try texts("# whole line").isEmpty)
        #expect(try texts("load run#3.ult") == ["load", "run#3.ult"])
    }

    @Test func quotedStringsWithEscapesAndRanges() throws {
        let tokens = try Lexer.tokenize(#"load "my runs/a b.ult" 'it\'s'"#)
        #expect(tokens.map(\.kind) == [.word, .string, .string])
        #expect(tokens[1].text == "my runs/a b.ult")
        #expect(tokens[2].text == "it's")
        #expect(tokens[1].range == SourceRange(line: 1, start: 5, end: 22))
    }

    @Test func rangesAreCharacterColumns() throws {
        let tokens = try Lexer.tokenize("  héllo lr=1", lineNumber: 7)
        #expect(tokens[0].range == SourceRange(line: 7, start: 2, end: 7))
        #expect(tokens[1].range == SourceRange(line: 7, start: 8, end: 10))
        #expect(tokens[3].range == SourceRange(line: 7, start: 11, end: 12))
    }

    @Test func unterminatedStringPointsAtTheOpeningQuote() {
        #expect {
            try Lexer.tokenize(#"load "runs/a.ult"#)
        } throws: { error in
            let d = error as? Diagnostic
            return d?.range == SourceRange(line: 1, start: 5, end: 6) && d?.message == "unterminated string"
        }
    }

    @Test func unbalancedBracketsAreErrors() {
        #expect(throws: Diagnostic.self) { try Lexer.tokenize("inspect w[0") }
        #expect(throws: Diagnostic.self) { try Lexer.tokenize("inspect w]0") }
    }
}
