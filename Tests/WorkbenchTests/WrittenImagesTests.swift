import Foundation
import Testing
@testable import Workbench

/// A command's pictures are found by comparing the output folder before and after it, not by the
/// clock: files are stamped from a coarse clock and can carry a time before the command started.
@Suite struct WrittenImagesTests {
    @Test func aPictureStampedBeforeTheStartIsStillFoundAndAnUntouchedOneIsNot() throws {
        let folder = TemporaryFolder()
        let old = folder.path + "/old.svg", new = folder.path + "/chart.png", rewritten = folder.path + "/grid.png"
        try Data("<svg/>".utf8).write(to: URL(fileURLWithPath: old))
        try Data([0x89, 0x50]).write(to: URL(fileURLWithPath: rewritten))
        let written = WrittenImages(outputFolder: folder.path)
        let past = Date().addingTimeInterval(-1)
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: URL(fileURLWithPath: new))
        try Data([0x89, 0x50, 0x4E]).write(to: URL(fileURLWithPath: rewritten), options: .atomic)
        for path in [new, rewritten] {
            try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: path)
        }
        let found = written.find(outputFolder: folder.path, mentionedIn: "wrote \(rewritten) and \(old)")
        #expect(found == [rewritten, new])
    }
}
