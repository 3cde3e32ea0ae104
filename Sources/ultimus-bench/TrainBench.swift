import Autograd
import Layers
import Workbench

/// Training and evaluation throughput of UltimusNet on a synthetic batch, as the PyTorch script
/// measures it: a step is forward, cross-entropy, backward and an Adam step; evaluation is a
/// forward pass in evaluation mode without the tape.
enum TrainBench {
    /// Convolution multiply-adds per image: forward, and a training step (forward + both
    /// backward passes, without conv1's input gradient, which the image does not need).
    static let convMACsPerImage: Double = {
        let layers = ConvBench.layers(batch: 1).map { Double($0.g.multiplyAdds) }
        return layers.reduce(0, +)
    }()
    static let trainMACsPerImage: Double = {
        let layers = ConvBench.layers(batch: 1).map { Double($0.g.multiplyAdds) }
        return 3 * layers.reduce(0, +) - layers[0]
    }()

    struct Setup {
        let model: UltimusNet
        let optimizer: Adam
        let x: Tensor
        let labels: [Int]

        init(variant: UltimusNet.Variant, batch: Int) {
            var generator = SeededGenerator(seed: 1)
            model = UltimusNet(variant: variant, generator: &generator)
            optimizer = Adam(parameters: model.parameters(), lr: 1e-3)
            x = Tensor.randn([batch, 3, 32, 32], using: &generator)
            labels = (0..<batch).map { _ in generator.nextInt(10) }
        }

        func trainStep() { trainStep(x, labels) }

        /// One step on the given batch: forward, cross-entropy, backward, Adam.
        func trainStep(_ images: Tensor, _ labels: [Int]) {
            optimizer.zeroGrad()
            let loss = crossEntropy(model(images), labels: labels)
            loss.backward()
            optimizer.step()
        }

        func evalStep() {
            noGrad { _ = model(x) }
        }
    }

    /// Seconds per call of `body`: the median over runs after `warmup`, running at least
    /// `minimumRuns` times and until `seconds` have passed.
    static func secondsPerRun(warmup: Int = 2, minimumRuns: Int = 5, seconds: Double = 3,
                              _ body: () -> Void) -> Double {
        for _ in 0..<warmup { body() }
        var times: [Double] = []
        let start = Machine.now()
        while times.count < minimumRuns || Machine.now() - start < seconds {
            let t = Machine.now()
            body()
            times.append(Machine.now() - t)
            if times.count >= 200 { break }
        }
        return Machine.median(times)
    }

    struct Result {
        var variant: String, batch: Int, threads: Int
        var trainImgS: Double, evalImgS: Double, peakRSS: Double
        var trainStepMs: Double { 1000 * Double(batch) / trainImgS }

        func json(peak: Double) -> String {
            let trainGFLOPs = trainImgS * 2 * TrainBench.trainMACsPerImage / 1e9
            let evalGFLOPs = evalImgS * 2 * TrainBench.convMACsPerImage / 1e9
            return "{\"framework\": \"ultimus \(workbenchVersion)\", \"variant\": \"\(variant)\", \"batch\": \(batch), "
                + "\"threads\": \(threads), \"train_img_s\": \(fmt(trainImgS)), \"eval_img_s\": \(fmt(evalImgS)), "
                + "\"peak_rss_mib\": \(fmt(peakRSS)), \"train_step_ms\": \(fmt(trainStepMs, 2)), "
                + "\"train_conv_gflop_s\": \(fmt(trainGFLOPs)), \"eval_conv_gflop_s\": \(fmt(evalGFLOPs)), "
                + "\"peak_gflop_s\": \(fmt(peak))}"
        }
    }

    /// Training and evaluation images per second at one batch size; peak RSS is this process's.
    static func measure(variant: UltimusNet.Variant, batch: Int, seconds: Double) -> Result {
        let setup = Setup(variant: variant, batch: batch)
        setup.model.train()
        let train = secondsPerRun(seconds: seconds) { setup.trainStep() }
        setup.model.eval()
        let eval = secondsPerRun(warmup: 1, seconds: seconds / 2) { setup.evalStep() }
        return Result(variant: variant.rawValue, batch: batch, threads: Parallel.threads,
                      trainImgS: Double(batch) / train, evalImgS: Double(batch) / eval, peakRSS: Machine.peakRSSMiB())
    }

    /// Training images per second only (for the batch sweep).
    static func trainRate(variant: UltimusNet.Variant, batch: Int, seconds: Double) -> Double {
        let setup = Setup(variant: variant, batch: batch)
        setup.model.train()
        return Double(batch) / secondsPerRun(warmup: 1, minimumRuns: 3, seconds: seconds) { setup.trainStep() }
    }
}
