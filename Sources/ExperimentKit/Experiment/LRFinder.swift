import Datasets
import Foundation
import Layers

/// Settings of an LR range test, with torch-lr-finder's defaults.
public struct LRFinderSettings: Codable, Equatable, Sendable {
    /// How the LR grows from `start` to `end`.
    public enum Mode: String, SettingWord { case exp, linear }

    public var start = 1e-7
    public var end = 10.0
    public var iterations = 100
    public var mode = Mode.exp
    /// EMA factor f of the loss: s_i = f·L_i + (1−f)·s_{i−1} (0 = no smoothing).
    public var smooth = 0.05
    /// Stop when the smoothed loss exceeds diverge × the best so far.
    public var diverge = 5.0

    public init() {}

    /// The LR of iteration `i` of N: exp `start·(end/start)^(i/(N−1))`, linear `start + i/(N−1)·(end−start)`.
    public func lr(at i: Int) -> Double {
        let t = Double(i) / Double(max(1, iterations - 1))
        return mode == .linear ? start + t * (end - start) : start * pow(end / start, t)
    }
}

/// The outcome of an LR range test: the curve and the suggestions.
public struct LRFinderResult: Codable, Equatable, Sendable {
    public var settings: LRFinderSettings
    /// The LR used by each iteration's update.
    public var lrs: [Double]
    /// The smoothed losses (torch-lr-finder's history).
    public var losses: [Double]
    /// The raw batch losses.
    public var rawLosses: [Double]
    /// Whether the test stopped early because the loss diverged.
    public var diverged: Bool
    /// torch-lr-finder's suggestion: argmin of np.gradient over losses[10 : n−5].
    public var steepest: Double?
    /// fastai's `minimum`: the LR of the lowest loss, divided by 10.
    public var minimum: Double?
    /// fastai's `valley`: about halfway down the longest decreasing stretch.
    public var valley: Double?

    /// Index of each suggestion in ``lrs`` (for marking the curve).
    public var steepestIndex: Int?
    public var minimumIndex: Int?
    public var valleyIndex: Int?
}

extension LRFinderResult {
    /// Whether the (smoothed) loss never went below its first value: the suggestions then mean little.
    public var lossNeverFell: Bool {
        guard let first = losses.first else { return false }
        return !losses.dropFirst().contains { $0.isFinite && $0 < first }
    }

    /// Computes the three suggestions from the curve (nil where there are too few points).
    mutating func suggest() {
        let n = losses.count
        // torch-lr-finder plot(): skip_start 10, skip_end 5, argmin of np.gradient.
        let skipStart = 10, skipEnd = 5
        if n >= skipStart + skipEnd + 2 {
            let trimmed = Array(losses[skipStart..<(n - skipEnd)])
            let g = Self.gradient(trimmed)
            if let k = g.indices.min(by: { g[$0] < g[$1] }) {
                steepestIndex = skipStart + k
                steepest = lrs[skipStart + k]
            }
        }
        // fastai: lrs[num_it//10 : -5], cut at the first NaN.
        let lo = settings.iterations / 10
        guard n - 5 > lo + 1 else { return }
        var window = Array(losses[lo..<(n - 5)])
        if let nan = window.firstIndex(where: { !$0.isFinite }) { window = Array(window[..<nan]) }
        guard window.count >= 2 else { return }
        if let k = window.indices.min(by: { window[$0] < window[$1] }) {
            minimumIndex = lo + k
            // fastai divides by 10 even below the swept range; keep the suggestion inside it.
            minimum = max(lrs[lo + k] / 10, lrs[0])
        }
        let v = Self.valley(window)
        valleyIndex = lo + v
        valley = lrs[lo + v]
    }

    /// NumPy's `gradient` with unit spacing: central differences inside, one-sided at the ends.
    static func gradient(_ y: [Double]) -> [Double] {
        let n = y.count
        guard n >= 2 else { return [Double](repeating: 0, count: n) }
        return (0..<n).map { i in
            if i == 0 { return y[1] - y[0] }
            if i == n - 1 { return y[n - 1] - y[n - 2] }
            return (y[i + 1] - y[i - 1]) / 2
        }
    }

