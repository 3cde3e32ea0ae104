import Foundation
@testable import JupyterKernel
import Testing
import Workbench

#if canImport(Glibc)
import Glibc
#endif

/// The kernel on loopback, driven over ZeroMQ as Jupyter drives it.
@Suite(.serialized)
struct KernelProtocolTests {
    @Test func signaturesAreHMACSHA256InHex() {
        let signer = MessageSigner(key: "key")
        let parts = [Data("The quick brown fox ".utf8), Data("jumps over the lazy dog".utf8)]
        let expected = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        #expect(signer.signature(parts) == expected)
        #expect(signer.verify(Data(expected.utf8), parts))
        #expect(!signer.verify(Data(expected.replacingOccurrences(of: "f7", with: "f8").utf8), parts))
        #expect(MessageSigner(key: "").signature(parts) == "")
    }

    @Test func completionAndInspectionFindTheLineAtTheCursor() {
        #expect(Kernel.line(in: "data synthetic\ntra", at: 18) == ("tra", 3))
        #expect(Kernel.line(in: "eval\nplot lo\nsummary", at: 12) == ("plot lo", 7))
    }

    @Test func kernelServesAJupyterSession() throws {
        let folder = NSTemporaryDirectory() + "ultimus-kernel-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let connection = try KernelProtocolTests.loopbackConnection()
        let kernel = try Kernel(connection: connection,
                                options: ShellOptions(seed: 1, threads: 1, outputDirectory: folder + "/out"))
        let finished = DispatchSemaphore(value: 0)
        Thread { kernel.run(); finished.signal() }.start()
        let client = try KernelTestClient(connection: connection)

        try client.heartbeat.send([Data("ping".utf8)])
        #expect(try client.heartbeat.receive() == [Data("ping".utf8)])

        let info = try client.waitUntilReady()
        #expect(info.type == "kernel_info_reply")
        #expect(info.content["protocol_version"] as? String == "5.3")
        #expect((info.content["language_info"] as? JSONObject)?["name"] as? String == "ultimus")

        try checkBadSignatureIsIgnored(client)
        try checkTextAndImages(client)
        try checkError(client)
        try checkCompletion(client)
        try checkInterruptDuringTrain(client)

        let id = try client.send("shutdown_request", ["restart": false], on: client.control)
        let done = try client.reply(on: client.control)
        #expect(done.type == "shutdown_reply")
        #expect(done.parentHeader["msg_id"] as? String == id)
        #expect(finished.wait(timeout: .now() + KernelTestClient.patience) == .success, "the kernel did not stop")
        #expect(client.badlySigned == 0)
    }

    /// A request signed with another key gets no reply: the next reply is the next good request's.
    private func checkBadSignatureIsIgnored(_ client: KernelTestClient) throws {
        try client.send("execute_request", ["code": "data synthetic n=32", "silent": false],
                        signer: MessageSigner(key: "wrong"))
        let id = try client.send("kernel_info_request")
        let next = try client.reply()
        #expect(next.type == "kernel_info_reply")
        #expect(next.parentHeader["msg_id"] as? String == id)
    }

    private func execute(_ client: KernelTestClient, _ code: String) throws
        -> (reply: JupyterMessage, iopub: [JupyterMessage])
    {
        let id = try client.send("execute_request", ["code": code, "silent": false, "store_history": true,
                                                    "user_expressions": [String: Any](), "allow_stdin": false])
        let reply = try client.reply()
        #expect(reply.parentHeader["msg_id"] as? String == id)
        return (reply, try client.outputs(of: id))
    }

