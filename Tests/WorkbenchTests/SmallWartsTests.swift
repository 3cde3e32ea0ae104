import Foundation
import SafeTensorsIO
import Testing
@testable import Workbench

/// Messages that said something false or unhelpful.
@Suite(.serialized) struct SmallWartsTests {
    /// The pixel font's `g` sits on the x-height with a descender hook, as `q` does, not full height like `9`.
    @Test func pixelFontGIsNotANine() {
        let g = BitmapFont.rows("g"), nine = BitmapFont.rows("9"), q = BitmapFont.rows("q")
        #expect(g != nine)
        #expect(g[0] == 0 && g[1] == 0 && g[0..<2] == q[0..<2])
        #expect(g[6] != 0)
    }

    @Test func aPyTorchPickleIsNamedAsSuch() {
        var zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
        zip += [UInt8](repeating: 7, count: 60)
        #expect(throws: SafeTensorsError.self) { try SafeTensors.parse(zip, path: "model.pt") }
        do { _ = try SafeTensors.parse(zip, path: "model.pt") } catch {
            #expect("\(error)".contains("PyTorch pickle"))
            #expect(!"\(error)".contains("header length"))
        }
    }

    @Test func explainUnderBypassSaysTheBlockPassesItsInputThrough() {
        let bench = InspectionBench()
        bench.run("intervene ultimus2 mode=bypass")
        let text = bench.run("explain ultimus2 sample=0")
        #expect(text.contains("passes its input through, so Out = X"))
        #expect(!text.contains("uses the map below instead of the softmax"))
    }

    @Test func dataFolderHelpShowsTheLayout() throws {
        let bench = InspectionBench()
        #expect(bench.run("help data").contains("DIR/train/<class>/<image>"))
    }
}

@Suite(.serialized) struct ScheduleEchoTests {
    @Test func stepSizeInEpochsIsEchoedWithItsSteps() {
        let bench = InspectionBench()
        let text = bench.run("sched step step_size=1")
        #expect(text.contains("step_size=1 epoch = 5 steps"), "\(text)")
    }
}
