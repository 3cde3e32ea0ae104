import Autograd
import Workbench

/// Where one training step's time goes: each stage of the forward pass timed around the module
/// calls (as `UltimusNet.forward` makes them), the backward pass split into convolution kernels
/// and the rest, and the optimizer.
enum StepBreakdown {
    /// Rows of (stage, wall seconds, CPU seconds of all threads), averaged over `steps` steps.
    static func run(variant: UltimusNet.Variant, batch: Int, steps: Int = 3) -> [(String, Double, Double)] {
        let setup = TrainBench.Setup(variant: variant, batch: batch)
        let model = setup.model
        model.train()
        for _ in 0..<2 { setup.trainStep() }
        var order: [String] = [], total: [String: Double] = [:], cpuTotal: [String: Double] = [:]
        func add(_ name: String, _ seconds: Double, cpu: Double = .nan) {
            if total[name] == nil { order.append(name) }
            total[name, default: 0] += seconds / Double(steps)
            cpuTotal[name, default: 0] += cpu / Double(steps)
        }
        func time<T>(_ name: String, _ body: () -> T) -> T {
            let start = Machine.now(), cpu = Machine.cpuTime()
            let result = body()
            add(name, Machine.now() - start, cpu: Machine.cpuTime() - cpu)
            return result
        }
        for _ in 0..<steps {
            let stepStart = Machine.now(), stepCPU = Machine.cpuTime()
            time("zero grad") { setup.optimizer.zeroGrad() }
            var h = setup.x
            for (i, conv) in model.convs.enumerated() {
                h = time("conv\(i + 1) forward") { conv(h) }
                if variant == .bnrelu {
                    let norm = model.norms[i]
                    h = time("bn\(i + 1) + relu forward (fused)") { norm.normalizedReLU(h) }
                }
            }
            h = time("global average pool forward") { h.mean(axes: [2, 3]) }
            for block in model.blocks { h = time("ultimus ×4 forward (attention)") { block(h) } }
            let loss = time("fc + cross-entropy forward") { crossEntropy(model.fc(h), labels: setup.labels) }
            Conv2dKernels.profile = KernelProfile()
            let backwardStart = Machine.now(), backwardCPU = Machine.cpuTime()
            loss.backward()
            let backward = Machine.now() - backwardStart, backwardCPUTime = Machine.cpuTime() - backwardCPU
            let conv = Conv2dKernels.profile ?? KernelProfile()
            Conv2dKernels.profile = nil
            add("conv backward: input gradients (kernels)", conv[.backwardInput])
            add("conv backward: weight gradients (kernels)", conv[.backwardWeight])
            add("other backward (bn, relu, pool, attention, loss, tape)", backward - conv.total)
            add("backward total", backward, cpu: backwardCPUTime)
            time("adam step") { setup.optimizer.step() }
            add("step total", Machine.now() - stepStart, cpu: Machine.cpuTime() - stepCPU)
        }
        return order.map { ($0, total[$0]!, cpuTotal[$0]!) }
    }

    static func print(_ rows: [(String, Double, Double)], variant: String, batch: Int) {
        let step = rows.first { $0.0 == "step total" }?.1 ?? .nan
        Swift.print("Training step breakdown, \(variant), batch \(batch) "
                    + "(mean of 3 steps; data: one synthetic batch, reused; CPU = seconds of all threads)")
        Swift.print("  " + "stage".padding(56) + pad("wall ms", 10) + pad("share", 8) + pad("CPU ms", 10))
        for (name, seconds, cpu) in rows {
            Swift.print("  " + name.padding(56) + pad(fmt(seconds * 1000, 1), 10)
                        + pad(fmt(100 * seconds / step, 1) + "%", 8) + pad(fmt(cpu * 1000, 1), 10))
        }
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
