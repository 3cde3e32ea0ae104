import Autograd
import Datasets
import ExperimentKit
import Foundation
import Layers

/// What the inspection, plot, report and teaching commands share: the render style, the data, the
/// attention model, the probe images and where files go.
extension ShellContext {
    /// The console's style: colour, Unicode and width.
    var style: RenderStyle { RenderStyle(color: console.color, unicode: console.unicode, width: console.width) }

    /// The loaded data. Loads the data chosen earlier if needed, but never picks a default (that
    /// would draw from the session's generator): with no data chosen it is an error.
    func data() throws -> DataState {
        let x = session.experiment
        if let data = x.data { return data }
        guard x.dataSettings != nil else {
            throw ExperimentError("no data loaded yet; choose some with 'data synthetic' or 'data cifar10'")
        }
        return try DataCommands.withLoadingProgress(self) { try x.ensureData(source: session.dataSource, progress: $0) }
    }

    /// The model as an ``UltimusNet`` (attention commands need its blocks).
    func attentionModel(_ inv: Invocation) throws -> UltimusNet {
        let model = try session.experiment.requireModel()
        guard let net = model as? UltimusNet else {
            throw inv.error("'\(inv.command)' looks at the attention blocks of an UltimusNet; this model has none",
                            suggestion: "build one with 'model ultimus variant=bnrelu'")
        }
        return net
    }

    /// The `block` positional checked against the model: `ultimus1` … `ultimusN`.
    func blockName(_ inv: Invocation, _ net: UltimusNet) throws -> String {
        let names = net.blocks.indices.map { "ultimus\($0 + 1)" }
        guard let name = inv.string("block") else {
            throw inv.error("name the attention block", suggestion: "the blocks are \(names.joined(separator: ", "))")
        }
        guard names.contains(name) else {
            throw inv.error("no attention block called '\(name)'", at: "block",
                            suggestion: EditDistance.suggestion(for: name, in: names)
                                ?? "the blocks are \(names.joined(separator: ", "))")
        }
        return name
    }

    /// The probe images run through `model` in evaluation mode (a copy for UltimusNet): the
    /// session's probes, or the one test image of `index=N` or image file of `image=PATH`.
    func probeForward(_ model: Module, _ inv: Invocation? = nil) throws -> ProbeSet {
        let data = try data()
        let x = session.experiment
        var images: ProbeImages?
        var single = false
        if let inv, let index = inv.int("index") {
            guard index < data.splits.test.count else {
                throw inv.error("index=\(index) is past the test split's \(data.splits.test.count.counted("image"))",
                                at: "index",
                                suggestion: "index=0…\(data.splits.test.count - 1)")
            }
            images = Experiment.images(data, indices: [index], files: [])
            single = true
        } else if let inv, let path = inv.string("image") {
            let file = try InspectionCommands.wrap(inv, at: "image") { try ImageFile(path: expand(path), name: path) }
            images = Experiment.images(data, indices: [], files: [file])
            single = true
        } else {
            images = x.probeImages(data)
        }
        guard let images else { throw ExperimentError("the test split has no images to probe") }
        return ProbeSet(probes: images, classNames: data.classNames, isSingle: single, model: model)
    }

    /// `sample=` checked against the probes (0 for the one image of `index=` or `image=`).
    func probeSample(_ inv: Invocation, _ probe: ProbeSet) throws -> Int {
        if probe.isSingle {
            if inv.isExplicit("sample") {
                throw inv.error("sample= picks a probe; index= and image= pick the image instead", at: "sample")
            }
            return 0
        }
        let sample = inv.int("sample") ?? 0
        guard sample < probe.count else {
            throw inv.error("sample=\(sample) is not a probe image", at: "sample",
                            suggestion: "there are \(probe.count.counted("probe")): sample=0…\(probe.count - 1) "
                                + "('set probes=' chooses them; index=N picks any test image)")
        }
        return sample
    }

    /// Where a command's file goes: `to=` (an existing file outside the output folder needs
    /// `force=true`) or `defaultName` in the output folder; `nil` when neither is given.
    /// - Parameter formats: the extensions the command can write (by default `defaultName`'s); a
    ///   `to=` naming another image format is refused, so a file's name never lies about its content.
    func outputFile(_ inv: Invocation, defaultName: String?, formats: [String]? = nil) throws -> String? {
        var path = defaultName.map { expand(session.outputPath($0)) }
        if let to = inv.string("to") {
            let full = expand(to)
            let allowed = formats ?? defaultName.map { [($0 as NSString).pathExtension.lowercased()] } ?? []
            let ext = (to as NSString).pathExtension.lowercased()
            if Self.imageExtensions.contains(ext), !allowed.contains(ext) {
                let base = (to as NSString).deletingPathExtension
                let writes = allowed.map { $0.uppercased() }.joined(separator: " or ")
                throw inv.error("'\(to)' names a \(ext.uppercased()) file, but '\(inv.command)' writes \(writes)",
                                at: "to", suggestion: "use to=\(base).\(allowed.first ?? "svg")")
            }
            if FileManager.default.fileExists(atPath: full), !isInsideOutput(full), inv.bool("force") != true {
                throw inv.error("'\(to)' exists outside the output folder", at: "to",
                                suggestion: "add force=true to overwrite it")
            }
            path = full
        }
        if let path {
            // Writers rename a temporary file into place: the folder must exist.
            try AtomicWriter.makeFolders(PathName.folder(of: path), for: path)
        }
        return path
    }

    /// Extensions of image formats a user might name in `to=`.
    static let imageExtensions: Set<String> = [
        "png", "svg", "jpg", "jpeg", "gif", "pdf", "webp", "bmp", "tif", "tiff", "eps",
    ]

    /// The test split's predictions for the current weights (with any active interventions): the
    /// last evaluation's when nothing has changed since, else evaluated now with a progress line.
    func testEvaluation() throws -> EvaluationResult {
        let x = session.experiment
        _ = try data()
        if let cached = x.cachedEvaluation(split: .test) { return cached }
        var progress: ConsoleProgress?
        defer { progress?.finish() }
        let result = try x.evaluate(split: .test, shouldStop: { self.interruptRequested }) { done, total in
            if progress == nil {
                progress = ConsoleProgress(console: self.console, total: total, description: "Eval test")
            }
            progress?.update(to: done)
        }
        x.remember(result)
        return result
    }
}
