import Autograd
import Foundation
import Workbench

// ultimus-bench [quick] [conv] [train] [vit] [sweep] [breakdown] [data] [--threads N] [--repeats N] [--seconds S]
//               [--algorithms automatic,im2col] [--only conv3,forward] [--batch N] [--kernels direct]
// With no section named, all run; `quick` is `conv train` with the automatic kernels only.
// Training figures come from a child process per measurement,
// so each peak RSS is that of training one model alone.
let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}
let positional: [String] = {
    var result: [String] = [], skip = false
    for a in arguments { if skip { skip = false } else if a.hasPrefix("--") { skip = true } else { result.append(a) } }
    return result
}()
if let t = option("--threads").flatMap(Int.init) { Parallel.threads = t }
// `--kernels direct` measures training without Winograd, to compare in one sitting.
if let name = option("--kernels"), let a = Conv2dAlgorithm(rawValue: name) { Conv2dKernels.algorithm = a }
let seconds = Double(option("--seconds") ?? "") ?? 3

// Child mode: `child train|sweep|breakdown VARIANT BATCH`, prints machine-readable lines.
if positional.first == "child", positional.count == 4, positional[2] == "vit", let batch = Int(positional[3]) {
    let r = ViTBench.measure(batch: batch, seconds: seconds)
    print("RESULT \(r.trainImgS) \(r.evalImgS) \(r.peakRSS)")
    exit(0)
}
if positional.first == "child", positional.count == 4, let variant = UltimusNet.Variant(rawValue: positional[2]),
   let batch = Int(positional[3]) {
    switch positional[1] {
    case "train":
        let r = TrainBench.measure(variant: variant, batch: batch, seconds: seconds)
        print("RESULT \(r.trainImgS) \(r.evalImgS) \(r.peakRSS)")
    case "sweep":
        print("RESULT \(TrainBench.trainRate(variant: variant, batch: batch, seconds: seconds))")
    default:
        StepBreakdown.print(StepBreakdown.run(variant: variant, batch: batch), variant: variant.rawValue, batch: batch)
    }
    exit(0)
}

/// Runs this executable in child mode and returns its output lines.
func child(_ mode: String, _ variant: String, _ batch: Int) -> [String] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    process.arguments = ["child", mode, variant, String(batch), "--threads", String(Parallel.threads),
                         "--seconds", String(mode == "sweep" ? seconds / 2 : seconds),
                         "--kernels", Conv2dKernels.algorithm.rawValue]
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { print("could not start a child process: \(error)"); return [] }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
}
func resultNumbers(_ lines: [String]) -> [Double] {
    guard let line = lines.first(where: { $0.hasPrefix("RESULT ") }) else { return [] }
    return line.split(separator: " ").dropFirst().compactMap { Double($0) }
}

let quick = positional.contains("quick")
let sections = quick ? Set(["conv", "train"]) : Set(positional)
func wants(_ section: String) -> Bool { sections.isEmpty || sections.contains(section) }

print("ultimus-bench \(workbenchVersion)")
let corePeak = Machine.measuredCorePeak()
let cores = System.coreCount
let peak = corePeak * Double(Swift.min(cores, Parallel.threads))
print("machine: \(cores) cores, \(Parallel.threads) threads; measured FMA peak \(fmt(corePeak)) GFLOP/s per core "
      + "(32 FLOP/cycle × \(fmt(corePeak / 32, 2)) GHz), peak \(fmt(peak)) GFLOP/s at \(Parallel.threads) threads; "
      + "load average \(fmt(Machine.loadAverage(), 2)) (other processes share the cores)")

