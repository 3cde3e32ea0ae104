import Autograd
import Workbench

// ultimus-bench [conv] [--repeats N] [--algorithms automatic,im2col]
let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}
let sections = Set(arguments.filter { !$0.hasPrefix("-") && arguments.firstIndex(of: $0).map { $0 == 0 || !arguments[$0 - 1].hasPrefix("--") } ?? true })
func wants(_ section: String) -> Bool { sections.isEmpty || sections.contains(section) }

print("ultimus-bench \(workbenchVersion)")
if let t = option("--threads").flatMap(Int.init) { Parallel.threads = t }
let corePeak = Machine.measuredCorePeak()
let cores = System.coreCount
let peak = corePeak * Double(cores)
let clock = corePeak / 32
print("machine: \(cores) cores, measured FMA peak \(fmt(corePeak)) GFLOP/s per core "
      + "(= 32 FLOP/cycle × \(fmt(clock, 2)) GHz), peak \(fmt(peak)) GFLOP/s; /proc/cpuinfo clock "
      + (Machine.reportedClock().map { fmt($0, 2) + " GHz" } ?? "unknown"))

if wants("conv") {
    let repeats = Int(option("--repeats") ?? "") ?? 3
    let algorithms = (option("--algorithms") ?? "automatic,im2col").split(separator: ",")
        .compactMap { Conv2dAlgorithm(rawValue: String($0)) }
    ConvBench.run(batch: Int(option("--batch") ?? "") ?? 512, peak: peak, algorithms: algorithms, repeats: repeats,
                  only: Set((option("--only") ?? "").split(separator: ",").map(String.init)))
}
