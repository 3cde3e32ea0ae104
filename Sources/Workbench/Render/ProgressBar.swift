import Foundation

/// A progress line in tqdm's default format (tqdm 4.70 `format_meter`), redrawn as work advances.
///
/// With a total:
/// `{desc}: {percentage:3.0f}%|{bar}| {n}/{total} [{elapsed}<{remaining}, {rate}{postfix}]`, e.g. the
/// description `EPOCH = 3 | LR = 0.000617 | Loss = 1.93 | Batch = 97 | Accuracy = 28.41` followed by
/// `: 100%|██████████| 98/98 [01:05<00:00,  1.51it/s]`.
/// Without one (or when `n` passes it): `{desc}: {n}it [{elapsed}, {rate}{postfix}]`.
///
/// The bar is 10 cells wide when `width` is `nil`; otherwise it takes what `width` leaves over (at
/// least 1) and the line is cut to `width`. Cells fill with `█` plus one partial block `▏▎▍▌▋▊▉`
/// (Unicode) or `#` plus one digit of `" 123456789"` (ASCII).
///
/// Rates follow tqdm: `{rate:5.2f}it/s`, or `{1/rate:5.2f}s/it` when an iteration takes longer than
/// a second, `?it/s` before any measurement. While running, the rate is tqdm's exponential moving
/// average (smoothing 0.3) of the iterations and seconds between redraws; the final line uses the
/// average over the whole run. Redraws happen at most every 0.1 s (`mininterval`) and, as in tqdm,
/// only after `miniters` more iterations (adapted from the observed rate).
///
/// The type is pure: the caller supplies the clock (`now`, seconds on any monotonic scale).
public struct ProgressBar: Sendable {
    /// Number of iterations expected (`nil`: unknown; shows the no-total form).
    public var total: Int?
    /// Text before the bar (tqdm's `desc`); the seed's training loop puts its metrics here.
    public var description: String
    /// Text appended after the rate, preceded by `", "` (tqdm's `postfix`).
    public var postfix: String
    /// Use `" 123456789#"` for the bar instead of Unicode eighth blocks.
    public var ascii: Bool
    /// Total line width in columns (tqdm's `ncols`); `nil` gives a 10-cell bar.
    public var width: Int?
    /// The unit after the rate and count (default `it`).
    public var unit: String
    /// Iterations done.
    public private(set) var n: Int = 0
    /// The time the bar started, in the caller's clock.
    public let startTime: Double

    // tqdm's redraw state: the last drawn count and time, and the EMAs of dn, dt and miniters.
    private var lastPrintN = 0
    private var lastPrintT: Double
    private var miniters: Double = 0
    private var emaDn = EMA()
    private var emaDt = EMA()
    private var emaMiniters = EMA()

    /// Minimum seconds between redraws (tqdm's `mininterval`).
    public static let minInterval = 0.1
    /// Redraws further apart than this reset `miniters` (tqdm's `maxinterval`).
    public static let maxInterval = 10.0

    /// - Parameters:
    ///   - total: expected iterations, or `nil` when unknown.
    ///   - description: text before the bar.
    ///   - startTime: the current time in the caller's clock (seconds).
    ///   - ascii: ASCII bar (default `false`).
    ///   - width: total line width (`nil`: 10-cell bar, no cut).
    ///   - unit: iteration unit (default `it`).
    public init(total: Int?, description: String = "", startTime: Double,
                ascii: Bool = false, width: Int? = nil, unit: String = "it") {
        self.total = total
        self.description = description
        self.postfix = ""
        self.ascii = ascii
        self.width = width
        self.unit = unit
        self.startTime = startTime
        self.lastPrintT = startTime
    }

    /// A bar for a terminal of the given style: ASCII when `style.unicode` is off, fitted to `style.width`.
    public init(total: Int?, description: String = "", startTime: Double, style: RenderStyle) {
        self.init(total: total, description: description, startTime: startTime,
                  ascii: !style.unicode, width: style.width)
    }

    /// Advances by `count` iterations at time `now`.
    ///
    /// - Returns: the line to redraw when tqdm would redraw now, else `nil`.
    public mutating func update(_ count: Int = 1, now: Double) -> String? {
        n += count
        guard Double(n - lastPrintN) >= miniters else { return nil }
        let dt = now - lastPrintT
        guard dt >= Self.minInterval else { return nil }
        let dn = n - lastPrintN
        if dt > 0 && dn != 0 {
            emaDn.add(Double(dn))
            emaDt.add(dt)
        }
        if dt >= Self.maxInterval {
            miniters = Double(dn) * Self.minInterval / dt
        } else {
            miniters = emaMiniters.add(Double(dn) * (dt > 0 ? Self.minInterval / dt : 1))
        }
        lastPrintN = n
        lastPrintT = now
        return line(now: now)
    }

    /// The line as tqdm draws it now (smoothed rate; `?it/s` before the first measurement).
    public func line(now: Double) -> String {
        let rate = emaDt.value.map { dt in (emaDn.value ?? 0) / dt }
        return Self.format(n: n, total: total, elapsed: now - startTime, description: description,
                           rate: rate.flatMap { $0 > 0 ? $0 : nil }, postfix: postfix, unit: unit,
                           ascii: ascii, width: width)
    }

    /// The closing line, as tqdm's `close()` draws it: the rate is the average over the whole run.
    public func finalLine(now: Double) -> String {
        Self.format(n: n, total: total, elapsed: now - startTime, description: description,
                    rate: nil, postfix: postfix, unit: unit, ascii: ascii, width: width)
    }
}

/// tqdm's `EMA`: `last = α·x + (1−α)·last`, read as `last / (1 − (1−α)^calls)`, α = 0.3.
private struct EMA: Sendable {
    var last = 0.0
    var calls = 0
    static let alpha = 0.3

    @discardableResult
    mutating func add(_ x: Double) -> Double {
        last = Self.alpha * x + (1 - Self.alpha) * last
        calls += 1
        return value ?? 0
    }

    var value: Double? {
        calls == 0 ? nil : last / (1 - pow(1 - Self.alpha, Double(calls)))
    }
}
