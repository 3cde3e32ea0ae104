import Synchronization

/// One shell's Ctrl-C: raised by a signal handler or a Jupyter `interrupt_request`, polled by long
/// commands, which stop at the next batch. Each shell has its own, so two shells in one process
/// (tests, a kernel beside a script) never stop each other. Lock-free, so a signal handler may
/// raise it.
public final class CancellationToken: Sendable {
    private let raised = Atomic<Bool>(false)

    public init() {}

    public var isRaised: Bool { raised.load(ordering: .sequentiallyConsistent) }

    public func raise() { raised.store(true, ordering: .sequentiallyConsistent) }

    public func clear() { raised.store(false, ordering: .sequentiallyConsistent) }
}