    /// fastai's valley rule: the longest decreasing run (O(n²) DP), then
    /// `start + int((end−start)/3) + int((end−start)/6)`.
    static func valley(_ losses: [Double]) -> Int {
        let n = losses.count
        var lds = [Int](repeating: 1, count: n)
        var maxStart = 0, maxEnd = 0
        for i in 1..<max(1, n) {
            for j in 0..<i {
                if losses[i] < losses[j], lds[i] < lds[j] + 1 { lds[i] = lds[j] + 1 }
                if lds[maxEnd] < lds[i] {
                    maxEnd = i
                    maxStart = maxEnd - lds[maxEnd]
                }
            }
        }
        let sections = Double(maxEnd - maxStart) / 3
        return min(n - 1, max(0, maxStart + Int(sections) + Int(sections / 2)))
    }
}

extension Experiment {
    /// An LR range test (torch-lr-finder's `range_test`): one update per iteration on training
    /// batches at a rising LR, the smoothed loss recorded, stopping when it diverges. Afterwards
    /// the weights, buffers, optimizer state and hyperparameters, gradients, generators and the
    /// loader position are exactly as before (also on Ctrl-C or an error).
    /// - Parameter progress: (iteration, iterations, lr, smoothed loss) after each iteration.
    /// - Throws: ``Interrupted`` on Ctrl-C (state restored).
    public func findLR(_ settings: LRFinderSettings, source: DataSource, shouldStop: () -> Bool = { false },
                       progress: ((Int, Int, Double, Double) -> Void)? = nil) throws -> LRFinderResult {
        let data = try ensureData(source: source)
        let model = try requireModel()
        try Self.checkModel(model, classes: data.classNames.count, source: data.settings.source,
                            side: data.splits.train.height)
        let (optimizer, _) = try ensureOptimizer()
        let snapshot = try StateSnapshot(experiment: self, model: model, optimizer: optimizer)
        defer { snapshot.restore(experiment: self, model: model, optimizer: optimizer) }
        let loader = data.trainLoader
        var result = LRFinderResult(settings: settings, lrs: [], losses: [], rawLosses: [], diverged: false)
        var best = Double.infinity
        model.train()
        for i in 0..<settings.iterations {
            if shouldStop() { throw Interrupted("lrfind") }
            var batch = loader.next()
            if batch == nil { batch = loader.next() }
            guard let batch else { break }
            let lr = settings.lr(at: i)
            optimizer.lr = lr
            optimizer.zeroGrad()
            let loss = crossEntropy(model(batch.images), labels: batch.labels)
            let raw = Double(loss.item)
            let smoothed = i == 0 || settings.smooth == 0 || result.losses.isEmpty
                ? raw : settings.smooth * raw + (1 - settings.smooth) * result.losses[result.losses.count - 1]
            result.lrs.append(lr)
            result.rawLosses.append(raw)
            result.losses.append(smoothed)
            progress?(i + 1, settings.iterations, lr, smoothed)
            if !smoothed.isFinite { result.diverged = true; break }
            best = min(best, smoothed)
            if smoothed > settings.diverge * best { result.diverged = true; break }
            loss.backward()
            optimizer.step()
        }
        result.suggest()
        return result
    }
}

/// Everything an LR range test (or a failed command) may change, copied so it can be put back.
struct StateSnapshot {
    let weights: StateDict
    let optimizerState: StateDict
    let hyperparameters: [(String, Double)]
    let gradients: [Tensor?]
    let volatile: Experiment.Volatile
    let wasTraining: Bool

    init(experiment: Experiment, model: Module, optimizer: Optimizer) throws {
        weights = model.stateDict()
        optimizerState = optimizer.stateTensors()
        hyperparameters = optimizer.hyperparameters
        gradients = model.parameters().map { $0.grad?.copy() }
        volatile = experiment.captureVolatile()
        wasTraining = model.isTraining
    }

    func restore(experiment: Experiment, model: Module, optimizer: Optimizer) {
        _ = try? model.load(stateDict: weights)
        try? optimizer.loadStateTensors(optimizerState)
        for (name, value) in hyperparameters { _ = optimizer.setHyperparameter(name, value) }
        for (p, g) in zip(model.parameters(), gradients) { p.grad = g }
        experiment.restoreVolatile(volatile)
        model.train(wasTraining)
    }
}
