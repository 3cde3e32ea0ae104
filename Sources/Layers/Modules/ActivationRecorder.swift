/// Collects named, detached copies of intermediate tensors during a forward pass.
final class ActivationRecorder {
    /// The module whose ``Module/recordActivations`` was switched on; its forward clears the list.
    let root: ObjectIdentifier
    var entries: [(name: String, tensor: Tensor)] = []

    init(root: Module) { self.root = ObjectIdentifier(root) }

    func append(_ name: String, _ tensor: Tensor) { entries.append((name, tensor.detached())) }
}

extension Module {
    /// When `true` on a module, each forward through it keeps ``activations``: detached copies of
    /// every submodule's output and the values modules expose (`ultimus1.attention`), in execution
    /// order under dotted names. Switching it on or off applies to every descendant.
    public var recordActivations: Bool {
        get { recorder != nil }
        set { install(newValue ? ActivationRecorder(root: self) : nil, prefix: "", outputName: nil) }
    }

    /// The activations of the last forward while ``recordActivations`` was on, in execution order.
    public var activations: [(name: String, tensor: Tensor)] { recorder?.entries ?? [] }

    /// The last recorded activation named `name`, if any.
    public func activation(_ name: String) -> Tensor? { activations.last { $0.name == name }?.tensor }

    func install(_ recorder: ActivationRecorder?, prefix: String, outputName: String?) {
        self.recorder = recorder
        recordingPrefix = prefix
        recordingOutputName = outputName
        for (name, child) in children {
            let dotted = prefix.isEmpty ? name : prefix + "." + name
            let recorded = recordingName(ofChild: name).map { prefix.isEmpty ? $0 : prefix + "." + $0 }
            child.install(recorder, prefix: dotted, outputName: recorded)
        }
    }

    /// Brings a child added after recording was switched on into the recording (Sequential.append).
    func adopt(_ child: Module, named name: String) {
        child.train(isTraining)
        guard let recorder else { return }
        let dotted = recordingPrefix.isEmpty ? name : recordingPrefix + "." + name
        let recorded = recordingName(ofChild: name).map { recordingPrefix.isEmpty ? $0 : recordingPrefix + "." + $0 }
        child.install(recorder, prefix: dotted, outputName: recorded)
    }
}
