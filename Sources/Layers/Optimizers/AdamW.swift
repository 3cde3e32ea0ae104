/// AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, as `torch.optim.AdamW`.
///
/// Before the Adam update, θ ← θ·(1 − lr·λ); the decay never enters the moments.
/// Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay **0.01**, amsgrad false.
public final class AdamW: Adam {
    public override init(parameters: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                         eps: Double = 1e-8, weightDecay: Double = 0.01, amsgrad: Bool = false) {
        super.init(parameters: parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad)
    }

    public override var decoupledWeightDecay: Bool { true }
}
