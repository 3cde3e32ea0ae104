import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

/// Expected strings were produced by tqdm 4.70.1 (`tqdm.format_meter`, and a `tqdm` object driven by a
/// fake clock) in the PyTorch venv.
@Suite struct RenderProgressBarTests {
    @Test func formatMeter_MatchesTqdm() {
        let seedDesc = "EPOCH = 3 | LR = 0.000617 | Loss = 1.93 | Batch = 97 | Accuracy = 28.41"
        let cases: [(String, String)] = [
            (ProgressBar.format(n: 49, total: 98, elapsed: 7.7, rate: 6.36),
             " 50%|█████     | 49/98 [00:07<00:07,  6.36it/s]"),
            (ProgressBar.format(n: 98, total: 98, elapsed: 65.3, description: seedDesc),
             seedDesc + ": 100%|██████████| 98/98 [01:05<00:00,  1.50it/s]"),
            (ProgressBar.format(n: 3, total: 98, elapsed: 9.0),
             "  3%|▎         | 3/98 [00:09<04:45,  3.00s/it]"),
            (ProgressBar.format(n: 49, total: nil, elapsed: 7.7), "49it [00:07,  6.36it/s]"),
            (ProgressBar.format(n: 0, total: 98, elapsed: 0), "  0%|          | 0/98 [00:00<?, ?it/s]"),
            (ProgressBar.format(n: 1, total: 3, elapsed: 4000.5),
             " 33%|███▎      | 1/3 [1:06:40<2:13:21, 4000.50s/it]"),
            (ProgressBar.format(n: 37, total: 98, elapsed: 12.34, ascii: true),
             " 38%|###7      | 37/98 [00:12<00:20,  3.00it/s]"),
            (ProgressBar.format(n: 37, total: 98, elapsed: 12.34, description: "Loss=1.2345 Batch_id=48", width: 80),
             "Loss=1.2345 Batch_id=48:  38%|██████▊           | 37/98 [00:12<00:20,  3.00it/s]"),
            (ProgressBar.format(n: 37, total: 98, elapsed: 12.34, description: "train", ascii: true, width: 60),
             "train:  38%|######          | 37/98 [00:12<00:20,  3.00it/s]"),
            (ProgressBar.format(n: 37, total: 98, elapsed: 12.34,
                                description: "a rather long description that overflows", width: 30),
             "a rather long description that"),
            (ProgressBar.format(n: 5, total: 7, elapsed: 0.25, postfix: "loss=1.23, acc=55.2"),
             " 71%|███████▏  | 5/7 [00:00<00:00, 20.00it/s, loss=1.23, acc=55.2]"),
            (ProgressBar.format(n: 100, total: 98, elapsed: 10), "100it [00:10, 10.00it/s]"),
            (ProgressBar.format(n: 2, total: 1000, elapsed: 3.0, rate: 0.5),
             "  0%|          | 2/1000 [00:03<33:16,  2.00s/it]"),
            (ProgressBar.format(n: 1, total: 8, elapsed: 0.001),
             " 12%|█▎        | 1/8 [00:00<00:00, 1000.00it/s]"),
            (ProgressBar.format(n: 391, total: 391, elapsed: 7384.0, ascii: true),
             "100%|##########| 391/391 [2:03:04<00:00, 18.88s/it]"),
            (ProgressBar.format(n: 37, total: 98, elapsed: 12.34, width: 0),
             " 38% 37/98 [00:12<00:20,  3.00it/s]"),
        ]
        for (got, want) in cases { #expect(got == want) }
    }

    @Test func intervalAndRate_FollowTqdmRules() {
        #expect(ProgressBar.formatInterval(0) == "00:00")
        #expect(ProgressBar.formatInterval(59.99) == "00:59")
        #expect(ProgressBar.formatInterval(3599) == "59:59")
        #expect(ProgressBar.formatInterval(3600) == "1:00:00")
        #expect(ProgressBar.formatInterval(-61) == "-01:01")
        #expect(ProgressBar.formatRate(nil) == "?it/s")
        #expect(ProgressBar.formatRate(1.0) == " 1.00it/s")   // 1/rate == 1 is not > 1
        #expect(ProgressBar.formatRate(0.999) == " 1.00s/it")
        #expect(ProgressBar.formatRate(123.456) == "123.46it/s")
    }

    /// 98 steps of 0.35…0.85 s: every redraw of a tqdm bar with a fake clock, plus the close line.
    @Test func meter_SlowSteps_MatchesTqdmRedraws() {
        var times = [100.0]
        for i in 0..<98 { times.append(times.last! + 0.6 + 0.25 * sin(Double(i) * 0.7)) }
        let lines = drive(times: times, total: 98, description: "EPOCH = 1", ascii: false, width: nil)
        let expected: [Int: String] = [
            0: "EPOCH = 1:   0%|          | 0/98 [00:00<?, ?it/s]",
            1: "EPOCH = 1:   1%|          | 1/98 [00:00<00:58,  1.67it/s]",
            2: "EPOCH = 1:   2%|▏         | 2/98 [00:01<01:06,  1.44it/s]",
            3: "EPOCH = 1:   3%|▎         | 3/98 [00:02<01:12,  1.31it/s]",
            9: "EPOCH = 1:   9%|▉         | 9/98 [00:05<00:43,  2.06it/s]",
            10: "EPOCH = 1:  10%|█         | 10/98 [00:06<00:45,  1.92it/s]",
            48: "EPOCH = 1:  49%|████▉     | 48/98 [00:29<00:33,  1.48it/s]",
            49: "EPOCH = 1:  50%|█████     | 49/98 [00:30<00:35,  1.40it/s]",
            97: "EPOCH = 1:  99%|█████████▉| 97/98 [00:58<00:00,  1.82it/s]",
            98: "EPOCH = 1: 100%|██████████| 98/98 [00:58<00:00,  2.02it/s]",
            99: "EPOCH = 1: 100%|██████████| 98/98 [00:58<00:00,  1.66it/s]",
        ]
        #expect(lines.count == 100)
        for (i, want) in expected where i < lines.count { #expect(lines[i] == want, "line \(i)") }
    }

    /// 500 fast steps (13–53 ms): tqdm skips redraws through `mininterval` and adaptive `miniters`.
    @Test func meter_FastSteps_SkipsRedrawsLikeTqdm() {
        var times = [5.0]
        for i in 0..<500 { times.append(times.last! + 0.013 + 0.01 * Double((i * 7) % 5)) }
        let lines = drive(times: times, total: 500, description: "", ascii: true, width: 70)
        let expected: [Int: String] = [
            0: "  0%|                                         | 0/500 [00:00<?, ?it/s]",
            1: "  1%|2                                | 4/500 [00:00<00:15, 32.79it/s]",
            2: "  2%|5                                | 8/500 [00:00<00:16, 29.90it/s]",
            3: "  2%|7                               | 12/500 [00:00<00:15, 32.30it/s]",
            24: " 19%|######1                         | 96/500 [00:03<00:13, 30.96it/s]",
            25: " 20%|######2                        | 100/500 [00:03<00:13, 29.40it/s]",
            100: " 80%|########################8      | 400/500 [00:13<00:03, 29.40it/s]",
            125: "100%|###############################| 500/500 [00:16<00:00, 29.40it/s]",
            126: "100%|###############################| 500/500 [00:16<00:00, 30.30it/s]",
        ]
        #expect(lines.count == 127)
        for (i, want) in expected where i < lines.count { #expect(lines[i] == want, "line \(i)") }
        #expect(lines.allSatisfy { ANSI.displayWidth($0) <= 70 })
    }

    @Test func style_DegradesToASCIIAndFitsWidth() {
        let style = RenderStyle(color: false, unicode: false, width: 50)
        var bar = ProgressBar(total: 10, description: "eval", startTime: 0, style: style)
        _ = bar.update(4, now: 2)
        let line = bar.line(now: 2)
        #expect(ANSI.displayWidth(line) == 50)
        #expect(line.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(line.hasPrefix("eval:  40%|###2    | 4/10"))
    }

    private func drive(times: [Double], total: Int, description: String, ascii: Bool, width: Int?) -> [String] {
        var bar = ProgressBar(total: total, description: description, startTime: times[0], ascii: ascii, width: width)
        var lines = [bar.line(now: times[0])]
        for t in times.dropFirst() {
            if let line = bar.update(now: t) { lines.append(line) }
        }
        lines.append(bar.finalLine(now: times.last!))
        return lines
    }
}
