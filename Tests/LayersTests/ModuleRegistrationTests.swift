import Layers
import Testing

/// Every stored trainable tensor and submodule of each layer type is declared in its lists
/// (reflection is used here only, never in the library).
@Suite struct ModuleRegistrationTests {
    func undeclared(_ module: Module) -> [String] {
        let declaredTensors = module.localParameters.map { ObjectIdentifier($0.1) }
            + module.localBuffers.compactMap {
                if case .tensor(let t) = $0.1 { return ObjectIdentifier(t) } else { return nil }
            }
        let declaredModules = module.children.map { ObjectIdentifier($0.1) }
        var missing: [String] = []
        func visit(_ value: Any, _ label: String) {
            if let t = value as? Tensor, t.requiresGrad || module.localBuffers.count > 0 {
                if !declaredTensors.contains(ObjectIdentifier(t)) && t.requiresGrad { missing.append(label) }
            } else if let m = value as? Module {
                if !declaredModules.contains(ObjectIdentifier(m)) { missing.append(label) }
            } else if let array = value as? [Module] {
                for (i, m) in array.enumerated() { visit(m, "\(label)[\(i)]") }
            } else if let optional = value as? Tensor? {
                if let t = optional { visit(t, label) }
            }
        }
        for child in Mirror(reflecting: module).children { visit(child.value, child.label ?? "?") }
        return missing
    }

    @Test func everyLayerDeclaresItsParametersAndChildren() {
        var g = SeededGenerator(seed: 1)
        let modules: [Module] = [
            UltimusNet(variant: .bnrelu, generator: &g), UltimusNet(variant: .spec, generator: &g),
            Ultimus(generator: &g), Linear(inputFeatures: 2, outputFeatures: 3, generator: &g),
            Conv2d(inChannels: 1, outChannels: 2, kernelSize: 3, generator: &g), BatchNorm2d(4),
            Sequential([ReLU(), Dropout(p: 0.1, seed: 1)]),
            try! ViT(generator: &g), LayerNorm(4), GELU(),
        ]
        for module in modules {
            for (name, m) in module.namedModules() {
                #expect(undeclared(m).isEmpty, "\(m.typeName) '\(name)' has undeclared \(undeclared(m))")
            }
        }
    }
}
