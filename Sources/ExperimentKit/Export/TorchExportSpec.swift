import Layers
/// Everything `export torch` writes into a PyTorch script: the model, its weights, the optimizer,
/// the schedule, the data and its augmentation, and how long to train.
public struct TorchExportSpec {
    /// `torch.optim` settings, with PyTorch's names and defaults.
    public enum Optimizer: Equatable {
        case adam(lr: Double, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, weightDecay: Double = 0,
                  amsgrad: Bool = false)
        case adamw(lr: Double, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, weightDecay: Double = 0.01,
                   amsgrad: Bool = false)
        case sgd(lr: Double, momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false,
                 weightDecay: Double = 0)

        public static func == (a: Optimizer, b: Optimizer) -> Bool { a.python == b.python }

        /// The constructor call, `torch.optim.Adam(params, lr=0.001, ...)`.
        public var python: String {
            let f = TorchExport.number
            switch self {
            case let .adam(lr, betas, eps, wd, amsgrad):
                return "torch.optim.Adam(params, lr=\(f(lr)), betas=(\(f(betas.0)), \(f(betas.1))), eps=\(f(eps)), "
                       + "weight_decay=\(f(wd))\(amsgrad ? ", amsgrad=True" : ""))"
            case let .adamw(lr, betas, eps, wd, amsgrad):
                return "torch.optim.AdamW(params, lr=\(f(lr)), betas=(\(f(betas.0)), \(f(betas.1))), eps=\(f(eps)), "
                       + "weight_decay=\(f(wd))\(amsgrad ? ", amsgrad=True" : ""))"
            case let .sgd(lr, momentum, dampening, nesterov, wd):
                return "torch.optim.SGD(params, lr=\(f(lr)), momentum=\(f(momentum)), dampening=\(f(dampening)), "
                       + "nesterov=\(nesterov ? "True" : "False"), weight_decay=\(f(wd)))"
            }
        }
    }

    /// `torch.optim.lr_scheduler` settings; `nil` in ``schedule`` keeps the optimizer's LR.
    public enum Schedule: Equatable {
        /// OneCycleLR, stepped once per batch.
        case oneCycle(maxLR: Double, totalSteps: Int, pctStart: Double = 0.3, annealStrategy: String = "cos",
                      divFactor: Double = 25, finalDivFactor: Double = 1e4, threePhase: Bool = false,
                      cycleMomentum: Bool = true, baseMomentum: Double = 0.85, maxMomentum: Double = 0.95)
        /// StepLR, stepped once per batch (the workbench counts its steps in batches).
        case step(stepSize: Int, gamma: Double)

        public var python: String {
            let f = TorchExport.number
            switch self {
            case let .oneCycle(maxLR, total, pct, anneal, div, finalDiv, three, cycle, base, maxM):
                return "torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=\(f(maxLR)), total_steps=\(total), "
                       + "pct_start=\(f(pct)), "
                    + "anneal_strategy=\"\(anneal)\", div_factor=\(f(div)), final_div_factor=\(f(finalDiv)), "
                    + "three_phase=\(three ? "True" : "False"), "
                    + "cycle_momentum=\(cycle ? "True" : "False"), base_momentum=\(f(base)), max_momentum=\(f(maxM)))"
            case let .step(size, gamma):
                return "torch.optim.lr_scheduler.StepLR(optimizer, step_size=\(size), gamma=\(f(gamma)))"
            }
        }
    }

    /// The training images.
    public enum Data {
        /// CIFAR-10 read by the script from a folder (`cifar-10-batches-bin`, `cifar-10-batches-py` or
        /// `train/<class>/*.png|jpg` + `test/...`); `path` is the default of `--data`.
        case folder(path: String)
        /// Images written next to the script (`NAME.data.safetensors`): `[N, 3, H, W]` bytes and labels.
        case embedded(train: (images: [UInt8], labels: [Int]), test: (images: [UInt8], labels: [Int]), height: Int,
                      width: Int)
    }

    public var variant: String
    /// The ViT's settings when the model is a ``ViT`` (the script builds bench/torch_vit.py's `ViT`).
    public var vit: ViTConfig?
    /// `sample` (the specification) or `batch` (the seed's batch-mixing mistake).
    public var attention: String
    public var optimizer: Optimizer
    public var schedule: Schedule?
    public var data: Data
    public var classNames: [String]
    public var mean: [Float]
    public var std: [Float]
    public var crop: Bool
    public var flip: Bool
    public var cutout: Bool
    public var padding: Int
    public var cutoutSize: Int
    public var flipProbability: Double
    public var cutoutProbability: Double
    public var epochs: Int
    /// Epochs already trained with these weights (the schedule is fast-forwarded by as many steps).
    public var startEpoch: Int
    /// Scheduler steps already taken (the session's schedule position); `nil`: whole epochs.
    public var scheduleStep: Int?
    /// The optimizer's state (`state.<index>.<name>`, PyTorch's names) to continue from, if any.
    public var optimizerState: StateDict?
    public var batchSize: Int
    public var seed: UInt64
    /// `initial` or `current`: which weights the safetensors file holds (for the header comment).
    public var weightsLabel: String

    public init(variant: String, attention: String = "sample", optimizer: Optimizer, schedule: Schedule? = nil,
                data: Data, classNames: [String], mean: [Float], std: [Float],
                crop: Bool = false, flip: Bool = false, cutout: Bool = false, padding: Int = 4, cutoutSize: Int = 8,
                flipProbability: Double = 0.5, cutoutProbability: Double = 0.5,
                epochs: Int, startEpoch: Int = 0, batchSize: Int, seed: UInt64, weightsLabel: String = "current") {
        self.variant = variant
        self.attention = attention
        self.optimizer = optimizer
        self.schedule = schedule
        self.data = data
        self.classNames = classNames
        self.mean = mean
        self.std = std
        self.crop = crop
        self.flip = flip
        self.cutout = cutout
        self.padding = padding
        self.cutoutSize = cutoutSize
        self.flipProbability = flipProbability
        self.cutoutProbability = cutoutProbability
        self.epochs = epochs
        self.startEpoch = startEpoch
        self.batchSize = batchSize
        self.seed = seed
        self.weightsLabel = weightsLabel
    }
}
