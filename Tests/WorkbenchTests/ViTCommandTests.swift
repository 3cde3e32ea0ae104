import Datasets
import Foundation
import Layers
import Testing
@testable import ExperimentKit
@testable import Workbench

/// The ViT at the prompt: bad shapes, attention maps, rollout, head interventions and weights.
@Suite(.serialized) struct ViTCommandTests {
    /// A small ViT: 4×4 patches of 8 pixels plus the class token (17 tokens), 2 blocks of 2 heads.
    static let vit = "model vit patch=8 dim=16 depth=2 heads=2 mlp_ratio=2"

    static func bench() -> InspectionBench {
        let bench = InspectionBench()
        bench.run(vit)
        return bench
    }

    static func isPNG(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        return data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }

    /// The last line of an evaluation, `Test set: Average loss: …`.
    static func evalLine(_ bench: InspectionBench) -> String {
        bench.run("eval").split(separator: "\n").last { $0.contains("Average loss") }.map(String.init) ?? ""
    }

    @Test func badShapesAreOneLineErrorsAndKeepTheModel() {
        let bench = Self.bench()
        let digest = bench.experiment.weightDigest
        for (line, rule) in [("model vit dim=30 heads=4", "dim 30 is not divisible by heads 4"),
                             ("model vit patch=5", "image size 32 is not divisible by patch 5"),
                             ("model vit patch=3 dim=8 heads=2", "not divisible by patch 3")] {
            let message = bench.fail(line)
            #expect(message.contains(rule), "\(line): \(message)")
            #expect(message.split(separator: "\n").filter { $0.contains("error") }.count == 1, "\(line): \(message)")
            #expect(bench.experiment.weightDigest == digest)
        }
        for (line, rule) in [("model vit pool=max", "pool must be"), ("model vit heads=0", "heads must be")] {
            #expect(bench.fail(line).contains(rule), "\(line)")
            #expect(bench.experiment.weightDigest == digest)
        }
    }

    @Test func defaultSizesMatchTheIssue() {
        let bench = InspectionBench()
        #expect(bench.run("model vit").contains("142,026 parameters"))
        #expect(bench.run("model vit patch=4 dim=32 depth=2 heads=4 mlp_ratio=2").contains("21,162 parameters"))
    }

    @Test func attentionWritesThePNGsAndTheTerminalMap() {
        let bench = Self.bench()
        let out = bench.folder.path + "/out"
        let text = bench.run("attention blocks.0 sample=0")
        #expect(text.contains("blocks.0 head 0") && text.contains("blocks.0 head 1"))
        #expect(text.contains("over the 4×4 patches"))
        #expect(text.contains("rows are query tokens, columns key tokens"))
        #expect(Self.isPNG(out + "/attention-blocks.0-sample0.png"))
        #expect(Self.isPNG(out + "/attention-blocks.0-sample0-overlay.png"))
        let one = bench.run("attention blocks.1 sample=1 head=1")
        #expect(one.contains("blocks.1 head 1") && !one.contains("blocks.1 head 0"))
        #expect(Self.isPNG(out + "/attention-blocks.1-sample1-head1.png"))
        bench.run("attention all sample=0")
        #expect(Self.isPNG(out + "/attention-all-sample0.png"))
        #expect(bench.fail("attention blocks.7 sample=0").contains("no transformer block called 'blocks.7'"))
        #expect(bench.fail("attention blocks.0 sample=0 head=2").contains("heads count from 0"))
        #expect(bench.fail("attention blocks.0 sample=99").contains("is not a probe image"))
    }

    @Test func rolloutWritesAPNGAndTheTerminalMap() {
        let bench = Self.bench()
        let text = bench.run("rollout sample=0")
        #expect(text.contains("rollout · probe 0"))
        #expect(text.contains("Abnar & Zuidema"))
        #expect(Self.isPNG(bench.folder.path + "/out/rollout-sample0.png"))
        bench.run("model ultimus variant=bnrelu")
        #expect(bench.fail("rollout sample=0").contains("build one with 'model vit'"))
    }

