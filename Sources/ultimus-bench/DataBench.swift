import Autograd
import Datasets
import Foundation
import Workbench

/// Dataset and start-up figures: cold and cached load of the CIFAR-10 image folder at `ULTIMUS_DATA`
/// (the cold load decodes into a fresh temporary cache folder, which is removed afterwards), the
/// loader's rate with augmentation, and how long `ultimus-repl` takes from start to reading input.
enum DataBench {
    static func run(root: String, batch: Int) {
        let cacheFolder = NSTemporaryDirectory() + "ultimus-bench-cache-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: cacheFolder) }
        let cache = DecodedCache(folder: cacheFolder)
        print("Data: CIFAR-10 image folder \(root)")
        var splits: DataSplits
        do {
            let start = Machine.now()
            splits = try ImageFolder.loadSplits(root: root, cache: cache)
            print("  cold load (decode + write cache)   \(fmt(Machine.now() - start, 2)) s, "
                  + "\(splits.train.count) train + \(splits.test.count) test images")
            var times: [Double] = []
            for _ in 0..<5 {
                let t = Machine.now()
                splits = try ImageFolder.loadSplits(root: root, cache: cache)
                times.append(Machine.now() - t)
            }
            print("  cached load                         \(fmt(Machine.median(times), 3)) s (median of 5)")
        } catch {
            print("  could not load: \(error)")
            return
        }
        let loader = DataLoader(set: splits.train, batchSize: batch, shuffle: true, augmentation: .standard,
                                normalization: .cifar10, seed: 1)
        loader.prefetch = false
        let batches = Swift.min(20, loader.batchesPerEpoch)
        let start = Machine.now(), cpu = Machine.threadCPUTime()
        for _ in 0..<batches { _ = loader.next() }
        let seconds = Machine.now() - start
        let cpuPerBatch = 1000 * (Machine.threadCPUTime() - cpu) / Double(batches)
        print("  loader, crop+flip+cutout, batch \(batch)  \(fmt(Double(batches * batch) / seconds)) img/s "
              + "(\(fmt(1000 * seconds / Double(batches), 1)) ms per batch on one thread; "
              + "CPU \(fmt(cpuPerBatch, 1)) ms)")
        let (fed, fixed) = epochShare(set: splits.train, batch: batch)
        print("  bnrelu training steps fed by the loader \(fmt(1000 * fed)) ms "
              + "vs one fixed batch \(fmt(1000 * fixed)) ms "
              + "(median step): data costs \(fmt(100 * (fed / fixed - 1), 1)) % of compute")
    }

    /// Median seconds of bnrelu training steps on batches from a prefetching, augmenting loader, and
    /// of the same number of steps on one fixed batch, alternating so both see the same machine load.
    static func epochShare(set: ImageSet, batch: Int, steps: Int = 6) -> (fed: Double, fixed: Double) {
        let setup = TrainBench.Setup(variant: .bnrelu, batch: batch)
        setup.model.train()
        let loader = DataLoader(set: set, batchSize: batch, shuffle: true, dropLast: true, augmentation: .standard,
                                normalization: .cifar10, seed: 1)
        setup.trainStep()
        var fed: [Double] = [], fixed: [Double] = []
        for _ in 0..<steps {
            var start = Machine.now()
            guard let b = loader.next() ?? loader.next() else { break }
            setup.trainStep(b.images, b.labels)
            fed.append(Machine.now() - start)
            start = Machine.now()
            setup.trainStep()
            fixed.append(Machine.now() - start)
        }
        return (Machine.median(fed), Machine.median(fixed))
    }

    /// Seconds from starting `ultimus-repl` (next to this executable) until it has read `quit` from a
    /// pipe and exited: start-up to the first prompt plus a negligible exit. `nil` when it is not built.
    static func replStart() -> Double? {
        let path = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("ultimus-repl").path
        guard FileManager.default.isExecutableFile(atPath: path) else { return nil }
        var times: [Double] = []
        for _ in 0..<5 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = ["--out", NSTemporaryDirectory() + "ultimus-bench-out"]
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = output
            let start = Machine.now()
            do { try process.run() } catch { return nil }
            input.fileHandleForWriting.write(Data("quit\n".utf8))
            try? input.fileHandleForWriting.close()
            _ = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            times.append(Machine.now() - start)
        }
        return Machine.median(times)
    }
}
