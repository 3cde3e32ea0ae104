import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ExperimentKit
@testable import Workbench

@Suite struct RenderHeatmapTests {
    /// Row-softmax of a deterministic logit pattern: an 8×8 map whose rows sum to 1.
    static func attention(sharpness: Double, shift: Int = 1, title: String = "ultimus1") -> HeatmapMatrix {
        var v: [Double] = []
        for r in 0..<8 {
            let logits = (0..<8).map { c in sharpness * sin(Double(r * 3 + c * shift) * 0.9) }
            let m = logits.max()!
            let e = logits.map { exp($0 - m) }
            let s = e.reduce(0, +)
            v += e.map { $0 / s }
        }
        return HeatmapMatrix(square: v, title: title)
    }

    @Test func stats_RowSumsAndEntropy() {
        let uniform = HeatmapMatrix(square: [Double](repeating: 0.125, count: 64))
        #expect(uniform.rows == 8 && uniform.columns == 8)
        #expect(uniform.rowSums.allSatisfy { abs($0 - 1) < 1e-12 })
        #expect(uniform.rowEntropies.allSatisfy { abs($0 - log(8)) < 1e-12 })
        var oneHot = [Double](repeating: 0, count: 16)
        for r in 0..<4 { oneHot[r * 4 + (r + 1) % 4] = 1 }
        let m = HeatmapMatrix(square: oneHot)
        #expect(m.rowEntropies == [0, 0, 0, 0])
        #expect(abs(HeatmapMatrix.entropy([0.5, 0.25, 0.25]) - 1.0397207708399179) < 1e-12)
    }

