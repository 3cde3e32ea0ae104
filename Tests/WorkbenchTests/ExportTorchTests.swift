import Autograd
import Foundation
import Layers
import Testing
@testable import ExperimentKit
@testable import Workbench

@Suite struct ExportTorchTests {
    private func spec(data: TorchExportSpec.Data) -> TorchExportSpec {
        TorchExportSpec(
            variant: "bnrelu", optimizer: .adam(lr: 4e-3 / 25, weightDecay: 0),
            schedule: .oneCycle(maxLR: 4e-3, totalSteps: 4, pctStart: 5.0 / 24, annealStrategy: "linear"),
            data: data, classNames: ["a", "b", "c"], mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25],
            crop: true, flip: true, cutout: true, epochs: 2, batchSize: 4, seed: 1, weightsLabel: "initial")
    }

    private func embedded() -> TorchExportSpec.Data {
        var g = SeededGenerator(seed: 2)
        let images = (0..<(8 * 3 * 32 * 32)).map { _ in UInt8(g.nextInt(256)) }
        return .embedded(train: (images, (0..<8).map { $0 % 3 }), test: (Array(images.prefix(4 * 3072)), [0, 1, 2, 0]),
                         height: 32, width: 32)
    }

    /// `(name, shape)` pairs of the script's PARAMETERS block.
    private func declared(in script: String) -> [(String, [Int])] {
        script.split(separator: "\n").compactMap { line -> (String, [Int])? in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("(\""), let close = t.dropFirst(2).firstIndex(of: "\"") else { return nil }
            let name = String(t[t.index(t.startIndex, offsetBy: 2)..<close])
            let dims = t[close...].split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            return (name, dims)
        }
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func optimizersAreWrittenWithPyTorchsArguments() {
        #expect(TorchExportSpec.Optimizer.adam(lr: 1e-3).python
                == "torch.optim.Adam(params, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0)")
        #expect(TorchExportSpec.Optimizer.adamw(lr: 1e-3, amsgrad: true).python
                .hasSuffix("weight_decay=0.01, amsgrad=True)"))
    }

    @Test func declaredParametersMatchTheSafetensorsFile() throws {
        let folder = TemporaryFolder()
        let model = InspectionFixtures.model(.bnrelu)
        let written = try TorchExport.write(spec(data: .folder(path: "/data/cifar10")), model: model,
                                            to: folder.path + "/train.py")
        let script = try String(contentsOfFile: written.script, encoding: .utf8)
        let file = try SafeTensors.read(path: written.weights)
        let pairs = declared(in: script)
        #expect(pairs.map(\.0) == file.entries.map(\.name))
        #expect(pairs.map(\.1) == file.entries.map(\.shape))
        #expect(pairs.map(\.0) == model.stateDict().keys)
        #expect(script.contains("OneCycleLR(optimizer, max_lr=0.004, total_steps=steps(4)"))
        #expect(script.contains("torch.optim.Adam(params, lr=0.00016"))
        #expect(written.data == nil)
        #expect(throws: InspectionError.self) {
            try TorchExport.write(spec(data: .folder(path: "x")), model: model, to: folder.path + "/train.txt")
        }
    }

    @Test func scriptCompiles() throws {
        let folder = TemporaryFolder()
        let written = try TorchExport.write(spec(data: embedded()), model: InspectionFixtures.model(),
                                            to: folder.path + "/exported.py")
        let (status, output) = try run("/usr/bin/env", ["python3", "-m", "py_compile", written.script])
        #expect(status == 0, "\(output)")
        #expect(FileManager.default.fileExists(atPath: try #require(written.data)))
    }

    /// Runs the script for real when `ULTIMUS_TORCH_PYTHON` names a Python with torch.
    @Test func scriptTrainsInPyTorch() throws {
        guard let python = ProcessInfo.processInfo.environment["ULTIMUS_TORCH_PYTHON"],
              FileManager.default.isExecutableFile(atPath: python) else {
            print("scriptTrainsInPyTorch: not running the script (set ULTIMUS_TORCH_PYTHON to a Python with torch)")
            return
        }
        let folder = TemporaryFolder()
        let model = InspectionFixtures.model(.bnrelu)
        let written = try TorchExport.write(spec(data: embedded()), model: model, to: folder.path + "/exported.py")
        let saved = folder.path + "/after.safetensors"
        let (status, output) = try run(python, [written.script, "--max-steps", "2", "--threads", "1", "--save", saved])
        #expect(status == 0, "\(output)")
        #expect(output.contains("Test set: Average loss:"))
        // The trained weights load back into the workbench's model under the same names.
        let file = try SafeTensors.read(path: saved)
        #expect(Set(file.entries.map(\.name)) == Set(model.stateDict().keys))
    }

    /// A ViT session exports bench/torch_vit.py's model with its settings as Python literals, loads
    /// its weights strictly and trains on (run for real when `ULTIMUS_TORCH_PYTHON` names a Python
    /// with torch).
    @Test func vitSessionExportsTheTorchViT() throws {
        let bench = InspectionBench()
        bench.run("model vit patch=8 dim=16 depth=2 heads=2 mlp_ratio=2 pool=mean")
        bench.run("optim adamw lr=1e-3 weight_decay=0.05")
        bench.run("train steps=2")
        let path = bench.folder.path + "/vit.py"
        bench.run("export torch \(path)")
        let script = try String(contentsOfFile: path, encoding: .utf8)
        #expect(script.contains("VIT = dict(patch=8, dim=16, depth=2, heads=2, mlp_ratio=2, classes=10, pool=\"mean\", "
                                + "image=32, channels=3)"))
        #expect(script.contains("model.load_state_dict(load_file(weights), strict=True)"))
        #expect(script.contains("torch.optim.AdamW(params, lr=0.001"))
        #expect(script.contains(
            "nn.TransformerEncoderLayer(dim, heads, dim * mlp_ratio, dropout=0.0, activation=\"gelu\""))
        let vit = try #require(bench.experiment.model as? ViT)
        let check = """
        import ast, json, sys
        t = ast.parse(open(sys.argv[1], encoding="utf-8").read())
        v = {n.targets[0].id: n.value for n in t.body
             if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)}
        vit = v["VIT"]
        print(json.dumps({k.arg: ast.literal_eval(k.value) for k in vit.keywords}))
        """
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") {
            let (status, output) = try run("/usr/bin/python3", ["-c", check, path])
            #expect(status == 0, "\(output)")
            let settings = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
            #expect(settings["pool"] as? String == "mean" && settings["dim"] as? Int == 16 && settings.count == 9)
        }
        guard let python = ProcessInfo.processInfo.environment["ULTIMUS_TORCH_PYTHON"],
              FileManager.default.isExecutableFile(atPath: python) else {
            print("vitSessionExportsTheTorchViT: not running the script "
                  + "(set ULTIMUS_TORCH_PYTHON to a Python with torch)")
            return
        }
        let saved = bench.folder.path + "/after.safetensors"
        let (status, output) = try run(python, [path, "--max-steps", "2", "--threads", "1", "--save", saved])
        #expect(status == 0, "\(output)")
        #expect(output.contains("Test set: Average loss:"))
        let file = try SafeTensors.read(path: saved)
        #expect(file.entries.map(\.name) == Array(vit.stateDict().keys)
                || Set(file.entries.map(\.name)) == Set(vit.stateDict().keys))
    }

    /// `--distributed`: the generated `shard` deals one permutation per epoch (the same on every
    /// rank) so that the ranks together see every image once, with equal batch counts, and
    /// `per_rank` sizes the schedule in each rank's batches. Checked by running the script's own
    /// functions (with numpy), and, when `ULTIMUS_TORCH_PYTHON` names a Python with torch, by a real
    /// two-process run under `torch.distributed.run` (gloo, loopback).
    @Test func distributedRecipeDealsEachImageOnceAndSizesTheScheduleByRank() throws {
        let folder = TemporaryFolder()
        let written = try TorchExport.write(spec(data: embedded()), model: InspectionFixtures.model(.bnrelu),
                                            to: folder.path + "/exported.py")
        let check = """
        import ast, math, sys
        import numpy as np
        tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())
        keep = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in ("shard", "rank_steps", "per_rank")
                or isinstance(n, ast.Assign) and any(getattr(t, "id", "") in ("SEED", "BATCH_SIZE") for t in n.targets)]
        ns = {"np": np, "math": math}
        exec(compile(ast.Module(body=keep, type_ignores=[]), "functions", "exec"), ns)
        shard, rank_steps, per_rank, batch = ns["shard"], ns["rank_steps"], ns["per_rank"], ns["BATCH_SIZE"]
        for n in (8, 9, 50, 128):
            for epoch in (1, 2):
                whole = list(shard(n, epoch, 0, 1))
                assert sorted(whole) == list(range(n)), (n, epoch)
                for world in (2, 3, 4):
                    parts = [list(shard(n, epoch, r, world)) for r in range(world)]
                    dealt = sorted(i for p in parts for i in p)
                    assert set(dealt) == set(range(n)) and len(dealt) == -(-n // world) * world, (n, world)
                    assert len({len(p) for p in parts}) == 1, (n, world)
                    assert all(math.ceil(len(p) / batch) == rank_steps(n, world) for p in parts)
                    epochs = 3
                    assert per_rank(epochs * rank_steps(n, 1), n, world) == epochs * rank_steps(n, world)
            assert list(shard(n, 1, 0, 1)) != list(shard(n, 2, 0, 1)) or n < 3
        print("shards ok")
        """
        let torchPython = ProcessInfo.processInfo.environment["ULTIMUS_TORCH_PYTHON"]
        guard let python = [torchPython, "/usr/bin/python3"].compactMap({ $0 })
                .first(where: { FileManager.default.isExecutableFile(atPath: $0) }),
              try run(python, ["-c", "import numpy"]).0 == 0 else {
            print("distributed recipe: not checked (no Python with numpy; set ULTIMUS_TORCH_PYTHON)")
            return
        }
        let (status, output) = try run(python, ["-c", check, written.script])
        #expect(status == 0 && output.contains("shards ok"), "\(output)")
        guard python == torchPython else {
            print("distributed recipe: no torchrun run (set ULTIMUS_TORCH_PYTHON to a Python with torch)")
            return
        }
        let saved = folder.path + "/after.safetensors"
        let (code, log) = try run(python, ["-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
                                           written.script, "--distributed", "--threads", "1", "--save", saved])
        #expect(code == 0, "\(log)")
        #expect(log.contains("Test set: Average loss:"), "\(log)")
        #expect(FileManager.default.fileExists(atPath: saved), "\(log)")
    }

    /// A session exported part-way through an epoch trains only the rest of that epoch, so the
    /// one-cycle schedule ends at its last step, alone and under `torch.distributed.run` with two
    /// ranks (run when `ULTIMUS_TORCH_PYTHON` names a Python with torch).
    @Test func aSessionStoppedInsideAnEpochTrainsToTheEndOfItsSchedule() throws {
        guard let python = ProcessInfo.processInfo.environment["ULTIMUS_TORCH_PYTHON"],
              FileManager.default.isExecutableFile(atPath: python) else {
            print("partial-epoch export: not running the script (set ULTIMUS_TORCH_PYTHON to a Python with torch)")
            return
        }
        let bench = InspectionBench()
        bench.run("sched onecycle max_lr=4e-3 epochs=2")
        bench.run("train steps=1")
        let path = bench.folder.path + "/partial.py"
        bench.run("export torch \(path)")
        let (status, output) = try run(python, [path, "--threads", "1"])
        #expect(status == 0, "\(output)")
        #expect(output.components(separatedBy: "Test set: Average loss:").count == 3, "\(output)")
        let (code, log) = try run(python, ["-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
                                           path, "--distributed", "--threads", "1"])
        #expect(code == 0, "\(log)")
        #expect(log.components(separatedBy: "Test set: Average loss:").count == 3, "\(log)")
    }

    /// Hostile folder, class and file names stay string literals: checked by Python's own parser.
    @Test func hostileNamesStayLiterals() throws {
        let path = "/data/x\"\"\"\nimport os; os.system('touch PWNED')\n\"\"\"\u{0}\u{1b}[2J\\"
        let names = ["a\nb = 1", "\"\"\"", "\\", "x\u{0}y", "\u{2028}", "é"]
        var hostile = spec(data: .folder(path: path))
        hostile.classNames = names
        let text = TorchExport.script(hostile, parameters: [(name: "w\"\n", shape: [2])], scriptName: "t\"\"\".py",
                                      weightsFile: "w\n\"\"\".safetensors", dataFile: nil)
        #expect(!text.contains("\nimport os; os.system"))
        let folder = TemporaryFolder()
        let file = folder.path + "/hostile.py"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let check = """
        import ast, json, sys
        t = ast.parse(open(sys.argv[1], encoding="utf-8").read())
        values = {n.targets[0].id: ast.literal_eval(n.value) for n in t.body
                  if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
                  and n.targets[0].id in ("DATA_PATH", "CLASS_NAMES")}
        imports = [a.name for n in t.body if isinstance(n, ast.Import) for a in n.names]
        print(json.dumps([values["DATA_PATH"], values["CLASS_NAMES"], sys.argv[2] in ast.get_docstring(t), imports]))
        """
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { return }
        let (status, output) = try run("/usr/bin/python3", ["-c", check, file, path])
        #expect(status == 0, "\(output)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [Any])
        #expect(parsed[0] as? String == path)
        #expect(parsed[1] as? [String] == names)
        #expect(parsed[2] as? Bool == true)
        #expect((parsed[3] as? [String])?.filter { $0 == "os" }.count == 1, "an injected import: \(output)")
    }
}
