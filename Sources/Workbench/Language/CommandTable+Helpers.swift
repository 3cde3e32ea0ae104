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
    static let sample = ArgumentSpec("sample", .int, default: .int(0), range: Bounds.nonNegative,
                                     """
                                     which probe image (0 = the first; 'set probes=' chooses them, one per class \
                                     by default)
                                     """)
    static let index = ArgumentSpec("index", .int, range: Bounds.nonNegative,
                                    "any test image by its index, instead of a probe")
    static let image = ArgumentSpec("image", .path, "an image file (PNG or JPEG), instead of a probe")
    /// `sample=`, `index=`, `image=`: which image a command looks at.
    static let pickImage = [sample, index, image]
    static let fileOutput = [to, force]
}
