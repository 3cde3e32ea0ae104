/// Edit distance and "did you mean" suggestions.
public enum EditDistance {
    /// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent
    /// transpositions each cost 1 (`trian` → `train` is 1).
    public static func distance(_ a: String, _ b: String) -> Int {
        let s = Array(a.lowercased()), t = Array(b.lowercased())
        if s.isEmpty { return t.count }
        if t.isEmpty { return s.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: t.count + 1), count: s.count + 1)
        for i in 0...s.count { d[i][0] = i }
        for j in 0...t.count { d[0][j] = j }
        for i in 1...s.count {
            for j in 1...t.count {
                let cost = s[i - 1] == t[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[s.count][t.count]
    }

    /// The candidate closest to `word`, if it is close enough to be a plausible typo
    /// (distance ≤ 1 for short words, ≤ 2 from 5 letters, ≤ 3 from 9), or the only candidate
    /// that `word` is a prefix of. Ties go to the earlier candidate.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        guard !word.isEmpty else { return nil }
        let limit = word.count >= 9 ? 3 : word.count >= 5 ? 2 : 1
        // The distance is at least the difference in length: a long word (a pasted line) skips the
        // O(length²) table for every candidate.
        let length = word.lowercased().count
        var best: (String, Int)?
        for c in candidates where c != word && abs(c.lowercased().count - length) <= limit {
            let d = distance(word, c)
            if d <= limit, d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        if let best { return best.0 }
        let prefixed = candidates.filter { $0.lowercased().hasPrefix(word.lowercased()) }
        return prefixed.count == 1 ? prefixed[0] : nil
    }

    /// `did you mean 'x'?`, or `nil` when nothing is close.
    public static func suggestion(for word: String, in candidates: [String]) -> String? {
        closest(to: word, in: candidates).map { "did you mean '\($0)'?" }
    }
}
