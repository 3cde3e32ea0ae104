/// Numeric ranges used by the command table.
enum Bounds {
    static let positive: ClosedRange<Double> = .leastNonzeroMagnitude ... .greatestFiniteMagnitude
    static let nonNegative: ClosedRange<Double> = 0 ... .greatestFiniteMagnitude
    static let atLeastOne: ClosedRange<Double> = 1 ... .greatestFiniteMagnitude
    /// Counts of epochs, steps, images and batches: up to 10¹², so that products of a count with a
    /// batch or epoch size cannot overflow.
    static let count: ClosedRange<Double> = 1...1e12
    static let unit: ClosedRange<Double> = 0...1
    static let openUnit: ClosedRange<Double> = .leastNonzeroMagnitude...1
}

/// Arguments many commands share.
enum CommonArguments {
    static let to = ArgumentSpec("to", .path, "write the file here instead of the output folder")
    static let force = ArgumentSpec("force", .bool, default: .bool(false), "overwrite a file outside the output folder")
    static let sample = ArgumentSpec("sample", .int, default: .int(0), range: Bounds.nonNegative, "index of the probe image (0 = first test image)")
    static let fileOutput = [to, force]
}
