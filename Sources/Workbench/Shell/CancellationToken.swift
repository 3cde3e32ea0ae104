import Synchronization

/// A Ctrl-C flag for one shell: raised by a signal handler or another thread, polled by long
/// commands between batches, cleared when a top-level command starts. Lock-free, so a signal
/// handler may raise it.
@available(macOS 15.0, *)
public final class CancellationToken: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    /// Whether a stop was asked for since the last ``clear()``.
    public var isRaised: Bool { flag.load(ordering: .acquiring) }

    public func raise() { flag.store(true, ordering: .releasing) }

    public func clear() { flag.store(false, ordering: .releasing) }
}
