import Foundation
import Datasets
import Testing
@testable import ExperimentKit
@testable import Workbench

@Suite struct RenderImageTests {
    /// A 32×32 test card: a horizontal red ramp, a vertical green ramp, blue 40.
    static func card() -> RGBImage {
        var bytes = [UInt8]()
        for y in 0..<32 { for x in 0..<32 { bytes += [UInt8(x * 8), UInt8(y * 8), 40] } }
        return try! RGBImage(width: 32, height: 32, pixels: bytes)
    }

    @Test func rgbImage_RejectsWrongSizeAndUpscalesNearest() throws {
        #expect(throws: RenderError.self) { try RGBImage(width: 32, height: 32, pixels: [0, 0, 0]) }
        let big = Self.card().upscaled(by: 3)
        #expect(big.width == 96 && big.height == 96 && big.pixels.count == 96 * 96 * 3)
        #expect(big[5, 7] == Self.card()[1, 2])
        #expect(big[95, 95] == Self.card()[31, 31])
    }

    @Test func bitmapFont_DrawsGlyphPixels() {
        var img = RGBImage(width: 12, height: 9)
        img.drawText("1", x: 0, y: 0, color: RGB(0, 0, 0))
        // "1" is 00100 01100 00100 00100 00100 00100 01110.
        let ink = (0..<7).map { y in (0..<5).map { x in img[x, y] == RGB(0, 0, 0) ? "#" : "." }.joined() }
        #expect(ink == ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."])
        #expect(BitmapFont.width(of: "cat") == 17)
        #expect(BitmapFont.ascii("a · b → c") == "a . b > c")
        #expect(BitmapFont.rows("é") == BitmapFont.rows("?"))
    }

    @Test func grid_HasExpectedSizeAndPlacesImagesAndCaptions() throws {
        let tiles = (0..<7).map { _ in
            ImageTile(image: Self.card(), caption: ["cat", "dog 0.83"], captionColor: RGB(200, 0, 0))
        }
        let grid = ImageGrid.compose(tiles, columns: 4, scale: 3, padding: 8, title: "Misclassified")
        let captionH: Int = 2 * BitmapFont.lineHeight + 2
        let titleH: Int = 2 * BitmapFont.lineHeight + 4
        let cellH: Int = 96 + captionH + 8
        #expect(grid.width == 8 + 4 * (96 + 8))
        #expect(grid.height == 8 + titleH + 2 * cellH)
        // The first tile's top-left pixel is the card's (0, 0) and its bottom-right the card's (31, 31).
        let y0 = 8 + titleH
        #expect(grid[8, y0] == Self.card()[0, 0])
        #expect(grid[8 + 95, y0 + 95] == Self.card()[31, 31])
        // Caption ink in the caption colour under the first tile, none in the empty eighth cell.
        let captionRows = (y0 + 96)..<(y0 + 96 + captionH)
        #expect(captionRows.contains { y in (8..<104).contains { grid[$0, y] == RGB(200, 0, 0) } })
        let emptyX = 8 + 3 * 104, emptyY = y0 + 96 + captionH + 8
        #expect((emptyY..<(emptyY + 96)).allSatisfy { y in grid[emptyX + 40, y] == RGB(255, 255, 255) })
    }

