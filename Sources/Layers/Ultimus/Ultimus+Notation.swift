extension Ultimus {
    /// The one notation `explain`, `summary` and `help` use for the block's attention (`h` = 8):
    /// per image K, Q, V are row vectors `[1, h]`, S = QᵀK/√h their outer product `[h, h]`,
    /// AM = softmax of each row of S, Z = V·AM `[1, h]`.
    public static func notation(heads h: Int = 8) -> String {
        "per image K, Q, V are rows [1, \(h)]; S = QᵀK/√\(h) [\(h), \(h)] (S[i,j] = Q[i]·K[j]/√\(h)); "
            + "AM = softmax of each row of S (rows sum to 1); Z = V·AM [1, \(h)]"
    }

    /// What Z = V·AM does that standard attention does not.
    public static let columnMixingNote =
        "Z[j] mixes the values along column j of AM, and AM's columns do not sum to 1 "
        + "(standard attention, softmax(QKᵀ/√d)·V, mixes with weights that sum to 1)"
}
