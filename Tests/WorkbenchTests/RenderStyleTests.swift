import Foundation
import Testing
@testable import ExperimentKit
@testable import Workbench

@Suite struct RenderStyleTests {
    @Test func detect_FollowsNoColorTermLocaleAndColumns() {
        let utf8 = ["LANG": "en_US.UTF-8", "TERM": "xterm-256color"]
        #expect(RenderStyle.detect(environment: utf8, isTerminal: true, columns: 120)
                == RenderStyle(color: true, unicode: true, width: 120))
        #expect(RenderStyle.detect(environment: utf8, isTerminal: false).color == false)
        #expect(RenderStyle.detect(environment: utf8.merging(["NO_COLOR": ""]) { $1 }, isTerminal: true).color == false)
        #expect(RenderStyle.detect(environment: ["TERM": "dumb", "LANG": "C.utf8"], isTerminal: true).color == false)
        #expect(RenderStyle.detect(environment: ["LANG": "C"], isTerminal: true).unicode == false)
        #expect(RenderStyle.detect(environment: ["LC_ALL": "POSIX", "LANG": "en_US.UTF-8"], isTerminal: true).unicode
                == false)
        #expect(RenderStyle.detect(environment: ["COLUMNS": "100"], isTerminal: true).width == 100)
        #expect(RenderStyle.detect(environment: [:], isTerminal: true).width == 80)
        #expect(RenderStyle(width: 3).width == 20)
    }

    @Test func ansi_WidthStripPadTruncate() {
        let red = ANSI.foreground256(160) + "abc" + ANSI.reset
        #expect(ANSI.strip(red) == "abc")
        #expect(ANSI.displayWidth(red + "⣿█") == 5)
        #expect(ANSI.pad("ab", to: 4, right: true) == "  ab")
        let cut = ANSI.truncate(red + "defg", to: 4)
        #expect(ANSI.strip(cut) == "abcd")
        #expect(cut.hasSuffix(ANSI.reset))
        #expect(ANSI.cubeIndex(RGB(0, 0, 0)) == 16)
        #expect(ANSI.cubeIndex(RGB(255, 255, 255)) == 231)
        #expect(ANSI.cubeIndex(RGB(255, 0, 0)) == 196)
    }

    @Test func colormaps_EndpointsAndMonotoneLuminance() {
        #expect(Colormap.viridis.color(0) == RGB(68, 1, 84))
        #expect(Colormap.viridis.color(1) == RGB(253, 231, 36))
        #expect(Colormap.jet.color(0) == RGB(0, 0, 128))
        #expect(Colormap.jet.color(1) == RGB(128, 0, 0))
        #expect(Colormap.jet.color(0.5) == RGB(128, 255, 128))
        let lum = stride(from: 0.0, through: 1.0, by: 0.1).map { Colormap.viridis.color($0).luminance }
        #expect(zip(lum, lum.dropFirst()).allSatisfy { $0 < $1 })
    }
}
