import Autograd
import ExperimentKit
import Foundation
import Layers

/// `explain blocks.N sample=i head=h [token=t]` on a ViT: one query token through one block.
extension TokenAttentionCommands {
    /// The convention of token attention, stated once and used by `explain`, `summary` and `help`.
    static let convention = "tokens x [T, D]; H heads of d = D/H features; q, k, v = LN(x)·Wᵢₙᵀ + bᵢₙ split "
                            + "per head; "
        + "A = softmax(q·kᵀ/√d): row i is query token i, column j key token j, each row sums to 1; z = A·v; "
        + "the heads' z concatenated [T, D], then out_proj; x + attention, then x + MLP"

    /// How the Ultimus block differs from this standard attention.
    static let ultimusDifference = "the Ultimus block differs: its 8×8 map is over the 8 slots of one feature vector, "
        + "a rank-1 outer product QᵀK, and Z = V·AM mixes the values along AM's columns, which do not sum to 1"

    static func explain(_ inv: Invocation, _ ctx: ShellContext, _ vit: ViT) throws {
        guard let index = try block(inv, vit) else {
            throw inv.error("explain walks one block", at: "block",
                            suggestion: "name one: explain blocks.0 sample=0 head=0")
        }
        let (heads, t) = (vit.config.heads, vit.config.tokens)
        guard let head = inv.int("head"), (0..<heads).contains(head) else {
            throw inv.error("say which head of blocks.\(index) to follow",
                            suggestion: "add head=h (heads count from 0: 0…\(heads - 1))")
        }
        let token = inv.int("token") ?? 0
        guard (0..<t).contains(token) else {
            throw inv.error("token=\(token) is not a token of this model", at: "token",
                            suggestion: "tokens count from 0: token=0…\(t - 1)"
                                + (vit.config.pool == .cls ? " (0 is the class token)" : ""))
        }
        let probe = try probe(ctx, vit)
        let sample = try sample(inv, probe)
        let wasTraining = vit.isTraining
        vit.eval()
        defer { vit.train(wasTraining) }
        let x = try blockInput(ctx, vit, block: index, testIndex: probe.indices[sample])
        let e = TokenAttentionExplanation(block: vit.blocks[index], name: "blocks.\(index)", head: head, token: token,
                                          x: x)
        let text = render(e, vit.config, caption: "probe \(sample) (\(probe.label(sample)))")
        ctx.console.write(NumberFormat.symbols(text, unicode: ctx.style.unicode))
    }

    /// The tokens entering block `block` for one test image, `[1, T, D]` (in the model's current mode).
    static func blockInput(_ ctx: ShellContext, _ vit: ViT, block: Int, testIndex: Int) throws -> Tensor {
        guard let batch = try ctx.data().images(.test, indices: [testIndex]) else {
            throw ExperimentError("test image \(testIndex) is not available")
        }
        return noGrad { vit.blocks.prefix(block).reduce(vit.tokens(batch.images)) { $1($0) } }
    }

    /// Which token `j` is: the class token or a patch at (row, column).
    static func tokenName(_ j: Int, _ config: ViTConfig) -> String {
        let patch = config.pool == .cls ? j - 1 : j
        if patch < 0 { return "the class token" }
        return "patch (\(patch / config.grid), \(patch % config.grid))"
    }

    static func render(_ e: TokenAttentionExplanation, _ config: ViTConfig, caption: String) -> String {
        func v(_ values: [Double]) -> String { NumberFormat.vector(values, perLine: 8, indent: 6) }
        let (t, d, dh, h) = (e.tokens, e.dim, e.headDim, e.head)
        let top = e.weights.indices.max { e.weights[$0] < e.weights[$1] } ?? 0
        var lines = [
            "explain \(e.block) head=\(h) token=\(e.token) (\(tokenName(e.token, config))) · \(caption)",
            "convention: " + convention + ".",
            "  T = \(t) tokens, D = \(d), H = \(config.heads), d = \(dh)",
            "1. LayerNorm: n = norm1(x) over D for each token; token \(e.token): x = " + v(e.input),
            "   n = " + v(e.normed),
            "2. head \(h): q, k, v = n·Wᵢₙᵀ + bᵢₙ, rows \(h * dh)…\((h + 1) * dh - 1) of each third; "
                + "q [\(dh)], k and v [\(t), \(dh)]",
            "   q = " + v(e.q),
            "   k₀ = " + v(e.keys[0]) + "  v₀ = " + v(e.values[0]),
            "3. scores sⱼ = q·kⱼ/√\(dh) for keys j = 0…\(t - 1):",
            "   " + v(e.scores),
            "4. softmax aⱼ = exp(sⱼ)/Σₖ exp(sₖ) (sum " + NumberFormat.short(e.weights.reduce(0, +))
                + "); largest a\(top) = "
                + NumberFormat.short(e.weights[top]) + " on \(tokenName(top, config))",
            "   " + v(e.weights),
        ]
        if let change = e.intervention {
            let map = change == .zero ? "all 0" : "1/\(t) everywhere"
            lines.append("   ⚠ intervention on this head: the map is \(map) (evaluation only)")
        }
        lines += [
            "5. z = Σⱼ aⱼ·vⱼ [\(dh)] = " + v(e.z),
            "6. the \(config.heads) heads' z concatenated [\(d)] = " + v(e.concatenated),
            "7. out_proj: o = concat·W_outᵀ + b_out [\(d)] = " + v(e.projected),
            "8. residual: x + o = " + v(e.residual),
            "9. MLP: linear2(GELU(linear1(norm2(·)))) [\(d) → \(e.hidden) → \(d)] = " + v(e.mlp),
            "   block output = (x + o) + MLP = " + v(e.output),
            "check: equals \(e.block)'s own forward for this token (max |difference| "
                + NumberFormat.short(e.discrepancy) + ")",
            ultimusDifference + ".",
        ]
        return lines.joined(separator: "\n")
    }
}
