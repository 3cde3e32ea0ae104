import Autograd
import Layers

/// Finds the tensor a ``TensorReference`` names in a model and its recorded activations.
public enum TensorLookup {
    /// Every name `inspect` accepts for `model`: parameters, their `.grad`, buffers, then `act.` names.
    public static func names(model: Module, activations: [(name: String, tensor: Tensor)]) -> [String] {
        let parameters = model.namedParameters().map(\.name)
        return parameters + parameters.map { $0 + ".grad" } + model.namedBuffers().map(\.name)
            + activations.map { "act." + $0.name }
    }

    /// The tensor `reference` names (a copy; changing it changes nothing in the model).
    /// - Throws: ``InspectionError`` for an unknown name (with the closest one), a gradient that does
    ///   not exist yet, or an index out of range.
    public static func resolve(_ reference: TensorReference, model: Module,
                               activations: [(name: String, tensor: Tensor)]) throws -> Tensor {
        let whole = try find(reference, model: model, activations: activations)
        return try slice(whole, index: reference.index, label: reference.name)
    }

    private static func find(_ reference: TensorReference, model: Module,
                             activations: [(name: String, tensor: Tensor)]) throws -> Tensor {
        let parameters = model.namedParameters()
        switch reference.kind {
        case .activation:
            if let hit = activations.last(where: { $0.name == reference.name }) { return hit.tensor.detached() }
            let known = activations.map(\.name)
            if known.isEmpty {
                throw InspectionError("no activations recorded yet; run eval, train or predict first")
            }
            throw unknown("act." + reference.name, among: known.map { "act." + $0 })
        case .gradient:
            guard let p = parameters.first(where: { $0.name == reference.name }) else {
                throw unknown(reference.name + ".grad", among: parameters.map { $0.name + ".grad" })
            }
            guard let g = p.tensor.grad else {
                throw InspectionError("\(reference.name) has no gradient yet; train a step first (the last step's "
                                      + "gradients are kept)")
            }
            return g.detached()
        case .state:
            if let p = parameters.first(where: { $0.name == reference.name }) { return p.tensor.detached() }
            if let b = model.namedBuffers().first(where: { $0.name == reference.name }) {
                switch b.buffer {
                case .tensor(let t): return t.detached()
                case .counter(let c): return Tensor(shape: [], storage: [Float(c.value)])
                }
            }
            let all = parameters.map(\.name) + model.namedBuffers().map(\.name)
            if activations.contains(where: { $0.name == reference.name }) {
                throw InspectionError("'\(reference.name)' is an activation; write act.\(reference.name)")
            }
            throw unknown(reference.name, among: all + activations.map { "act." + $0.name })
        }
    }

    /// `tensor[index...]`: fixes the leading axes.
    /// - Throws: ``InspectionError`` when there are more indices than axes or one is out of range.
    public static func slice(_ tensor: Tensor, index: [Int], label: String = "tensor") throws -> Tensor {
        guard !index.isEmpty else { return tensor }
        guard index.count <= tensor.rank else {
            throw InspectionError("\(label) has \(tensor.rank) axes \(tensor.shape); "
                                  + "give at most \(tensor.rank) indices")
        }
        var offset = 0
        for (axis, i) in index.enumerated() {
            guard (0..<tensor.shape[axis]).contains(i) else {
                throw InspectionError("index \(i) is outside axis \(axis) of \(label) (size \(tensor.shape[axis])); "
                                      + "use 0...\(tensor.shape[axis] - 1)")
            }
            offset = offset * tensor.shape[axis] + i
        }
        let rest = Array(tensor.shape[index.count...])
        let size = rest.reduce(1, *)
        return Tensor(shape: rest, storage: Array(tensor.storage[(offset * size)..<((offset + 1) * size)]))
    }

    static func unknown(_ name: String, among names: [String]) -> InspectionError {
        if let close = EditDistance.suggestion(for: name, in: names) {
            return InspectionError("no tensor called '\(name)'; \(close)")
        }
        return InspectionError("no tensor called '\(name)'; Tab lists the names (parameters, NAME.grad, buffers, "
                               + "act.NAME)")
    }
}