    private func checkTextAndImages(_ client: KernelTestClient) throws {
        let code = "# a comment line\ndata synthetic n=64 batch=32\nmodel ultimus\nshow images n=4\n"
            + "sched onecycle max_lr=4e-3 epochs=1\nplot schedule"
        let (reply, published) = try execute(client, code)
        #expect(reply.content["status"] as? String == "ok")
        #expect(reply.content["execution_count"] as? Int == 1)
        let types = published.map(\.type)
        #expect(types.first == "status" && types.contains("execute_input"))
        let text = published.filter { $0.type == "stream" }.compactMap { $0.content["text"] as? String }.joined()
        #expect(text.contains("wrote"), "\(text)")
        let images = published.filter { $0.type == "display_data" }.compactMap { $0.content["data"] as? JSONObject }
        let png = images.compactMap { $0["image/png"] as? String }.first.flatMap { Data(base64Encoded: $0) }
        #expect(png?.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]), "no PNG among \(images.map(\.keys))")
        #expect(images.contains { ($0["image/svg+xml"] as? String)?.contains("<svg") == true })
        #expect(images.allSatisfy { $0["text/plain"] is String })
    }

    /// A failing line stops the cell: its error is in the reply and on IOPub; later lines do not run.
    private func checkError(_ client: KernelTestClient) throws {
        let (reply, published) = try execute(client, "# after a cell that drew a chart\noptim adam lr=-1\nsummary")
        #expect(!published.contains { $0.type == "display_data" }, "a comment line showed the previous command's chart")
        #expect(reply.content["status"] as? String == "error")
        #expect((reply.content["evalue"] as? String)?.isEmpty == false)
        #expect((reply.content["traceback"] as? [String])?.contains { $0.contains("^") } == true, "\(reply.content)")
        let error = published.first { $0.type == "error" }
        #expect(error?.content["ename"] as? String == reply.content["ename"] as? String)
        #expect(!published.contains {
            $0.type == "stream" && ($0.content["text"] as? String)?.contains("Total params") == true
        })
    }

    private func checkCompletion(_ client: KernelTestClient) throws {
        try client.send("complete_request", ["code": "summary\ntra", "cursor_pos": 11])
        let reply = try client.reply()
        #expect(reply.content["matches"] as? [String] == ["train"])
        #expect(reply.content["cursor_start"] as? Int == 8)
        #expect(reply.content["cursor_end"] as? Int == 11)
        try client.send("inspect_request", ["code": "train epochs=3", "cursor_pos": 2, "detail_level": 0])
        let help = try client.reply()
        #expect(((help.content["data"] as? JSONObject)?["text/plain"] as? String)?.contains("epochs") == true)
        try client.send("comm_info_request")
        #expect((try client.reply().content["comms"] as? JSONObject)?.isEmpty == true)
    }

    /// An interrupt on the control channel stops `train` at the next batch, after progress was seen.
    private func checkInterruptDuringTrain(_ client: KernelTestClient) throws {
        let code = "data synthetic n=4096 batch=8\nsched constant\ntrain epochs=100\nsummary"
        let id = try client.send("execute_request", ["code": code, "silent": false])
        let started = try client.collect(parent: id) {
            $0.type == "error" || ["display_data", "update_display_data"].contains($0.type)
                && (($0.content["data"] as? JSONObject)?["text/plain"] as? String)?.hasPrefix("EPOCH") == true
        }
        #expect(started.last?.type != "error", "\(started.last?.content ?? [:])")
        try client.send("interrupt_request", on: client.control)
        #expect(try client.reply(on: client.control).type == "interrupt_reply")
        let reply = try client.reply()
        #expect(reply.parentHeader["msg_id"] as? String == id)
        #expect(reply.content["status"] as? String == "error")
        #expect(reply.content["ename"] as? String == "KeyboardInterrupt", "\(reply.content)")
        _ = try client.outputs(of: id)
    }

    /// A connection file for five free loopback ports.
    static func loopbackConnection() throws -> ConnectionFile {
        let ports = try (0..<5).map { _ in try freePort() }
        return ConnectionFile(shellPort: ports[0], controlPort: ports[1], iopubPort: ports[2], stdinPort: ports[3],
                              heartbeatPort: ports[4], key: UUID().uuidString)
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw KernelError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
