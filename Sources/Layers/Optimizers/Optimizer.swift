/// The base of every optimizer: the parameters, the learning rate, the per-parameter rule.
///
/// As in PyTorch, state is kept per parameter and identified by the parameter's **index** in
/// ``parameters`` (the model's `named_parameters()` order). ``step()`` updates each parameter that
/// has a gradient, outside the tape; ``zeroGrad()`` clears the gradients (`set_to_none=True`).
/// Hyperparameters are `Double`, as PyTorch keeps them in Python floats.
open class Optimizer {
    /// The tensors updated in place, in order.
    public let parameters: [Tensor]
    /// The learning rate used by the next ``step()``; schedules set it.
    public var lr: Double

    public init(parameters: [Tensor], lr: Double) {
        self.parameters = parameters
        self.lr = lr
    }

    /// PyTorch's class name (`Adam`).
    open var name: String { String(describing: type(of: self)) }

    /// The momentum a schedule cycles: β1 for Adam and AdamW, `momentum` for SGD.
    open var beta1: Double {
        get { 0 }
        set {}
    }

    /// Whether the optimizer has a momentum term (`momentum` or `betas`) that ``beta1`` drives, as PyTorch
    /// checks `optimizer.defaults`.
    open var supportsMomentum: Bool { false }

    /// The hyperparameters under PyTorch's names (`lr`, `beta1`, `beta2`, `eps`, `weight_decay`...).
    open var hyperparameters: [(String, Double)] { [("lr", lr)] }

    /// Sets a hyperparameter by its PyTorch name; returns `false` for names the optimizer lacks.
    open func setHyperparameter(_ name: String, _ value: Double) -> Bool {
        guard name == "lr" else { return false }
        lr = value
        return true
    }

    /// Updates parameter `index` from its gradient; called under `noGrad` by ``step()``.
    open func update(index: Int, parameter: Tensor, gradient: Tensor) {}

    /// Per-parameter state tensors under PyTorch's names (`step`, `exp_avg`...), empty before the
    /// parameter's first update.
    open func state(index: Int) -> [(String, Tensor)] { [] }

    /// Restores one parameter's state from ``state(index:)``'s names.
    /// - Throws: ``OptimizerStateError`` when a name or shape does not fit.
    open func setState(index: Int, _ entries: [(String, Tensor)]) throws {}

    /// One update of every parameter that has a gradient.
    public func step() {
        noGrad {
            for (i, p) in parameters.enumerated() {
                guard let g = p.grad else { continue }
                update(index: i, parameter: p, gradient: g)
            }
        }
    }

    /// Clears every parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`).
    public func zeroGrad() {
        for p in parameters { p.grad = nil }
    }
}

/// A saved optimizer state that does not fit the optimizer it is loaded into.
public struct OptimizerStateError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Optimizer {
    /// Every parameter's state as named tensors `state.<index>.<name>` (e.g. `state.3.exp_avg`),
    /// in parameter order, for saving a session.
    public func stateTensors() -> StateDict {
        var out = StateDict()
        for i in parameters.indices {
            for (name, t) in state(index: i) { out["state.\(i).\(name)"] = .float32(t.copy()) }
        }
        return out
    }

    /// Restores state saved by ``stateTensors()``; parameters without entries start fresh.
    /// Validates everything before changing anything.
    /// - Throws: ``OptimizerStateError`` for keys that name no parameter or that do not fit.
    public func loadStateTensors(_ saved: StateDict) throws {
        var perIndex: [Int: [(String, Tensor)]] = [:]
        for (key, value) in saved {
            let parts = key.split(separator: ".", maxSplits: 2).map(String.init)
            guard parts.count == 3, parts[0] == "state", let i = Int(parts[1]), parameters.indices.contains(i) else {
                throw OptimizerStateError("optimizer state key '\(key)' names no parameter of this \(name) "
                                          + "(it has \(parameters.count)); save and load with the same model")
            }
            perIndex[i, default: []].append((parts[2], value.tensor.copy()))
        }
        let backup = parameters.indices.map { state(index: $0) }
        do {
            for i in parameters.indices { try setState(index: i, perIndex[i] ?? []) }
        } catch {
            for i in parameters.indices { try? setState(index: i, backup[i]) }
            throw error
        }
    }

    func requireShape(_ t: Tensor, of p: Tensor, _ name: String, index: Int) throws {
        guard t.shape == p.shape else {
            throw OptimizerStateError("optimizer state \(name) of parameter \(index) has shape \(t.shape), "
                                      + "the parameter has \(p.shape); load the state saved with this model")
        }
    }
}
