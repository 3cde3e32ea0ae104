import Foundation

extension ProgressBar {
    /// The seed notebook's training description:
    /// `EPOCH = 3 | LR = 0.000617 | Loss = 1.93 | Batch = 97 | Accuracy = 28.41`
    /// (LR with 6 decimals, loss and accuracy in percent with 2; `batch` is the 0-based batch index).
    public static func trainingDescription(epoch: Int, lr: Double, loss: Double, batch: Int,
                                           accuracy: Double) -> String {
        String(format: "EPOCH = %d | LR = %.6f | Loss = %.2f | Batch = %d | Accuracy = %.2f",
               epoch, lr, loss, batch, accuracy)
    }

    /// One progress line from its numbers (tqdm's `format_meter` with the default `bar_format`).
    ///
    /// - Parameters:
    ///   - n: iterations done.
    ///   - total: expected iterations; `nil`, 0, or `n ≥ total + 0.5` gives the no-total form.
    ///   - elapsed: seconds since the start.
    ///   - description: tqdm's `desc`; followed by `": "` unless it already ends so.
    ///   - rate: iterations per second; `nil` uses `n / elapsed` (or `?` when `elapsed` is 0).
    ///   - postfix: appended after the rate as `", postfix"`.
    ///   - unit: iteration unit.
    ///   - ascii: ASCII bar characters.
    ///   - width: total width (`ncols`); `nil` gives a 10-cell bar.
    public static func format(n: Int, total: Int?, elapsed: Double, description: String = "",
                              rate: Double? = nil, postfix: String = "", unit: String = "it",
                              ascii: Bool = false, width: Int? = nil) -> String {
        var total = total
        if let t = total, t == 0 || Double(n) >= Double(t) + 0.5 { total = nil }
        let elapsedText = formatInterval(elapsed)
        let rate = rate ?? (elapsed != 0 ? Double(n) / elapsed : nil)
        let rateText = formatRate(rate, unit: unit)
        let post = postfix.isEmpty ? "" : ", " + postfix
        var left = ""
        if !description.isEmpty {
            left = description.hasSuffix(": ") ? description : description + ": "
        }
        guard let total else {
            let line = "\(left)\(n)\(unit) [\(elapsedText), \(rateText)\(post)]"
            return width.map { ANSI.truncate(line, to: $0) } ?? line
        }
        let remaining = rate.map { formatInterval(Double(total - n) / $0) } ?? "?"
        let fraction = Double(n) / Double(total)
        left += String(format: "%3.0f%%|", fraction * 100)
        let right = "| \(n)/\(total) [\(elapsedText)<\(remaining), \(rateText)\(post)]"
        if width == 0 { return String(left.dropLast()) + String(right.dropFirst()) }
        let cells = width.map { max(1, $0 - ANSI.displayWidth(left + right)) } ?? 10
        let line = left + bar(fraction: fraction, cells: cells, ascii: ascii) + right
        return width.map { ANSI.truncate(line, to: $0) } ?? line
    }

    /// tqdm's `Bar`: `cells` characters, full blocks then one partial block then spaces.
    ///
    /// Unicode uses eighths (`" ▏▎▍▌▋▊▉█"`), ASCII uses tenths (`" 123456789#"`):
    /// `full, part = divmod(Int(fraction · cells · k), k)` with k = 8 or 10.
    public static func bar(fraction: Double, cells: Int, ascii: Bool) -> String {
        let charset: [Character] = ascii
            ? Array(" 123456789#")
            : [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]
        let k = charset.count - 1
        let f = min(1, max(0, fraction))
        let units = Int(f * Double(cells) * Double(k))
        let full = units / k, part = units % k
        var s = String(repeating: charset[k], count: full)
        if full < cells {
            s.append(charset[part])
            s += String(repeating: " ", count: cells - full - 1)
        }
        return s
    }

    /// Seconds as tqdm's clock: `MM:SS`, or `H:MM:SS` from one hour, truncated to whole seconds.
    public static func formatInterval(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let sign = seconds < 0 ? "-" : ""
        let t = Int(abs(seconds))
        let h = t / 3600, m = (t / 60) % 60, s = t % 60
        return h > 0
            ? sign + String(format: "%d:%02d:%02d", h, m, s)
            : sign + String(format: "%02d:%02d", m, s)
    }

    /// tqdm's `rate_fmt`: `{rate:5.2f}it/s`, or `{1/rate:5.2f}s/it` when `1/rate > 1`; `?it/s` for `nil`.
    public static func formatRate(_ rate: Double?, unit: String = "it") -> String {
        guard let rate, rate != 0, rate.isFinite else { return "?\(unit)/s" }
        let inverse = 1 / rate
        return inverse > 1
            ? String(format: "%5.2f", inverse) + "s/\(unit)"
            : String(format: "%5.2f", rate) + "\(unit)/s"
    }
}
