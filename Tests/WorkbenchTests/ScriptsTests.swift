import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

extension TrainingTests {
    /// The scripts in sessions/ run through `Shell.runScript`, shrunk to tiny synthetic data.
    @Suite(.serialized) struct ScriptsTests {
        static let sessions = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sessions").path

        /// The script with its data on 64 synthetic images, every schedule and training run one epoch
        /// long, the LR finder short, and commands this build lacks dropped.
        static func shrunk(_ name: String, shell: Shell, folder: String) throws -> String {
            let text = try String(contentsOfFile: sessions + "/" + name, encoding: .utf8)
            var out: [String] = []
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
                let words = line.split(separator: " ").map(String.init)
                guard let first = words.first, !first.hasPrefix("#") else { out.append(line); continue }
                let key = words.count > 1 ? "\(first) \(words[1])" : first
                if shell.handlers[key] == nil, shell.handlers[first] == nil {
                    out.append("# (not in this build) " + line)
                    continue
                }
                switch first {
                case "data": out.append("data synthetic n=20 batch=5")
                case "lrfind": out.append("lrfind iters=12")
                case "save" where words.count > 1 && words[1] != "script":
                    out.append("save \(folder)/\(words[1]) force=true")
                case "summary": out.append(line)
                default:
                    out.append(words.map { $0.hasPrefix("epochs=") ? "epochs=1" : $0 }.joined(separator: " "))
                }
            }
            return out.joined(separator: "\n")
        }

        func run(_ name: String) throws -> (Int32, TrainingBench) {
            let bench = TrainingBench()
            let script = bench.folder + "/" + name
            try Self.shrunk(name, shell: bench.shell, folder: bench.folder)
                .write(toFile: script, atomically: true, encoding: .utf8)
            let code = bench.shell.runScript(path: script, stopOnError: true)
            return (code, bench)
        }

        @Test func everyScriptStartsWithAComment() throws {
            for name in ["quickstart.ult", "s9.ult", "seed-bugs.ult"] {
                let text = try String(contentsOfFile: Self.sessions + "/" + name, encoding: .utf8)
                #expect(text.hasPrefix("# \(name):"))
                #expect(text.split(separator: "\n").prefix(6).contains { $0.contains("minute") })
            }
        }

        @Test func quickstartRuns() throws {
            let (code, bench) = try run("quickstart.ult")
            #expect(code == 0, "\(bench.console.errors)")
            #expect(bench.console.output.contains("Test set: Average loss"))
            #expect(bench.console.output.contains("check model: PASS"))
            #expect(bench.experiment.history.completeEpochs.count == 1)
        }

        @Test func seedBugsFindsTheMistakesAndFixesThem() throws {
            let (code, bench) = try run("seed-bugs.ult")
            #expect(code == 0, "\(bench.console.errors)")
            let out = bench.console.output
            #expect(out.contains("check model: FAIL ultimus1"))
            #expect(out.contains("check model: PASS"))
            #expect(bench.console.errors.contains("final_div_factor 0.04 < 1"))
            #expect(out.components(separatedBy: "check rank:").count == 3)
            #expect(out.contains("Branches: training loss per step"))
            #expect(bench.shell.session.branches.names == ["main", "fix", "bnrelu"])
            #expect(out.contains("≠ model"))
        }

        @Test func s9Runs() throws {
            let (code, bench) = try run("s9.ult")
            #expect(code == 0, "\(bench.console.errors)")
            #expect(bench.experiment.lrFinder != nil)
            #expect(bench.console.output.contains("Test set: Average loss"))
        }
    }
}
