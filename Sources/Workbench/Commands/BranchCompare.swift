import Foundation

/// `compare [NAME ...] [metric=loss|accuracy|lr]`: branches' curves in one chart and their settings.
extension BranchCommands {
    static func compare(_ inv: Invocation, _ ctx: ShellContext) throws {
        let set = ctx.session.branches
        let asked = (1...6).compactMap { k in inv.string("branch\(k)").map { (argument: "branch\(k)", name: $0) } }
        for (argument, name) in asked where !set.names.contains(name) {
            throw inv.error("no branch called '\(name)'", at: argument,
                            suggestion: set.suggestion(for: name))
        }
        let names = asked.isEmpty ? set.names : asked.map(\.name)
        let metric = inv.string("metric") ?? "loss"
        let states = try names.map { try state($0, ctx).experiment }
        let chart = try compareChart(zip(names, states).map { ($0, $1) }, metric: metric, inv)
        let style = ctx.style
        ctx.showCharts([chart], columns: 1) { LineChart.render(chart, style: style, height: 12) }
        let path = try ctx.outputFile(inv, defaultName: "compare-\(metric).svg")!
        try SVGChart.write(chart, to: path)
        ctx.console.write(settingsTable(names, states, ctx))
        ctx.console.write("wrote \(path)")
    }

    /// One series per branch: training loss or LR per step, or evaluated accuracy per epoch.
    static func compareChart(_ branches: [(String, Experiment)], metric: String, _ inv: Invocation) throws -> Chart {
        var series: [ChartSeries] = []
        for (name, x) in branches {
            switch metric {
            case "accuracy":
                let epochs = x.history.epochs.filter { $0.testAccuracy != nil }
                series.append(ChartSeries(name: name, x: epochs.map { Double($0.epoch) },
                                          y: epochs.map { $0.testAccuracy! }))
            case "lr":
                series.append(ChartSeries(name: name, x: x.history.steps.map { Double($0.step) },
                                          y: x.history.steps.map(\.lr)))
            default:
                series.append(ChartSeries(name: name, x: x.history.steps.map { Double($0.step) },
                                          y: x.history.steps.map(\.loss)))
            }
        }
        guard series.contains(where: { !$0.y.isEmpty }) else {
            throw inv.error("no branch has \(metric == "accuracy" ? "an evaluated epoch" : "a training step") yet",
                            suggestion: "train first ('train epochs=1')")
        }
        let titles = ["loss": ("training loss per step", "step", "loss"),
                      "accuracy": ("accuracy per epoch (validation, else test)", "epoch", "accuracy %"),
                      "lr": ("learning rate per step", "step", "LR")]
        let (title, xLabel, yLabel) = titles[metric] ?? titles["loss"]!
        return Chart(title: "Branches: " + title, xLabel: xLabel, yLabel: yLabel, series: series,
                     yRange: metric == "accuracy" ? 0...100 : nil)
    }

    /// The settings shared by every branch on one line each, then a table of the branches with the
    /// settings that differ (headed `≠`, bold in colour) and their final figures.
    static func settingsTable(_ names: [String], _ states: [Experiment], _ ctx: ShellContext) -> String {
        let labels = ["data", "model", "optimizer", "schedule"]
        let settings = states.map { x -> [String] in
            let f = facts(x)
            return [f[0], f[1], x.optimizerSettings?.description ?? "-", x.schedule?.description ?? "-"]
        }
        let mark = ctx.console.unicode ? "≠" : "*"
        let differing = labels.indices.filter { r in Set(settings.map { $0[r] }).count > 1 }
        var lines = labels.indices.filter { !differing.contains($0) }.map { r in
            ANSI.truncate("same in every branch: \(labels[r]) \(settings[0][r])", to: ctx.style.width)
        }
        let rows = zip(names, zip(settings, states)).map { name, pair -> [String] in
            let f = facts(pair.1)
            return [name] + differing.map { ctx.console.styled(pair.0[$0], .bold) } + [f[3], f[4], f[5], f[6]]
        }
        let headers = ["branch"] + differing.map { "\(mark) \(labels[$0])" }
            + ["epochs", "best test", "best valid", "last loss"]
        lines.append(Table(headers: headers, rows: rows,
                           rightAligned: headers.indices.map { $0 > differing.count }).render(style: ctx.style))
        if !differing.isEmpty {
            lines.append(ctx.console.styled("\(mark) marks the settings that differ between the branches", .dim))
        }
        return lines.joined(separator: "\n")
    }
}
