extension Int {
    /// "1 epoch", "24 epochs": the count with the noun in singular or plural (`noun` + "s").
    func counted(_ noun: String) -> String { self == 1 ? "1 \(noun)" : "\(self) \(noun)s" }
}