    @Test func terminal_ShowsValuesSumsEntropyAndFits() {
        let map = Self.attention(sharpness: 2)
        let text = Heatmap.render(map, style: RenderStyle(color: true, unicode: true, width: 80))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { ANSI.displayWidth($0) <= 80 })
        let plain = ANSI.strip(text)
        #expect(plain.contains("Σ"))
        #expect(plain.contains(String(format: "%.2f", map[0, 0])))
        #expect(plain.contains(String(format: "%.3f", map.rowEntropies[3])))
        #expect(plain.contains("1.000"))
        #expect(text.contains("\u{1B}[48;5;"))
        // 8 rows of values plus title, header and summary.
        #expect(lines.filter { ANSI.strip($0).hasPrefix("q") }.count == 8)
    }

    @Test func terminal_DegradesWithoutColourAndUnicode() {
        let map = Self.attention(sharpness: 2)
        let plain = Heatmap.render(map, style: .plain)
        #expect(!plain.contains("\u{1B}"))
        #expect(plain.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(plain.contains("sum"))
        let compact = Heatmap.render(map, style: .plain, detail: .compact)
        #expect(compact.unicodeScalars.allSatisfy { $0.isASCII })
        // The largest weight gets the densest shade used in the map.
        #expect(compact.contains(String(Colormap.shade(map.colorPosition(map.peak), unicode: false))))
    }

    @Test(arguments: [80, 120, 240])
    func sideBySide_FourMapsFitTheWidth(width: Int) {
        let maps = (0..<4).map { Self.attention(sharpness: Double($0), shift: $0 + 1, title: "ultimus\($0 + 1)") }
        let text = Heatmap.renderSideBySide(maps, style: RenderStyle(width: width))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.allSatisfy { ANSI.displayWidth($0) <= width })
        // All four titles on the first line: the maps are side by side.
        #expect(["ultimus1", "ultimus2", "ultimus3", "ultimus4"].allSatisfy { lines[0].contains($0) })
        if width >= 240 { #expect(ANSI.strip(text).contains("0.12")) }
    }

    @Test func sideBySide_TitleWiderThanASmallMapIsNotCut() {
        var small = HeatmapMatrix(rows: 4, columns: 4, values: (0..<16).map { Double($0) / 16 })
        small.title = "over the 4×4 patches"
        let big = Self.attention(sharpness: 1, title: "blocks.0 head 0")
        let text = ANSI.strip(Heatmap.renderSideBySide([big, small], style: RenderStyle(width: 120)))
        let first = text.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.contains("blocks.0 head 0") && first.contains("over the 4×4 patches"))
        #expect(Heatmap.render(small, style: .plain, detail: .compact).contains("over the 4x4 patches"))
    }

    @Test func scaledToPeak_ThinWeightsOverManyCellsStillShade() {
        var thin = HeatmapMatrix(rows: 8, columns: 8, values: (0..<64).map { $0 == 9 ? 2.0 / 65 : 1.0 / 65 })
        // On the fixed probability scale every cell is in the lowest eighth or so: nearly blank.
        #expect(thin.colorPosition(1.0 / 65) > 0.1 && thin.colorPosition(2.0 / 65) < 0.2)
        thin.scaledToPeak = true
        #expect(thin.colorPosition(2.0 / 65) == 1)
        #expect(abs(thin.colorPosition(1.0 / 65) - 0.5) < 1e-12)
        let plain = Heatmap.render(thin, style: .plain, detail: .compact)
        #expect(plain.contains(String(Colormap.shade(1, unicode: false))))
    }

    @Test func svg_IsWellFormedWithCellsValuesAndStats() throws {
        let maps = [Self.attention(sharpness: 0, title: "ultimus1"), Self.attention(sharpness: 3, title: "ultimus2")]
        let xml = try XMLDocument(xmlString: Heatmap.svg(maps), options: [])
        #expect(try xml.nodes(forXPath: "//*[local-name()='g'][starts-with(@id,'map')]").count == 2)
        #expect(try xml.nodes(forXPath: "//*[local-name()='rect'][*[local-name()='title']]").count == 128)
        let texts = try xml.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
        #expect(texts.contains("ultimus2"))
        #expect(texts.contains("Σ"))
        #expect(texts.contains("2.079"))
        #expect(texts.contains { $0.contains("collapsed: uniform") })
    }

    /// A near-uniform attention map (every weight 0.12…0.13) in compact cells is not all one shade:
    /// the cells use the map's own range, printed under it.
    @Test func terminal_CompactCellsUseEachMapsOwnScale() {
        var values: [Double] = []
        for r in 0..<8 { for c in 0..<8 { values.append(0.12 + 0.01 * Double((r + c) % 8) / 7) } }
        let map = HeatmapMatrix(rows: 8, columns: 8, values: values)
        let style = RenderStyle(color: false, unicode: true, width: 80)
        let text = Heatmap.render(map, style: style, detail: .compact)
        let shades = Set(text.filter { "░▒▓█".contains($0) })
        #expect(shades.count >= 3, "\(text)")
        #expect(text.contains("scale 0.12…0.13"), "\(text)")
    }

    @Test func image_HasAColourBarStatingTheScale() {
        let img = Heatmap.image([Self.attention(sharpness: 3)], cellSize: 28)
        let bottom = (img.height - 30)
        var colours = Set<RGB>()
        for y in bottom..<img.height { for x in 0..<img.width { colours.insert(img[x, y]) } }
        #expect(colours.contains(Colormap.viridis.color(0)) && colours.contains(Colormap.viridis.color(1)))
    }

    @Test func image_HasOneCellPerValueColouredByWeight() {
        let map = Self.attention(sharpness: 3)
        let img = Heatmap.image([map], cellSize: 28)
        #expect(img.width == 12 + 3 * 6 + 4 + 8 * 28 + 12)
        // The cell of the row maximum is brighter (viridis rises in luminance) than the row minimum's.
        let row = Array(map.row(0))
        let hi = row.firstIndex(of: row.max()!)!, lo = row.firstIndex(of: row.min()!)!
        let top = 12 + 18
        func pixel(_ c: Int) -> RGB { img[12 + 22 + c * 28 + 1, top + 1] }
        #expect(pixel(hi).luminance > pixel(lo).luminance)
    }
}
