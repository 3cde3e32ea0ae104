import Datasets
import Foundation
import Testing
@testable import Workbench

@Suite struct TerminalImageTests {
    let esc = "\u{1B}"

    @Test func kittySmallPayloadIsOneChunkWithHeader() {
        #expect(TerminalImageEncoder.kitty(png: [1, 2, 3]) == "\(esc)_Ga=T,f=100,q=2,m=0;AQID\(esc)\\")
    }

    @Test func kittyChunksAre4096Base64CharactersAndOnlyTheFirstCarriesKeys() throws {
        let payload = (0..<5000).map { UInt8($0 % 251) }
        let stream = TerminalImageEncoder.kitty(png: payload)
        let chunks = stream.components(separatedBy: "\(esc)\\").filter { !$0.isEmpty }
        #expect(chunks.count == 2)
        #expect(chunks[0].hasPrefix("\(esc)_Ga=T,f=100,q=2,m=1;"))
        #expect(chunks[1].hasPrefix("\(esc)_Gm=0;"))
        let bodies = chunks.map { String($0[$0.index(after: $0.firstIndex(of: ";")!)...]) }
        // 5000 bytes are 4·⌈5000/3⌉ = 6668 base64 characters: 4096 + 2572.
        #expect(bodies.map(\.count) == [4096, 2572])
        #expect(Data(base64Encoded: bodies.joined()).map { [UInt8]($0) } == payload)
    }

    @Test func kittyExactMultipleOfTheChunkEndsWithMZero() {
        let payload = [UInt8](repeating: 7, count: 3072 * 2)  // 8192 base64 characters
        let chunks = TerminalImageEncoder.kitty(png: payload).components(separatedBy: "\(esc)\\").filter { !$0.isEmpty }
        #expect(chunks.count == 2)
        #expect(chunks[0].hasPrefix("\(esc)_Ga=T,f=100,q=2,m=1;") && chunks[1].hasPrefix("\(esc)_Gm=0;"))
    }

