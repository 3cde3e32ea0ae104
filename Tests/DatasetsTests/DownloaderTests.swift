import Foundation
import TestSupport
import Testing
@testable import Datasets

/// Downloads over loopback from ``LoopbackServer``, serving a small archive made here with `tar`.
@Suite(.timeLimit(.minutes(1))) struct DownloaderTests {
    /// Makes `cifar-10-batches-bin` with two records per file and returns the `.tar.gz` bytes.
    func makeArchive(_ folder: TemporaryFolder) throws -> [UInt8] {
        _ = try makeBinaryFolder(folder, name: "src/cifar-10-batches-bin", perFile: 2)
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-czf", folder.file("archive.tar.gz"), "-C", folder.file("src"), "cifar-10-batches-bin"]
        try tar.run()
        tar.waitUntilExit()
        #expect(tar.terminationStatus == 0)
        return Array(try Data(contentsOf: URL(fileURLWithPath: folder.file("archive.tar.gz"))))
    }

    /// The data folder holds nothing but what is listed (no temporary leftovers).
    func contents(_ path: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? []
    }

    @Test func downloadsVerifiesAndExtracts() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        let archive = try makeArchive(folder)
        let server = try LoopbackServer(routes: ["/cifar.tar.gz": archive]); defer { server.stop() }
        let data = folder.file("data")
        var reports = [(Int, Int)]()
        var downloader = Downloader(url: server.url("/cifar.tar.gz"), md5: MD5.hex(archive))
        downloader.idleTimeout = 10
        let path = try downloader.downloadCIFAR10(into: data, progress: { reports.append(($0, $1)) })
        #expect(path == (data as NSString).appendingPathComponent("cifar-10-batches-bin"))
        #expect(contents(data) == ["cifar-10-batches-bin"])
        let splits = try CIFAR10Binary.load(folder: path)
        #expect(splits.train.count == 10 && splits.test.count == 2)
        #expect(reports.last.map { $0 == (archive.count, archive.count) } == true)
        #expect(try DataLocator(environment: ["ULTIMUS_DATA": data], currentDirectory: "/").locate()
                == .binary(folder: path))
        // A second call finds the data and does not download again (the server is gone).
        server.stop()
        #expect(try downloader.downloadCIFAR10(into: data) == path)
    }

    @Test func badChecksumNotFoundRefusedAndCorruptArchivesLeaveNothing() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        let archive = try makeArchive(folder)
        let server = try LoopbackServer(routes: ["/cifar.tar.gz": archive,
                                                 "/junk.tar.gz": Array(repeating: 0x42, count: 5000)])
        let data = folder.file("data")
        let cases: [(Downloader, String)] = [
            (Downloader(url: server.url("/cifar.tar.gz"), md5: "00000000000000000000000000000000"),
             "checksum mismatch"),
            (Downloader(url: server.url("/missing.tar.gz")), "HTTP 404"),
            (Downloader(url: server.url("/junk.tar.gz"), md5: nil), "cannot extract"),
        ]
        for (downloader, text) in cases {
            #expect { try downloader.downloadCIFAR10(into: data) } throws: { error in
                let m = (error as? DatasetError)?.message ?? "\(error)"
                return m.contains(text) && !m.contains("\n")
            }
            #expect(contents(data) == [], "after '\(text)'")
        }
        let port = server.port
        server.stop()
        let refused = Downloader(url: URL(string: "http://127.0.0.1:\(port)/cifar.tar.gz")!)
        #expect { try refused.downloadCIFAR10(into: data) } throws: {
            ($0 as? DatasetError)?.message.contains("download failed") == true
        }
        #expect(contents(data) == [])
    }

    /// `/slow` stops sending after 1.5 MiB and waits for the hang-up, so the download can end only by
    /// cancellation (or by the 20 s idle timeout, which would fail the test): no clock is involved.
    @Test func cancellingStopsTheDownloadAndLeavesNothing() throws {
        let folder = try TemporaryFolder(); defer { folder.remove() }
        let server = try LoopbackServer(routes: [:]); defer { server.stop() }
        let data = folder.file("data")
        let flag = CancelFlag()
        var downloader = Downloader(url: server.url("/slow"))
        downloader.idleTimeout = 20
        #expect {
            try downloader.downloadCIFAR10(into: data, progress: { _, _ in flag.set() }, isCancelled: { flag.isSet })
        } throws: {
            ($0 as? DatasetError)?.message.contains("cancelled") == true
        }
        #expect(server.hungUp.wait(timeout: .now() + 30) == .success, "the cancelled download closes its connection")
        #expect(contents(data) == [])
    }
}

final class CancelFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
