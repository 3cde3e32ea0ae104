import Autograd
import Foundation
import Testing

/// The one file writer: exclusive random temporaries, no symlink followed, stale ones cleaned.
@Suite struct AtomicWriterTests {
    func folder() throws -> String {
        let path = NSTemporaryDirectory() + "atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func onlyTheTargetIsLeftAndItHoldsTheBytes() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicWriter.write("first", to: dir + "/f.txt")
        try AtomicWriter.write("second", to: dir + "/f.txt")
        #expect(try String(contentsOfFile: dir + "/f.txt", encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["f.txt"])
    }

    @Test func aSymlinkAtTheTargetIsReplacedNotFollowed() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "victim".write(toFile: dir + "/victim", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/chart.svg", withDestinationPath: dir + "/victim")
        try AtomicWriter.write("chart", to: dir + "/chart.svg")
        #expect(try String(contentsOfFile: dir + "/victim", encoding: .utf8) == "victim")
        #expect(try String(contentsOfFile: dir + "/chart.svg", encoding: .utf8) == "chart")
    }

    @Test func oneCharacterAndSpaceNamesWork() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["a", " ", "é"] { try AtomicWriter.write("x", to: dir + "/" + name) }
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir)) == ["a", " ", "é"])
        #expect(PathName.folder(of: "a") == "." && PathName.folder(of: " ") == "." && PathName.folder(of: "/a") == "/")
        #expect(PathName.folder(of: "x/y/") == "x" && PathName.name(of: "x/y/") == "y" && PathName.name(of: "a") == "a")
    }

    @Test func tildeComesFromHome() throws {
        guard let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty else { return }
        #expect(PathName.expandingTilde("~/x") == PathName.joined(home, "x"))
        #expect(PathName.expandingTilde("~") == home)
        #expect(PathName.expandingTilde("~root/x") == "~root/x")
    }

    @Test func containedNamesRefuseEscapes() {
        for bad in ["/etc/passwd", "../x", "a/../../x", "~/.bashrc", "~", "", "a\nb", "x/.."] {
            #expect(!PathName.isContainedName(bad), "\(bad)")
        }
        for good in ["autosave.ult-session", "runs/a.session", "a"] { #expect(PathName.isContainedName(good)) }
    }

    @Test func staleTemporariesOfDeadWritersAreRemoved() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let stale = "\(dir)/.big.session\(AtomicWriter.temporaryMarker)\(gone.processIdentifier).ab12"
        let live = "\(dir)/.big.session\(AtomicWriter.temporaryMarker)\(getpid()).cd34"
        for path in [stale, live, dir + "/keep.ultimus-tmp.txt"] {
            try "x".write(toFile: path, atomically: false, encoding: .utf8)
        }
        #expect(AtomicWriter.removeStaleTemporaries(in: dir) == 1)
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: live))
    }
}
