import Autograd

/// GFLOP/s of the convolution kernels at UltimusNet's layer shapes.
enum ConvBench {
    struct Layer { var name: String; var g: ConvGeometry }

    static func layers(batch: Int) -> [Layer] {
        [("conv1", 3, 16), ("conv2", 16, 32), ("conv3", 32, 48)].map { name, c, o in
            Layer(name: name, g: ConvGeometry(batch: batch, inChannels: c, height: 32, width: 32, outChannels: o,
                                              kernel: 3, padding: 1))
        }
    }

    /// Prints one row per layer and pass for each algorithm; `peak` is the machine's GFLOP/s.
    /// Returns a JSON line per row of the automatic choice: the kernels it runs and their GFLOP/s
    /// (for Winograd an effective figure: the direct convolution's FLOPs over the time).
    @discardableResult
    static func run(batch: Int, peak: Double, algorithms: [Conv2dAlgorithm], repeats: Int,
                    only: Set<String> = []) -> [String] {
        var json: [String] = []
        let chosen = Conv2dKernels.algorithm
        defer { Conv2dKernels.algorithm = chosen }
        print("Convolution kernels, batch \(batch), 32×32, 3×3, padding 1, threads \(Parallel.threads) "
              + "(median of \(repeats); GFLOP/s = 2·MACs / time)")
        print(pad("layer", 6) + pad("pass", 16) + pad("algorithm", 11) + pad("runs", 10) + pad("ms", 9)
              + pad("GFLOP/s", 9) + pad("peak %", 8) + pad("best GFLOP/cpu-s", 17))
        var rng = SeededGenerator(seed: 1)
        for layer in layers(batch: batch) where only.isEmpty || only.contains(layer.name) {
            let g = layer.g
            let x = (0..<g.inputCount).map { _ in rng.nextUniform(-1, 1) }
            let w = (0..<g.weightCount).map { _ in rng.nextUniform(-0.2, 0.2) }
            let b = (0..<g.outChannels).map { _ in rng.nextUniform(-0.2, 0.2) }
            let dy = (0..<g.outputCount).map { _ in rng.nextUniform(-1, 1) }
            var y = [Float](repeating: 0, count: g.outputCount), dx = [Float](repeating: 0, count: g.inputCount)
            var dw = [Float](repeating: 0, count: g.weightCount), db = [Float](repeating: 0, count: g.outChannels)
            let flops = 2 * Double(g.multiplyAdds)
            for algorithm in algorithms {
                Conv2dKernels.algorithm = algorithm
                let passes: [(KernelProfile.Pass, () -> Void)] = [
                    (.forward, { Conv2dKernels.forward(g, input: x, weight: w, bias: b, output: &y) }),
                    (.backwardInput, { Conv2dKernels.backwardInput(g, gradOutput: dy, weight: w, gradInput: &dx) }),
                    (.backwardWeight, {
                        Conv2dKernels.backwardWeight(g, input: x, gradOutput: dy, gradWeight: &dw, gradBias: &db)
                    }),
                ]
                let namesPasses = only.contains { $0.hasPrefix("f") || $0.hasPrefix("b") }
                for (pass, body) in passes where only.isEmpty || only.contains(pass.rawValue) || !namesPasses {
                    let m = Machine.measure(repeats: repeats, body)
                    let t = Machine.median(m.wall), cpu = m.cpu.min() ?? .nan
                    let gflops = flops / t / 1e9
                    print(pad(layer.name, 6) + pad(pass.rawValue, 16) + pad(algorithm.rawValue, 11)
                          + pad(Conv2dKernels.method(g, pass).rawValue, 10) + pad(fmt(t * 1000, 2), 9)
                          + pad(fmt(gflops), 9) + pad(fmt(100 * gflops / peak), 8) + pad(fmt(flops / cpu / 1e9), 17))
                    guard algorithm == chosen else { continue }
                    json.append("{\"layer\": \"\(layer.name)\", \"pass\": \"\(pass.rawValue)\", \"batch\": \(batch), "
                        + "\"threads\": \(Parallel.threads), "
                        + "\"method\": \"\(Conv2dKernels.method(g, pass).rawValue)\", "
                        + "\"ms\": \(fmt(t * 1000, 2)), \"gflop_s\": \(fmt(gflops))}")
                }
            }
        }
        return json
    }
}