    @Test func overlaysAndRolloutAreShownInlineWithABitmapProtocol() {
        let bench = Self.bench()
        let kitty = "\u{1B}_Ga=T,f=100"
        for line in ["attention blocks.0 sample=0", "attention all sample=0", "rollout sample=0"] {
            #expect(!bench.run(line).contains("\u{1B}"), "\(line) in a pipe")
        }
        bench.run("set images=kitty")
        for line in ["attention blocks.0 sample=0", "attention all sample=0", "rollout sample=0"] {
            #expect(bench.run(line).components(separatedBy: kitty).count == 2, "\(line) shows one picture")
        }
        bench.run("set images=blocks")
        let blocks = bench.run("rollout sample=0")
        #expect(!blocks.contains(kitty) && blocks.contains("rollout · probe 0"))
    }

    @Test func timelineListsEntropyAndDistancePerHeadOverTraining() throws {
        let bench = Self.bench()
        #expect(bench.fail("timeline attention").contains("train first"))
        bench.run("train steps=3")
        let frames = bench.experiment.timeline.frames
        #expect(frames.map(\.step) == [1, 2, 3])
        #expect(frames.last?.blocks == ["blocks.0", "blocks.1"])
        let stats = try #require(frames.last?.maps.first)
        let probes = bench.experiment.probeIndices(try #require(bench.experiment.data)).count
        #expect(stats.shape == [probes, 2, 2])
        let text = bench.run("timeline attention")
        for part in ["entropy", "distance", "mean of \(probes) probe images",
                     "ln T = ln 17 = 2.83", "patches of 8 px"] {
            #expect(text.contains(part), "missing '\(part)' in\n\(text)")
        }
        let one = bench.run("timeline attention blocks.1 sample=2")
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("blocks.") }
        #expect(rows.map { $0.prefix(8) + " " + $0.split(separator: " ")[1] }
                == ["blocks.0 0", "blocks.0 1", "blocks.1 0", "blocks.1 1"])
        #expect(one.contains("probe 2") && one.contains("blocks.1 ") && !one.contains("blocks.0 "))
        // The table's last entropy of blocks.0 head 0 is the last frame's mean over the probes.
        let mean = (0..<probes).map { Double(stats.storage[$0 * 4]) }.reduce(0, +) / Double(probes)
        let row = try #require(text.split(separator: "\n").first { $0.hasPrefix("blocks.0") })
        #expect(row.contains(String(format: "%.2f", mean)))
        // The picture: an entropy and a distance chart per block (480×320 each), a line per head.
        let all = try PNGCodec.read(path: bench.folder.path + "/out/timeline-attention.png")
        #expect(all.width == 960 && all.height == 640)
        let single = try PNGCodec.read(path: bench.folder.path + "/out/timeline-attention-blocks.1-sample2.png")
        #expect(single.width == 960 && single.height == 320)
        #expect(one.contains("wrote ") && one.contains("timeline-attention-blocks.1-sample2.png"))
        #expect(bench.fail("timeline attention blocks.7").contains("no transformer block called 'blocks.7'"))
        #expect(bench.fail("timeline attention sample=\(probes)").contains("sample=\(probes) is not a probe image"))
    }

    @Test func timelineFramesSurviveSaveAndLoad() {
        let bench = Self.bench()
        bench.run("train steps=2")
        let before = bench.run("timeline attention")
        let path = bench.folder.path + "/s.ult-session"
        bench.run("save \(path)")
        let other = Self.bench()
        other.run("load \(path)")
        func table(_ text: String) -> [Substring] { text.split(separator: "\n").filter { !$0.hasPrefix("wrote ") } }
        #expect(table(other.run("timeline attention")) == table(before))
    }

    /// `model new` and token layers: patch=8 dim=16, two blocks of 2 heads, norm, pool, linear.
    static func layered(_ bench: InspectionBench, pool: String = "cls") {
        bench.run("model new")
        bench.run("layer patches patch=8 dim=16" + (pool == "mean" ? " cls=false" : ""))
        bench.run("layer block heads=2 mlp_ratio=2")
        bench.run("layer block heads=2 mlp_ratio=2 dim=16")
        bench.run("layer norm")
        bench.run("layer pool mode=\(pool)")
        #expect(bench.run("layer linear out=10").contains("layer head"))
    }

    @Test(arguments: ["cls", "mean"])
    func layerByLayerViTEqualsModelVit(pool: String) throws {
        let bench = InspectionBench()
        Self.layered(bench, pool: pool)
        let net = try #require(bench.experiment.model as? LayerNetwork)
        var config = ViTConfig()
        (config.patch, config.dim, config.depth, config.heads, config.mlpRatio) = (8, 16, 2, 2, 2)
        config.pool = pool == "cls" ? .cls : .mean
        var g = SeededGenerator(seed: 3)
        let vit = try ViT(config, generator: &g)
        #expect(Array(net.stateDict().keys) == Array(vit.stateDict().keys))
        #expect(net.parameterCount == vit.parameterCount)
        try net.load(stateDict: vit.stateDict())
        let x = Tensor.randn([2, 3, 32, 32], using: &g)
        net.eval()
        vit.eval()
        #expect(net(x).storage == vit(x).storage)
        let commands = bench.experiment.modelRecipe?.commands ?? []
        #expect(commands.contains("layer block dim=16 heads=2 mlp_ratio=2 name=blocks.1"))
        // The summary nests by the module tree: blocks.1 is the network's child, not the patch row's.
        let summary = bench.run("summary")
        #expect(summary.contains("├─TransformerEncoderLayer (blocks.1): 1-3"), "\(summary)")
        #expect(summary.contains("│    └─LayerNorm (norm1): 2-6"), "\(summary)")
        #expect(commands.contains("layer pool mode=\(pool) name=pool"))
    }

    @Test func layerByLayerViTSavesAndLoads() throws {
        let bench = InspectionBench()
        Self.layered(bench)
        bench.run("train steps=1")
        let path = bench.folder.path + "/layered.ult-session"
        bench.run("save \(path)")
        let other = InspectionBench()
        other.run("load \(path)")
        #expect(other.experiment.weightDigest == bench.experiment.weightDigest)
    }

    @Test func tokenLayerRulesAreOneLineErrors() {
        let bench = InspectionBench()
        bench.run("model new")
        #expect(bench.fail("layer block").contains("needs tokens [T, D]"))
        #expect(bench.fail("layer patches patch=5").contains("not divisible by patch 5"))
        bench.run("layer patches patch=8 dim=16 cls=false")
        #expect(bench.fail("layer block heads=3").contains("dim 16 is not divisible by heads 3"))
        #expect(bench.fail("layer block dim=32").contains("does not match the tokens' 16 features"))
        #expect(bench.fail("layer pool").contains("the tokens have none"))
        #expect(bench.fail("layer linear out=10").contains("needs features [N]"))
        #expect(bench.fail("layer conv out=4").contains("needs images [C, H, W]"))
    }

    @Test func zeroingAHeadChangesEvalAndClearRestoresIt() {
        let bench = Self.bench()
        bench.run("train steps=2")
        let before = Self.evalLine(bench)
        #expect(bench.run("intervene blocks.0 head=0 mode=zero").contains("blocks.0 head 0: attention zeroed"))
        #expect(bench.experiment.cachedEvaluation(split: .test) == nil, "a head intervention keeps a stale evaluation")
        let zeroed = Self.evalLine(bench)
        #expect(zeroed != before)
        bench.run("intervene blocks.1 head=1 mode=uniform")
        #expect(bench.run("intervene clear").contains("cleared: blocks.0 head 0 (zero), blocks.1 head 1 (uniform)"))
        #expect(Self.evalLine(bench) == before)
        #expect(bench.fail("intervene blocks.0 head=2 mode=zero").contains("head=h (0…1)"))
        #expect(bench.fail("intervene blocks.0 head=0 mode=bypass").contains("mode=zero or mode=uniform"))
    }

    @Test func rankListsEveryHeadAndLeavesNoIntervention() throws {
        let bench = Self.bench()
        bench.run("intervene blocks.1 head=0 mode=uniform")
        let text = bench.run("intervene rank")
        for b in 0..<2 { for h in 0..<2 { #expect(text.contains("blocks.\(b) head \(h)")) } }
        #expect(text.contains("baseline"))
        // Each ablation is evaluated, not served from the baseline's cached evaluation.
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("blocks.") }
        #expect(Set(rows.map { $0.split(separator: " ").dropFirst(3).first ?? "" }).count > 1, "\(text)")
        let vit = try #require(bench.experiment.model as? ViT)
        #expect(vit.blocks.map(\.selfAttn.headInterventions) == [[nil, nil], [.uniform, nil]])
    }

    @Test func exportedWeightsImportWithIdenticalEval() {
        let a = Self.bench()
        a.run("train steps=3")
        let path = a.folder.path + "/vit.safetensors"
        a.run("export weights \(path)")
        let expected = Self.evalLine(a)
        let b = Self.bench()
        b.run("set seed=77")
        b.run(Self.vit)
        #expect(Self.evalLine(b) != expected)
        b.run("import weights \(path)")
        #expect(Self.evalLine(b) == expected)
        #expect(b.experiment.weightDigest == a.experiment.weightDigest)
    }

    @Test func explainFollowsOneQueryTokenThroughTheBlock() throws {
        let bench = Self.bench()
        bench.run("train steps=2")
        let digest = bench.experiment.weightDigest
        let text = bench.run("explain blocks.1 sample=0 head=1 token=3")
        for part in ["explain blocks.1 head=1 token=3 (patch (0, 2)) · probe 0", "convention: tokens x [T, D]",
                     "T = 17 tokens, D = 16, H = 2, d = 8", "1. LayerNorm", "q [8], k and v [17, 8]",
                     "3. scores sⱼ = q·kⱼ/√8", "4. softmax aⱼ", "(sum 1.000)", "5. z = Σⱼ aⱼ·vⱼ [8]",
                     "6. the 2 heads' z concatenated [16]", "7. out_proj", "8. residual",
                     "9. MLP: linear2(GELU(linear1(norm2(·)))) [16 → 32 → 16]", "rank-1 outer product",
                     "do not sum to 1"] {
            #expect(text.contains(part), "missing '\(part)' in\n\(text)")
        }
        #expect(try Self.difference(text) < 1e-4)
        #expect(bench.experiment.weightDigest == digest)
        #expect(bench.experiment.model?.isTraining == true)
        #expect(bench.run("explain blocks.0 sample=1 head=0").contains("token=0 (the class token)"))

        bench.run("intervene blocks.1 head=1 mode=uniform")
        let changed = bench.run("explain blocks.1 sample=0 head=1 token=3")
        #expect(changed.contains("intervention on this head: the map is 1/17 everywhere"))
        #expect(try Self.difference(changed) < 1e-4)

        #expect(bench.fail("explain blocks.0 sample=0").contains("head=h (heads count from 0: 0…1)"))
        #expect(bench.fail("explain blocks.0 sample=0 head=2").contains("head=h"))
        #expect(bench.fail("explain blocks.0 sample=0 head=0 token=17").contains("token=0…16 (0 is the class token)"))
        #expect(bench.fail("explain all sample=0 head=0").contains("explain walks one block"))
        #expect(bench.fail("explain blocks.5 sample=0 head=0").contains("no transformer block called 'blocks.5'"))
    }

    /// The number after `max |difference|` in an explanation.
    static func difference(_ text: String) throws -> Double {
        let tail = try #require(text.components(separatedBy: "max |difference| ").last)
        return try #require(Double(tail.prefix { $0 != ")" }))
    }

    @Test func helpStatesTheNamingRuleOnce() {
        let bench = InspectionBench()
        let text = bench.run("help")
        #expect(text.components(separatedBy: "named by their state_dict prefix").count == 2)
        #expect(text.contains("heads, tokens and samples count") && text.contains("from 0"))
    }
}
