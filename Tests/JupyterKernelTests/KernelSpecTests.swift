import Foundation
@testable import JupyterKernel
import Testing

/// `--install-kernel --prefix DIR`: the kernelspec where Jupyter looks under DIR.
struct KernelSpecTests {
    @Test func installWritesKernelJSONAndLogos() throws {
        let prefix = NSTemporaryDirectory() + "ultimus-kernelspec-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        let folder = try KernelSpec.install(at: .prefix(prefix), executable: "/opt/ultimus/bin/ultimus-repl")
        #expect(folder == prefix + "/share/jupyter/kernels/ultimus")
        let json = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: folder + "/kernel.json")))
        let spec = try #require(json as? [String: Any])
        #expect(spec["argv"] as? [String] == ["/opt/ultimus/bin/ultimus-repl", "--kernel", "{connection_file}"])
        #expect(spec["display_name"] as? String == "Ultimus Workbench")
        #expect(spec["language"] as? String == "ultimus")
        #expect(spec["interrupt_mode"] as? String == "message")
        for size in [32, 64] {
            let png = try Data(contentsOf: URL(fileURLWithPath: folder + "/logo-\(size)x\(size).png"))
            #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        }
    }

    @Test func theExecutableIsResolvedThroughProc() {
        #expect(KernelSpec.currentExecutable().hasPrefix("/"))
    }
}