var jsonLines: [String] = []
if wants("conv") {
    let repeats = Int(option("--repeats") ?? "") ?? 3
    let defaultAlgorithms = quick ? Conv2dKernels.algorithm.rawValue : "automatic,im2col"
    let algorithms = (option("--algorithms") ?? defaultAlgorithms).split(separator: ",")
        .compactMap { Conv2dAlgorithm(rawValue: String($0)) }
    jsonLines += ConvBench.run(batch: Int(option("--batch") ?? "") ?? 512, peak: peak, algorithms: algorithms,
                               repeats: repeats,
                               only: Set((option("--only") ?? "").split(separator: ",").map(String.init)))
    print("")
}

let batch = Int(option("--batch") ?? "") ?? 512
if wants("train") {
    print("Training (forward + backward + Adam) and evaluation, synthetic batch \(batch), median step time")
    print(pad("variant", 8) + pad("train img/s", 13) + pad("eval img/s", 12) + pad("step ms", 9)
          + pad("train conv GFLOP/s", 20) + pad("peak %", 8) + pad("peak RSS MiB", 14))
    for variant in UltimusNet.Variant.allCases {
        let n = resultNumbers(child("train", variant.rawValue, batch))
        guard n.count == 3 else { print(pad(variant.rawValue, 8) + "  failed"); continue }
        let r = TrainBench.Result(variant: variant.rawValue, batch: batch, threads: Parallel.threads,
                                  trainImgS: n[0], evalImgS: n[1], peakRSS: n[2])
        let gflops = r.trainImgS * 2 * TrainBench.trainMACsPerImage / 1e9
        print(pad(variant.rawValue, 8) + pad(fmt(r.trainImgS), 13) + pad(fmt(r.evalImgS), 12)
              + pad(fmt(r.trainStepMs), 9) + pad(fmt(gflops), 20) + pad(fmt(100 * gflops / peak), 8)
              + pad(fmt(r.peakRSS), 14))
        jsonLines.append(r.json(peak: peak))
    }
    print("")
}

if wants("train") || sections.contains("vit") {
    let n = resultNumbers(child("train", "vit", batch))
    if n.count == 3 {
        let r = TrainBench.Result(variant: "vit", batch: batch, threads: Parallel.threads, trainImgS: n[0],
                                  evalImgS: n[1], peakRSS: n[2])
        print("ViT (default, 142,026 parameters): train \(fmt(r.trainImgS)) img/s, eval \(fmt(r.evalImgS)) img/s, "
              + "step \(fmt(r.trainStepMs)) ms, peak RSS \(fmt(r.peakRSS)) MiB\n")
        jsonLines.append(ViTBench.json(r))
    } else {
        print("ViT: failed\n")
    }
}

if wants("sweep") {
    let batches = [32, 64, 128, 256, 512, 1024]
    print("Batch sweep: training img/s (median step)")
    print(pad("variant", 8) + batches.map { pad(String($0), 9) }.joined() + pad("64 vs 512", 11))
    for variant in UltimusNet.Variant.allCases {
        let rates = batches.map { resultNumbers(child("sweep", variant.rawValue, $0)).first ?? .nan }
        print(pad(variant.rawValue, 8) + rates.map { pad(fmt($0), 9) }.joined()
              + pad(fmt(100 * rates[1] / rates[4]) + " %", 11))
    }
    print("")
}

if wants("breakdown") {
    for variant in UltimusNet.Variant.allCases {
        for line in child("breakdown", variant.rawValue, batch) { print(line) }
        print("")
    }
}

if wants("data") {
    // The dataset figures need the dataset; the start-up time needs ultimus-repl built next to this.
    if let root = ProcessInfo.processInfo.environment["ULTIMUS_DATA"], !root.isEmpty {
        DataBench.run(root: root, batch: batch)
    } else {
        print("Data: set ULTIMUS_DATA to a CIFAR-10 image folder for load and loader figures")
    }
    if let start = DataBench.replStart() {
        print("REPL start to prompt (start, read 'quit', exit)  \(fmt(start, 3)) s (median of 5)")
    } else {
        print("REPL start: build ultimus-repl in the same configuration to measure it")
    }
    print("")
}

for line in jsonLines { print(line) }