    @Test func itermHeaderNamesTheByteSize() {
        #expect(TerminalImageEncoder.iterm(png: [1, 2, 3])
                == "\(esc)]1337;File=inline=1;size=3;preserveAspectRatio=1:AQID\u{07}")
        let big = TerminalImageEncoder.iterm(png: [UInt8](repeating: 0, count: 1000))
        #expect(big.hasPrefix("\(esc)]1337;File=inline=1;size=1000;preserveAspectRatio=1:"))
        #expect(big.count == "\(esc)]1337;File=inline=1;size=1000;preserveAspectRatio=1:".count + 1336 + 1)
    }

    @Test func pngOfAnImageDecodesToItsPixels() throws {
        var image = RGBImage(width: 3, height: 2, fill: RGB(10, 20, 30))
        image[1, 1] = RGB(250, 0, 5)
        let stream = try #require(try TerminalImageEncoder.encode(image, as: .kitty))
        let body = stream.dropFirst("\(esc)_Ga=T,f=100,q=2,m=0;".count).dropLast(2)
        let png = try #require(Data(base64Encoded: String(body)))
        let decoded = try PNGCodec.decode([UInt8](png), name: "test")
        #expect(decoded.width == 3 && decoded.height == 2 && decoded.rgb == image.pixels)
    }

    @Test func sixelOfOneRedPixel() {
        let image = RGBImage(width: 1, height: 1, fill: RGB(255, 0, 0))
        #expect(Sixel.encode(image) == "\(esc)P0;1;0q\"1;1;1;1#180;2;100;0;0#180@\(esc)\\")
    }

    @Test func sixelBandsRunsAndColours() {
        // 8×7: a white top band of six rows, then a row half black, half blue.
        var image = RGBImage(width: 8, height: 7, fill: RGB(255, 255, 255))
        for x in 0..<8 { image[x, 6] = x < 4 ? RGB(0, 0, 0) : RGB(0, 0, 255) }
        let expected = "\(esc)P0;1;0q\"1;1;8;7" + "#0;2;0;0;0#5;2;0;0;100#215;2;100;100;100"
            + "#215!8~" + "-" + "#0!4@$#5!4?!4@" + "\(esc)\\"
        #expect(Sixel.encode(image) == expected)
    }

    @Test func detectionFromTheEnvironment() {
        #expect(TerminalImageProtocol.detect(environment: ["KITTY_WINDOW_ID": "1", "TERM": "xterm-256color"]) == .kitty)
        #expect(TerminalImageProtocol.detect(environment: ["TERM": "xterm-kitty"]) == .kitty)
        #expect(TerminalImageProtocol.detect(environment: ["TERM_PROGRAM": "iTerm.app"]) == .iterm)
        #expect(TerminalImageProtocol.detect(environment: ["LC_TERMINAL": "iTerm2"]) == .iterm)
        #expect(TerminalImageProtocol.detect(environment: ["TERM": "foot"]) == .sixel)
        #expect(TerminalImageProtocol.detect(environment: ["TERM": "xterm-256color"]) == nil)
    }

    @Test func queryRepliesName() {
        #expect(TerminalImageProtocol.fromQueryReply("\(esc)_Gi=31;OK\(esc)\\\(esc)[?62;22c") == .kitty)
        #expect(TerminalImageProtocol.fromQueryReply("\(esc)[?62;4;6;22c") == .sixel)
        #expect(TerminalImageProtocol.fromQueryReply("\(esc)[?62;22c") == nil)
        #expect(TerminalImageProtocol.fromQueryReply("") == nil)
    }

    @Test func pipesGetNoEscapesUnlessAProtocolIsSet() {
        let pipe = Console(isTerminal: false, color: false, unicode: true)
        pipe.detectedImages = .kitty
        #expect(pipe.images == .off)
        pipe.imageOverride = .sixel
        #expect(pipe.images == .sixel)
        let terminal = Console(isTerminal: true, color: true, unicode: true)
        #expect(terminal.images == .blocks)
        terminal.detectedImages = .iterm
        #expect(terminal.images == .iterm)
    }

    @Test func showImagesWritesTheChosenProtocolIntoAPipe() {
        let bench = InspectionBench()
        let plain = bench.run("show images n=2")
        #expect(!plain.contains(esc))
        #expect(bench.run("set images=kitty").contains("images=kitty"))
        #expect(bench.run("show images n=2").contains("\(esc)_Ga=T,f=100,q=2,m="))
        bench.run("set images=iterm")
        #expect(bench.run("show images n=2").contains("\(esc)]1337;File=inline=1;size="))
        bench.run("set images=sixel")
        #expect(bench.run("show images n=2").contains("\(esc)P0;1;0q\"1;1;"))
        bench.run("set images=blocks")
        #expect(bench.run("show images n=2").contains("▀"))
        bench.run("set images=off")
        #expect(!bench.run("show images n=2").contains(esc))
        bench.run("set images=auto")
        #expect(!bench.run("show images n=2").contains(esc))
    }

    @Test func chartsAreBitmapsWithABitmapProtocol() {
        let bench = InspectionBench()
        bench.run("sched onecycle max_lr=4e-3 epochs=2")
        #expect(!bench.run("plot schedule").contains(esc))
        bench.run("set images=sixel")
        let out = bench.run("plot schedule")
        #expect(out.contains("\(esc)P0;1;0q\"1;1;480;640"))
        #expect(out.contains("wrote "))
    }

    @Test func rasterChartDrawsItsSeriesInTheirColours() {
        let chart = Chart(title: "t", series: [ChartSeries(name: "a", y: [1, 2, 3]),
                                               ChartSeries(name: "b", y: [3, 2, 1])])
        let image = RasterChart.image(chart, width: 200, height: 120)
        var colours = Set<RGB>()
        for y in 0..<image.height { for x in 0..<image.width { colours.insert(image[x, y]) } }
        #expect(colours.contains(Chart.palette[0]) && colours.contains(Chart.palette[1]))
    }
}
