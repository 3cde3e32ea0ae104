import Autograd
import Layers
import Workbench

/// Training and evaluation throughput of the default ViT on a synthetic batch, as
/// `bench/torch_vit.py --bench` measures it: a step is forward, cross-entropy, backward and an AdamW
/// step (lr 1e-3, PyTorch's defaults otherwise); evaluation is a forward pass without the tape.
enum ViTBench {
    static func measure(batch: Int, seconds: Double) -> TrainBench.Result {
        var generator = SeededGenerator(seed: 1)
        let model = try! ViT(generator: &generator)
        let optimizer = AdamW(parameters: model.parameters(), lr: 1e-3)
        let x = Tensor.randn([batch, 3, 32, 32], using: &generator)
        let labels = (0..<batch).map { _ in generator.nextInt(10) }
        model.train()
        let train = TrainBench.secondsPerRun(warmup: 3, seconds: seconds) {
            optimizer.zeroGrad()
            crossEntropy(model(x), labels: labels).backward()
            optimizer.step()
        }
        model.eval()
        let eval = TrainBench.secondsPerRun(warmup: 1, seconds: seconds / 2) { noGrad { _ = model(x) } }
        return TrainBench.Result(variant: "vit", batch: batch, threads: Parallel.threads,
                                 trainImgS: Double(batch) / train, evalImgS: Double(batch) / eval,
                                 peakRSS: Machine.peakRSSMiB())
    }

    /// The JSON line: the keys of the UltimusNet lines that apply to a ViT, and its parameter count.
    static func json(_ r: TrainBench.Result) -> String {
        "{\"framework\": \"ultimus \(workbenchVersion)\", \"variant\": \"vit\", \"batch\": \(r.batch), "
            + "\"threads\": \(r.threads), \"train_img_s\": \(fmt(r.trainImgS)), \"eval_img_s\": \(fmt(r.evalImgS)), "
            + "\"peak_rss_mib\": \(fmt(r.peakRSS)), \"train_step_ms\": \(fmt(r.trainStepMs, 2)), \"params\": 142026}"
    }
}
