/// A network layer or container with PyTorch's naming: ordered, explicitly declared parameters,
/// buffers and children, joined with `.` into keys such as `ultimus1.fc_k.weight`.
///
/// Subclasses override ``localParameters``, ``localBuffers`` and ``children`` with literal keys
/// (no reflection), and ``forward(_:)``. The order of the lists is the order of PyTorch's
/// `named_parameters()` and `state_dict()`: a module's own parameters, then its buffers, then its
/// children's entries, child by child. Optimizer state is identified by that order.
open class Module {
    /// Whether the module is in training mode (`model.train()`) or evaluation mode (`model.eval()`).
    public private(set) var isTraining = true
    /// Where activations go when recording is on; `nil` otherwise, so training pays nothing.
    var recorder: ActivationRecorder?
    /// This module's dotted name below the recording root (empty for the root).
    var recordingPrefix = ""
    /// The name its output is recorded under, or `nil` when its parent records it another way.
    var recordingOutputName: String?

    public init() {}

    /// This module's own parameters, in declaration order, under their PyTorch names (`weight`, `bias`).
    open var localParameters: [(String, Tensor)] { [] }
    /// This module's own buffers (`running_mean`, `num_batches_tracked`), in declaration order.
    open var localBuffers: [(String, Buffer)] { [] }
    /// Direct submodules in registration order, under their PyTorch attribute names.
    open var children: [(String, Module)] { [] }
    /// The class name shown in summaries (`Conv2d`, `Ultimus`).
    open var typeName: String { String(describing: type(of: self)) }

    /// The computation: input to output, recorded on the tape when gradients are on.
    open func forward(_ x: Tensor) -> Tensor { x }

    /// The name under which a child's output is recorded (`nil`: not recorded). Defaults to the
    /// child's own name; a module that exposes the value under another name overrides this.
    open func recordingName(ofChild name: String) -> String? { name }

    /// Checks that an input of `shape` fits, before any op runs. By default the first child
    /// decides (a container's first layer sees the input).
    /// - Throws: ``ShapeError`` naming the expected shape.
    open func validateInput(shape: [Int]) throws {
        try children.first?.1.validateInput(shape: shape)
    }

    /// Runs ``forward(_:)``, recording the output under this module's name when recording is on.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        if let tracer = SummaryTracer.active { return tracer.trace(self, x) { self.recordedForward($0) } }
        return recordedForward(x)
    }

    private func recordedForward(_ x: Tensor) -> Tensor {
        guard let recorder else { return forward(x) }
        if recorder.root == ObjectIdentifier(self) { recorder.entries.removeAll() }
        let y = forward(x)
        if recorder.root != ObjectIdentifier(self), let name = recordingOutputName { recorder.append(name, y) }
        return y
    }

    /// Sets this module's own mode only (for restoring a saved mix of modes).
    func setTrainingFlag(_ mode: Bool) { isTraining = mode }

    /// Records `tensor` as `<this module's name>.<name>` when recording is on (no cost otherwise).
    /// For intermediate values a module wants to expose, such as Ultimus's `k` or `attention`.
    public func record(_ name: String, _ tensor: @autoclosure () -> Tensor) {
        guard let recorder else { return }
        recorder.append(recordingPrefix.isEmpty ? name : recordingPrefix + "." + name, tensor())
    }

    /// Sets training mode on this module and every descendant (PyTorch's `train(mode)`).
    public func train(_ mode: Bool = true) {
        isTraining = mode
        for (_, child) in children { child.train(mode) }
    }

    /// Evaluation mode on this module and every descendant (PyTorch's `eval()`).
    public func eval() { train(false) }
}

extension Module {
    /// Every parameter with its dotted key, in PyTorch's `named_parameters()` order.
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        var out: [(name: String, tensor: Tensor)] = []
        collectParameters(prefix: "", into: &out)
        return out
    }

    /// The parameters alone, in ``namedParameters()`` order: what optimizers take.
    public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

    /// Every buffer with its dotted key, in PyTorch's `named_buffers()` order.
    public func namedBuffers() -> [(name: String, buffer: Buffer)] {
        var out: [(name: String, buffer: Buffer)] = []
        collectBuffers(prefix: "", into: &out)
        return out
    }

    /// This module (named `""`) and every descendant, depth first, as PyTorch's `named_modules()`.
    public func namedModules() -> [(name: String, module: Module)] {
        var out: [(name: String, module: Module)] = [("", self)]
        for (name, child) in children {
            for (sub, module) in child.namedModules() {
                out.append((sub.isEmpty ? name : name + "." + sub, module))
            }
        }
        return out
    }

    /// Total number of parameter elements (PyTorch's `sum(p.numel() for p in model.parameters())`).
    public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.tensor.count } }

    private func collectParameters(prefix: String, into out: inout [(name: String, tensor: Tensor)]) {
        for (name, p) in localParameters { out.append((prefix + name, p)) }
        for (name, child) in children { child.collectParameters(prefix: prefix + name + ".", into: &out) }
    }

    private func collectBuffers(prefix: String, into out: inout [(name: String, buffer: Buffer)]) {
        for (name, b) in localBuffers { out.append((prefix + name, b)) }
        for (name, child) in children { child.collectBuffers(prefix: prefix + name + ".", into: &out) }
    }
}
