import Foundation

/// Pictures and charts in the terminal, in the protocol ``Console/images`` chooses.
extension ShellContext {
    /// Shows `image` (a picture the command also wrote to a file): at full resolution with a bitmap
    /// protocol, else `fallback` drawn with half-blocks (`blocks`) or as a text listing (`off`).
    func showPicture(_ image: RGBImage, fallback: (RenderStyle) -> String) {
        let kind = console.images
        if kind.isBitmap, let escapes = try? TerminalImageEncoder.encode(image, as: kind) {
            console.write(escapes)
            return
        }
        var style = self.style
        style.color = kind == .blocks
        console.write(fallback(style))
    }

    /// Shows charts: as one picture (panels in `columns`) with a bitmap protocol, else as `text`.
    func showCharts(_ charts: [Chart], columns: Int, text: () -> String) {
        let kind = console.images
        guard kind.isBitmap, !charts.isEmpty else {
            console.write(text())
            return
        }
        let image = charts.count == 1 ? RasterChart.image(charts[0]) : RasterChart.grid(charts, columns: columns)
        if let escapes = try? TerminalImageEncoder.encode(image, as: kind) {
            console.write(escapes)
        } else {
            console.write(text())
        }
    }
}
