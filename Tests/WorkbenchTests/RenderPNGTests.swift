import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

@Suite struct RenderPNGTests {
    static func folder() -> String { NSTemporaryDirectory() + "render-png-\(UUID().uuidString)" }

    @Test func imageGridPNG_ReadsBackWithSizeAndPixels() throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tiles = (0..<20).map { k in
            ImageTile(image: RenderImageTests.card(), caption: ["true cat", "pred dog 0.\(50 + k)"],
                      captionColor: RGB(200, 0, 0))
        }
        let path = dir + "/misclassified.png"
        let canvas = try ImageGrid.writePNG(tiles, to: path, columns: 5, title: "Misclassified")
        let back = try RGBImage.readPNG(path: path)
        #expect(back.width == canvas.width && back.height == canvas.height)
        #expect(back.width == 8 + 5 * (96 + 8))
        #expect(back == canvas)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["misclassified.png"])
    }

    @Test func gradCAMAndHeatmapPNGs_HaveExpectedSizes() throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var mask = [Float](repeating: 0, count: 32 * 32)
        for i in mask.indices { mask[i] = Float(i % 32) / 31 }
        let tiles = (0..<2).flatMap { _ in
            CAMOverlay.tiles(image: RenderImageTests.card(), mask: mask, maskWidth: 32, maskHeight: 32,
                             caption: ["true cat", "pred dog"])
        }
        let cam = try ImageGrid.writePNG(tiles, to: dir + "/gradcam.png", columns: 3)
        let camBack = try RGBImage.readPNG(path: dir + "/gradcam.png")
        #expect(camBack.width == 8 + 3 * (96 + 8) && camBack.height == cam.height && camBack == cam)
        let maps = (0..<4).map { RenderHeatmapTests.attention(sharpness: Double($0), title: "ultimus\($0 + 1)") }
        let heat = try Heatmap.writePNG(maps, to: dir + "/attention.png")
        let heatBack = try RGBImage.readPNG(path: dir + "/attention.png")
        #expect(heatBack.width == heat.width && heatBack.height == heat.height)
        #expect(heatBack.width == 12 + 4 * (22 + 8 * 28 + 12))
    }

    @Test func writePNG_ReportsUnwritableFolder() {
        #expect(throws: (any Error).self) { try RenderImageTests.card().writePNG(to: "/proc/self/nope/x.png") }
    }
}
