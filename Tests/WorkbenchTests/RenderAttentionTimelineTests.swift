import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

@Suite struct RenderAttentionTimelineTests {
    static func frames() -> [AttentionFrame] {
        (0..<12).map { k in
            let sharp = k == 11 ? 40.0 : Double(k) * 0.5
            return AttentionFrame(step: k * 50, map: RenderHeatmapTests.attention(sharpness: sharp, shift: 3))
        }
    }

    @Test func summary_FlagsUniformAndOneHot() {
        let uniform = AttentionTimeline.summarize(HeatmapMatrix(square: [Double](repeating: 0.125, count: 64)))
        #expect(uniform.collapse == .uniform)
        #expect(abs(uniform.meanEntropy - log(8)) < 1e-12)
        var hot = [Double](repeating: 0.001, count: 64)
        for r in 0..<8 { hot[r * 8 + r] = 0.993 }
        let oneHot = AttentionTimeline.summarize(HeatmapMatrix(square: hot))
        #expect(oneHot.collapse == .oneHot)
        #expect(abs(oneHot.peak - 0.993) < 1e-12)
        let middle = AttentionTimeline.summarize(RenderHeatmapTests.attention(sharpness: 1.5))
        #expect(middle.collapse == nil)
    }

    @Test func playback_ShowsFramesTracksAndFlagsWithinWidth() {
        let loss = (0..<600).map { (step: $0, value: 2.3 * exp(-Double($0) / 200)) }
        for style in [RenderStyle(width: 80), RenderStyle.plain, RenderStyle(color: false, unicode: true, width: 60)] {
            let text = AttentionTimeline.render(Self.frames(), title: "ultimus2 · probe 0", style: style, loss: loss)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.allSatisfy { ANSI.displayWidth($0) <= style.width })
            let plain = ANSI.strip(text)
            #expect(plain.contains("12 frames, steps 0" + (style.unicode ? "…" : "...") + "550"))
            #expect(plain.contains("entropy"))
            #expect(plain.contains("loss"))
            #expect(plain.contains("uniform"))
            #expect(plain.contains("one-hot"))
            #expect(lines.contains { $0.hasPrefix("0 ") })
            if !style.color { #expect(!text.contains("\u{1B}")) }
            if !style.unicode { #expect(text.unicodeScalars.allSatisfy { $0.isASCII }) }
        }
    }

    @Test func sparkline_ScalesAndResamples() {
        #expect(Sparkline.render([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.render([0, .nan, 7], unicode: false) == "  #")
        #expect(Sparkline.render([0, 0, 7, 7], width: 2) == "▁█")
        #expect(Sparkline.render([1, 1], range: 0...2) == "▅▅")
    }
}
