import Autograd
import Foundation
import Layers
@testable import Workbench

/// Small models and images shared by the inspection tests.
enum InspectionFixtures {
    static func model(_ variant: UltimusNet.Variant = .spec, attention: AttentionMode = .sample, seed: UInt64 = 3) -> UltimusNet {
        var g = SeededGenerator(seed: seed)
        return UltimusNet(variant: variant, attention: attention, generator: &g)
    }

    static func images(_ n: Int = 4, seed: UInt64 = 11, size: Int = 8) -> Tensor {
        var g = SeededGenerator(seed: seed)
        return Tensor.randn([n, 3, size, size], using: &g)
    }

    /// A digest of everything inspection must leave alone: parameters, buffers, gradients,
    /// training flags, recorded attention maps and activations.
    static func digest(_ model: UltimusNet) -> [Float] {
        var out: [Float] = []
        let state = model.stateDict()
        for key in state.keys { out += state[key]!.tensor.storage }
        for p in model.parameters() { out += p.grad?.storage ?? [-7] }
        for (_, m) in model.namedModules() { out.append(m.isTraining ? 1 : 0) }
        for b in model.blocks { out += b.lastAttention?.storage ?? [-9] }
        for a in model.activations { out += a.tensor.storage }
        return out
    }
}