    @Test func grid_TitleWiderThanTheTilesWrapsInsteadOfBeingCut() {
        let tiles = (0..<2).map { _ in ImageTile(image: Self.card().upscaled(by: 4), caption: ["probe 0"]) }
        let title = "class token's attention over the patches"
        let lines = ImageGrid.wrappedTitle(title, width: 8 + 2 * (128 + 8) - 16)
        #expect(lines.count > 1 && lines.joined(separator: " ") == title)
        #expect(lines.allSatisfy { BitmapFont.width(of: $0, scale: 2) <= 2 * 128 + 8 })
        let grid = ImageGrid.compose(tiles, columns: 2, scale: 1, title: title)
        let plain = ImageGrid.compose(tiles, columns: 2, scale: 1, title: "short")
        #expect(grid.height == plain.height + (lines.count - 1) * 2 * BitmapFont.lineHeight)
        // Ink on every title line.
        for k in lines.indices {
            let rows = (8 + 2 * k * BitmapFont.lineHeight)..<(8 + 2 * (k + 1) * BitmapFont.lineHeight)
            #expect(rows.contains { y in (0..<grid.width).contains { grid[$0, y] == RGB(0, 0, 0) } })
        }
        // A run-on title keeps three lines, the last shortened.
        let long = ImageGrid.wrappedTitle(String(repeating: "word ", count: 60), width: 200)
        #expect(long.count == 3 && long[2].hasSuffix("."))
    }

    @Test func cam_OverlayFollowsShowCamOnImage() {
        let image = Self.card()
        var mask = [Float](repeating: 0, count: 64)
        mask[3 * 8 + 4] = 1
        let normalized = CAMOverlay.normalize(mask)
        #expect(normalized.max()! > 0.999 && normalized.min()! == 0)
        let overlay = CAMOverlay.overlay(image: image, mask: normalized, maskWidth: 8, maskHeight: 8)
        let heat = CAMOverlay.heatmap(normalized, width: 8, height: 8, to: 32, 32)
        // cam = 0.5·heat/255 + 0.5·img/255, divided by its maximum over all pixels and channels.
        var cam = [Double]()
        for i in image.pixels.indices {
            cam.append(0.5 * Double(heat.pixels[i]) / 255 + 0.5 * Double(image.pixels[i]) / 255)
        }
        let peak = cam.max()!
        for i in [0, 1, 2, 3 * 32 * 3 + 17 * 3, 1000, 3071] {
            #expect(overlay.pixels[i] == UInt8(255 * cam[i] / peak))
        }
        // The hot spot of the upsampled mask is red in the heatmap, the far corner blue.
        #expect(heat[18, 14].r > 200 && heat[18, 14].b < 60)
        #expect(heat[0, 31].b > 100 && heat[0, 31].r == 0)
        let tiles = CAMOverlay.tiles(image: image, mask: normalized, maskWidth: 8, maskHeight: 8, caption: ["true cat"])
        #expect(tiles.count == 3 && tiles[0].image == image && tiles[2].image == overlay)
    }

    @Test func resize_IdentityAndBilinearMidpoints() {
        let m: [Float] = [0, 1, 2, 3]
        #expect(ImageResize.bilinear(m, width: 2, height: 2, to: 2, 2) == m)
        let up = ImageResize.bilinear(m, width: 2, height: 2, to: 4, 4)
        #expect(up[0] == 0 && up[15] == 3)
        #expect(abs(up[1] - 0.25) < 1e-6)   // x = 1 samples 0.25 of the way from column 0 to 1
    }

    @Test func terminalListing_ThumbnailsWithColourAndListWithout() {
        let tiles = (0..<5).map { ImageTile(image: Self.card(), caption: ["#\($0) cat", "pred dog"]) }
        let coloured = ImageGrid.terminalListing(tiles, style: RenderStyle(width: 80), thumbnail: 16)
        let lines = coloured.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.allSatisfy { ANSI.displayWidth($0) <= 80 })
        #expect(coloured.contains("▀"))
        #expect(coloured.contains("\u{1B}[38;2;"))
        // 4 thumbnails of 16 columns (+2 gap) per 80-column row: 8 rows of blocks, 2 caption rows, a gap,
        // then the fifth.
        #expect(lines.count == 8 + 2 + 1 + 8 + 2)
        #expect(lines[8].contains("#3 cat"))
        let plain = ImageGrid.terminalListing(tiles, style: .plain)
        #expect(plain.split(separator: "\n").first == "  1. #0 cat | pred dog")
        #expect(!plain.contains("\u{1B}"))
    }
}
