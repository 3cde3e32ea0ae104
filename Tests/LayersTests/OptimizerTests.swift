import Layers
import Testing

/// Optimizers against torch 2.15's float64 trajectories (feature survey §3.2–3.3), run in float32:
/// θ0 = [1, −2], loss ½‖θ‖² so g = θ.
@Suite struct OptimizerTests {
    func run(_ make: ([Tensor]) -> Optimizer, steps: Int = 3) -> [[Float]] {
        let p = Tensor(shape: [2], storage: [1, -2], requiresGrad: true)
        let opt = make([p])
        var out: [[Float]] = []
        for _ in 0..<steps {
            p.grad = Tensor(shape: [2], storage: p.storage)
            opt.step()
            opt.zeroGrad()
            out.append(p.storage)
        }
        return out
    }

    func expect(_ got: [[Float]], _ expected: [[Double]], sourceLocation: SourceLocation = #_sourceLocation) {
        for (g, e) in zip(got, expected) {
            for (a, b) in zip(g, e) {
                #expect(abs(Double(a) - b) <= 2e-7 * max(1, abs(b)), "\(g) vs \(e)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func adam_BiasCorrected_MatchesTorch() {
        expect(run { Adam(parameters: $0, lr: 0.1) },
               [[0.900000001, -1.9000000005], [0.800412229712338, -1.80016648662109],
                [0.701586274504415, -1.70062339281211]])
    }

    @Test func adam_L2WeightDecay_MatchesTorch() {
        expect(run { Adam(parameters: $0, lr: 0.1, weightDecay: 0.1) },
               [[0.900000000909091, -1.90000000045455], [0.800412229526784, -1.8001664865292],
                [0.701586274221072, -1.70062339267291]])
    }

    @Test func adamW_DecoupledDecay_MatchesTorch() {
        expect(run { AdamW(parameters: $0, lr: 0.1, weightDecay: 0.1) },
               [[0.890000001, -1.8800000005], [0.781571856954161, -1.76140895108858],
                [0.675101223189201, -1.64436868432201]])
        expect(run { AdamW(parameters: $0) },
               [[0.99899000001, -1.998980000005], [0.997980036587272, -1.99796002353941],
                [0.996970127345402, -1.99694007946492]])
    }

    /// β2 = 0.5 lets v fall at step 3 (g shrinks), so AMSGrad's maximum changes the first coordinate.
    @Test func adam_AMSGrad_MatchesTorch() {
        expect(run { Adam(parameters: $0, lr: 0.1, betas: (0.9, 0.5), amsgrad: true) },
               [[0.900000001, -1.9000000005], [0.7986254645971879, -1.7993039771829957],
                [0.6954722654500891, -1.6974448323401812]])
        expect(run { Adam(parameters: $0, lr: 0.1, betas: (0.9, 0.5)) },
               [[0.900000001, -1.9000000005], [0.7986254645971879, -1.7993039771829957],
                [0.6947884398971987, -1.6974448323401812]])
        expect(run { AdamW(parameters: $0, lr: 0.1, betas: (0.9, 0.5), amsgrad: true) },
               [[0.899000001, -1.8980000005], [0.7967131427836082, -1.7953922032993477],
                [0.6928123548212511, -1.691700394569907]])
    }

    @Test func adam_AMSGradState_RoundTripsAndIsRequired() throws {
        let p1 = Tensor(shape: [2], storage: [1, -2], requiresGrad: true)
        let p2 = Tensor(shape: [2], storage: [1, -2], requiresGrad: true)
        let a = Adam(parameters: [p1], lr: 0.1, betas: (0.9, 0.5), amsgrad: true)
        let b = Adam(parameters: [p2], lr: 0.1, betas: (0.9, 0.5), amsgrad: true)
        for _ in 0..<2 { p1.grad = p1.copy(); a.step() }
        p2.storage = p1.storage
        let saved = a.stateTensors()
        #expect(saved.keys == ["state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq"])
        try b.loadStateTensors(saved)
        p1.grad = p1.copy(); a.step()
        p2.grad = p2.copy(); b.step()
        #expect(p1.storage == p2.storage)
        // A plain Adam state lacks the maximum; a plain Adam cannot take one.
        let plain = Adam(parameters: [Tensor(shape: [2], storage: [1, -2])])
        #expect(throws: OptimizerStateError.self) { try plain.loadStateTensors(saved) }
        var withoutMax = saved
        withoutMax["state.0.max_exp_avg_sq"] = nil
        #expect(throws: OptimizerStateError.self) { try b.loadStateTensors(withoutMax) }
    }

    @Test func sgd_NesterovMomentumAndDecay_MatchesFormula() {
        // Hand-rolled PyTorch rule in Double.
        var theta = [1.0, -2.0], buf: [Double]? = nil
        var expected: [[Double]] = []
        for _ in 0..<3 {
            let g = theta.map { $0 + 0.01 * $0 }
            if let b = buf { buf = zip(b, g).map { 0.9 * $0 + 0.9 * $1 } } else { buf = g }
            let d = zip(g, buf!).map { $0 + 0.9 * $1 }
            theta = zip(theta, d).map { $0 - 0.1 * $1 }
            expected.append(theta)
        }
        expect(run { SGD(parameters: $0, lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true, weightDecay: 0.01) },
               expected)
    }

    @Test func sgd_PlainStep() {
        expect(run({ SGD(parameters: $0, lr: 0.5) }, steps: 1), [[0.5, -1]])
    }

    @Test func parametersWithoutGradient_AreSkipped() {
        let a = Tensor(shape: [1], storage: [1], requiresGrad: true)
        let b = Tensor(shape: [1], storage: [1], requiresGrad: true)
        let opt = Adam(parameters: [a, b], lr: 0.1)
        a.grad = Tensor(shape: [1], storage: [1])
        opt.step()
        #expect(a.storage[0] < 1 && b.storage[0] == 1)
        #expect(opt.state(index: 1).isEmpty)
        #expect(opt.state(index: 0).map(\.0) == ["step", "exp_avg", "exp_avg_sq"])
        opt.zeroGrad()
        #expect(a.grad == nil)
    }

    @Test func stateTensors_RoundTripContinuesIdentically() throws {
        let p1 = Tensor(shape: [2], storage: [1, -2], requiresGrad: true)
        let p2 = Tensor(shape: [2], storage: [1, -2], requiresGrad: true)
        let a = Adam(parameters: [p1], lr: 0.05), b = Adam(parameters: [p2], lr: 0.05)
        for _ in 0..<2 { p1.grad = p1.copy(); a.step() }
        p2.storage = p1.storage
        let saved = a.stateTensors()
        #expect(saved.keys == ["state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq"])
        try b.loadStateTensors(saved)
        p1.grad = p1.copy(); a.step()
        p2.grad = p2.copy(); b.step()
        #expect(p1.storage == p2.storage)
    }

    @Test func stateTensors_Misfit_ThrowsAndKeepsState() throws {
        let p = Tensor(shape: [2], storage: [1, 2], requiresGrad: true)
        let sgd = SGD(parameters: [p], lr: 0.1, momentum: 0.9)
        p.grad = p.copy(); sgd.step()
        var bad = StateDict()
        bad["state.0.momentum_buffer"] = .float32(Tensor.zeros([3]))
        #expect(throws: OptimizerStateError.self) { try sgd.loadStateTensors(bad) }
        #expect(sgd.state(index: 0).first?.1.storage == [1, 2])
        var stray = StateDict()
        stray["state.4.momentum_buffer"] = .float32(Tensor.zeros([2]))
        #expect(throws: OptimizerStateError.self) { try sgd.loadStateTensors(stray) }
    }

    @Test func hyperparameters_UsePyTorchNames() {
        let adam = AdamW(parameters: [])
        #expect(adam.hyperparameters.map(\.0) == ["lr", "beta1", "beta2", "eps", "weight_decay"])
        #expect(adam.weightDecay == 0.01)
        #expect(adam.setHyperparameter("beta1", 0.8) && adam.beta1 == 0.8)
        #expect(!adam.setHyperparameter("momentum", 0.8))
    }
}
