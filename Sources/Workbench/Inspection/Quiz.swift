import ExperimentKit
import Foundation
import Layers

/// One "predict, then reveal" question: the prompt, how to grade an answer, and the worked answer.
public struct QuizQuestion {
    public var prompt: String
    /// The answer with its computation, shown after the learner's guess.
    public var reveal: String
    /// Whether a typed answer is right.
    public var grade: (String) -> Bool

    public init(prompt: String, reveal: String, grade: @escaping (String) -> Bool) {
        self.prompt = prompt
        self.reveal = reveal
        self.grade = grade
    }

    /// "What shape is NAME?": any spelling with the right numbers in order (`[16, 3, 3, 3]`, `16x3x3x3`).
    public static func shape(of name: String, shape: [Int], why: String) -> QuizQuestion {
        QuizQuestion(prompt: "What shape is \(name)? (e.g. 16,3,3,3)",
                     reveal: "\(name) has shape \(shape): \(why)",
                     grade: { numbers(in: $0).map { Int($0) } == shape })
    }

    /// "Which axis of AM sums to 1?": the rows (softmax over j, the last axis).
    public static func attentionAxis(block: String, rowSums: [Double]) -> QuizQuestion {
        let sums = rowSums.map { String(format: "%.3f", $0) }.joined(separator: " ")
        return QuizQuestion(
            prompt: "In \(block)'s map AM[i, j] = softmax over j of Q[i]·K[j]/√8: "
                + "do its rows or its columns sum to 1?",
            reveal: "the rows: the softmax normalises over j, the last axis, so Σⱼ AM[i, j] = 1 for every query "
                + "slot i (row sums here: \(sums)); column sums are free, and say how much each key slot is "
                + "attended to overall.",
            grade: { a in
                let t = a.lowercased()
                return t.contains("row") || t == "j" || t.contains("last") || t == "-1" || t == "2" || t == "dim=-1"
            })
    }

    /// "What LR will the next batch use?": within 5% counts as right.
    public static func nextLR(step: Int, lr: Double, working: String) -> QuizQuestion {
        QuizQuestion(prompt: "What learning rate will the next batch (step \(step)) use?",
                     reveal: String(format: "%.6g", lr) + ": " + working,
                     grade: { a in numbers(in: a).first.map { abs($0 - lr) <= 0.05 * abs(lr) } ?? false })
    }

    /// "Will the accuracy go up?": graded after the epoch.
    public static func accuracyUp(previous: Double, split: String) -> QuizQuestion {
        QuizQuestion(prompt: String(format: "Will the %@ accuracy after the next epoch be higher than %.2f%%? (y/n)",
                                    split, previous),
                     reveal: "", grade: { _ in false })
    }

    /// The numbers in `text` (`1e-3`, `-0.5`, `16`).
    static func numbers(in text: String) -> [Double] {
        var out: [Double] = []
        var current = ""
        for ch in text + " " {
            if ch.isNumber || ch == "." || ch == "-" || ch == "+" || ((ch == "e" || ch == "E") && !current.isEmpty) {
                current.append(ch)
            } else {
                if let v = Double(current) { out.append(v) }
                current = ""
            }
        }
        return out
    }

    /// Whether `answer` means yes.
    static func yes(_ answer: String) -> Bool? {
        let t = answer.trimmingCharacters(in: .whitespaces).lowercased()
        if ["y", "yes", "up", "higher", "true", "1"].contains(t) { return true }
        if ["n", "no", "down", "lower", "false", "0"].contains(t) { return false }
        return nil
    }
}

/// The worked computation of a schedule's LR at a step.
public enum LRWorking {
    public static func explain(_ schedule: LRSchedule?, optimizerLR: Double, step: Int)
        -> (lr: Double, working: String)?
    {
        guard let schedule else { return (optimizerLR, "there is no schedule, so the LR stays at the optimizer's") }
        guard let lr = try? schedule.lr(atStep: step) else { return nil }
        guard let one = schedule as? OneCycleLR else { return (lr, "\(schedule.description) at step \(step)") }
        let ends = one.phaseEnds
        let points = one.threePhase
            ? [one.initialLR, one.maxLR, one.initialLR, one.minLR] : [one.initialLR, one.maxLR, one.minLR]
        var start = 0.0
        var k = ends.count - 1
        for (i, end) in ends.enumerated() where Double(step) <= end { k = i; break }
        if k > 0 { start = ends[k - 1] }
        let pct = (Double(step) - start) / (ends[k] - start)
        let (a, b) = (points[k], points[k + 1])
        let f = { (v: Double) in String(format: "%.6g", v) }
        let formula = one.annealStrategy == .cos
            ? "end + (start − end)/2·(1 + cos(π·pct)) = "
                + "\(f(b)) + (\(f(a)) − \(f(b)))/2·(1 + cos(π·\(f(pct))))"
            : "start + (end − start)·pct = \(f(a)) + (\(f(b)) − \(f(a)))·\(f(pct))"
        return (lr, "OneCycleLR phase \(k + 1) runs from step \(f(start)) to \(f(ends[k])) "
                + "and anneals \(f(a)) → \(f(b)); "
                + "pct = (\(step) − \(f(start)))/(\(f(ends[k])) − \(f(start))) = \(f(pct)); "
                + "lr = \(formula) = \(f(lr))")
    }
}

/// The quiz of one session: on or off, and the score.
public final class QuizState {
    public var enabled = false
    public private(set) var asked = 0
    public private(set) var correct = 0
    /// Reads the learner's answer to a prompt; `nil` when input is not interactive (the question is
    /// then shown with its answer and not scored). Tests replace it.
    public var reader: ((String) -> String?)?

    public init() {}

    /// Records a graded answer.
    public func score(_ right: Bool) {
        asked += 1
        if right { correct += 1 }
    }

    /// What a session file keeps.
    var record: SessionRecord.QuizRecord { .init(enabled: enabled, asked: asked, correct: correct) }

    /// Takes the state saved in a session file (off with no score when the file has none).
    func restore(_ record: SessionRecord.QuizRecord?) {
        enabled = record?.enabled ?? false
        asked = max(0, record?.asked ?? 0)
        correct = min(asked, max(0, record?.correct ?? 0))
    }

    /// `3 of 4 right (75%)`.
    public var summary: String {
        guard asked != 0 else { return "no questions answered yet" }
        return "\(correct) of \(asked) right (\(Int((100 * Double(correct) / Double(asked)).rounded()))%)"
    }

    private weak var owner: Session?
    nonisolated(unsafe) private static var states: [ObjectIdentifier: QuizState] = [:]

    /// The quiz kept with `session` (created on first use; a new session at a reused address
    /// gets a fresh one).
    public static func of(_ session: Session) -> QuizState {
        let key = ObjectIdentifier(session)
        if let s = states[key], s.owner === session { return s }
        states = states.filter { $0.value.owner != nil }
        let s = QuizState()
        s.owner = session
        states[key] = s
        return s
    }
}
