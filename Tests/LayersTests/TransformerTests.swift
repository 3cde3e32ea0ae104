import Autograd
import Foundation
import Layers
import Testing
import TestSupport

@Suite struct TransformerTests {
    private func vit(_ change: (inout ViTConfig) -> Void = { _ in }) throws -> ViT {
        var config = ViTConfig()
        change(&config)
        var g = SeededGenerator(seed: 1)
        return try ViT(config, generator: &g)
    }

    /// Evaluation without the maps (one image and head at a time, q, k, v read in place) gives exactly the
    /// numbers of the separate ops, which run when the maps are kept.
    @Test func evaluationWithoutMapsIsBitIdentical() throws {
        for tokens in [(patch: 4, pool: ViTConfig.Pool.cls), (patch: 8, pool: ViTConfig.Pool.mean)] {
            let model = try vit { $0.patch = tokens.patch; $0.pool = tokens.pool; $0.depth = 2 }
            model.eval()
            var g = SeededGenerator(seed: 9)
            let x = Tensor.randn([3, 3, 32, 32], using: &g)
            let fused = noGrad { model(x) }
            for block in model.blocks { block.selfAttn.keepsAttention = true }
            let separate = noGrad { model(x) }
            #expect(fused.storage == separate.storage)
            #expect(model.blocks[0].selfAttn.lastAttention != nil)
        }
    }

    @Test func parameterCountsMatchPyTorch() throws {
        #expect(try vit().parameterCount == 142_026)
        #expect(try vit { $0.dim = 32; $0.depth = 2 }.parameterCount == 21_162)
    }

    @Test func stateDictKeysArePyTorchs() throws {
        let keys = try vit { $0.depth = 1 }.stateDict().keys
        #expect(Array(keys.prefix(4)) == ["cls_token", "pos_embed", "patch_embed.weight", "patch_embed.bias"])
        #expect(keys.contains("blocks.0.self_attn.in_proj_weight") && keys.contains("blocks.0.self_attn.out_proj.bias"))
        #expect(Array(keys.suffix(4)) == ["norm.weight", "norm.bias", "head.weight", "head.bias"])
        #expect(try !vit { $0.pool = .mean }.stateDict().keys.contains("cls_token"))
    }

    @Test func initialisationFollowsPyTorch() throws {
        let model = try vit()
        let block = model.blocks[0]
        #expect(model.clsToken!.storage.allSatisfy { $0 == 0 })
        #expect(block.selfAttn.inProjBias.storage.allSatisfy { $0 == 0 })
        #expect(block.selfAttn.outProj.bias!.storage.allSatisfy { $0 == 0 })
        #expect(block.norm1.weight.storage.allSatisfy { $0 == 1 })
        let bound = (6.0 / Double(64 + 192)).squareRoot()
        #expect(block.selfAttn.inProjWeight.storage.allSatisfy { abs(Double($0)) <= bound })
        let pos = model.posEmbed.storage.map(Double.init)
        let std = (pos.map { $0 * $0 }.reduce(0, +) / Double(pos.count)).squareRoot()
        #expect(abs(std - 0.02) < 0.002)
    }

    @Test func badSettingsAreOneLineErrorsNamingTheRule() {
        #expect(throws: ShapeError.self) { try vit { $0.dim = 30 } }
        do { _ = try vit { $0.patch = 5 } } catch {
            #expect("\(error)".contains("not divisible by patch 5") && !"\(error)".contains("\n"))
        }
        do { _ = try vit { $0.heads = 3 } } catch { #expect("\(error)".contains("dim 64 is not divisible by heads 3")) }
    }

    @Test func forwardShapesMapsAndRollout() throws {
        let model = try vit { $0.dim = 16; $0.depth = 2; $0.heads = 2; $0.patch = 8 }
        var g = SeededGenerator(seed: 2)
        let x = Tensor.randn([3, 3, 32, 32], using: &g)
        #expect(model(x).shape == [3, 10])
        let (maps, logits) = model.attentionMaps(x)
        assertClose(logits, model(x), rtol: 1e-5, atol: 1e-6)
        #expect(maps.count == 2 && maps[0].shape == [3, 2, 17, 17])
        for r in 0..<17 { #expect(abs(maps[1].storage[r * 17 ..< r * 17 + 17].reduce(0, +) - 1) < 1e-5) }
        let rollout = attentionRollout(maps)!
        #expect(rollout.shape == [3, 17, 17])
        for r in 0..<17 { #expect(abs(rollout.storage[r * 17 ..< r * 17 + 17].reduce(0, +) - 1) < 1e-5) }
        #expect(throws: ShapeError.self) { try model.validateInput(shape: [3, 3, 28, 28]) }
    }

    @Test func headInterventionsChangeOnlyEvaluation() throws {
        let model = try vit { $0.dim = 16; $0.depth = 1; $0.heads = 2; $0.patch = 8; $0.pool = .mean }
        var g = SeededGenerator(seed: 3)
        let x = Tensor.randn([2, 3, 32, 32], using: &g)
        model.eval()
        let before = model(x)
        model.blocks[0].selfAttn.headInterventions[1] = .uniform
        let (maps, after) = model.attentionMaps(x)
        #expect(maps[0].storage[16 * 16 ..< 2 * 16 * 16].allSatisfy { abs($0 - 1 / 16) < 1e-7 })
        #expect(closeness(after.storage, before.storage) != nil)
        model.train()
        assertClose(model(x), before, rtol: 1e-5, atol: 1e-6)
    }
    /// Maps `[1, 2, T, T]` for a 2×2 patch grid with a class token (T = 5): head 0 uniform, head 1
    /// every patch attending to the diagonally opposite patch and the class token to itself.
    @Test func attentionStatistics_EntropyInNatsAndDistanceInPatches() {
        let t = 5
        var values = [Float](repeating: 1 / Float(t), count: t * t)
        var sharp = [Float](repeating: 0, count: t * t)
        sharp[0] = 1
        for i in 0..<4 { sharp[(1 + i) * t + 1 + (3 - i)] = 1 }
        values += sharp
        let stats = attentionStatistics(Tensor(shape: [1, 2, t, t], storage: values), grid: 2, classToken: true)
        #expect(stats.shape == [1, 2, 2])
        // Uniform: entropy ln 5; patch-to-patch distances 0, 1, 1, √2, weighted equally: (2 + √2) / 4.
        #expect(abs(Double(stats.storage[0]) - log(5.0)) < 1e-5)
        #expect(abs(Double(stats.storage[1]) - (2 + 2.0.squareRoot()) / 4) < 1e-5)
        // One key per query: entropy 0, distance √2 (opposite corners of the grid).
        #expect(stats.storage[2] == 0)
        #expect(abs(Double(stats.storage[3]) - 2.0.squareRoot()) < 1e-5)
        // Without a class token the identity attends at distance 0.
        let identity = (0..<16).map { Float($0 % 5 == 0 ? 1 : 0) }
        let mean = attentionStatistics(Tensor(shape: [1, 1, 4, 4], storage: identity), grid: 2, classToken: false)
        #expect(mean.storage == [0, 0])
    }
}
