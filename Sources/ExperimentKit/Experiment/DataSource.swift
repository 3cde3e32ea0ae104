import Autograd

/// Where an experiment finds its data when no `data` settings chose it: the folder given at start-up
/// and the generator that draws the default settings' seed (drawn only when they are picked).
public struct DataSource {
    /// Where datasets are looked for first, if given.
    public var directory: String?
    /// Draws the seed of the default data settings.
    public var drawSeed: () -> UInt64

    public init(directory: String?, drawSeed: @escaping () -> UInt64) {
        self.directory = directory
        self.drawSeed = drawSeed
    }

    /// A source for a run without a shell: `directory` (or none) and seeds from `generator`.
    public static func seeded(_ seed: UInt64, directory: String? = nil) -> DataSource {
        var generator = SeededGenerator(seed: seed)
        return DataSource(directory: directory, drawSeed: { generator.next() })
    }
}
