import Datasets
import Foundation

/// Grad-CAM display: a class activation map drawn with the jet colormap and blended over the image,
/// as pytorch-grad-cam's `show_cam_on_image` does.
public enum CAMOverlay {
    /// Min–max scaling to 0…1 (`(m − min) / (max − min + 1e-7)`, pytorch-grad-cam's `scale_cam_image`).
    public static func normalize(_ mask: [Float]) -> [Float] {
        guard let lo = mask.min(), let hi = mask.max() else { return mask }
        return mask.map { ($0 - lo) / (hi - lo + 1e-7) }
    }

    /// The mask alone as a jet-coloured image of `image`'s size (values clamped to 0…1 and quantised
    /// to 8 bits first, as `np.uint8(255·mask)`).
    public static func heatmap(_ mask: [Float], width mw: Int, height mh: Int, to w: Int, _ h: Int) -> RGBImage {
        let m = ImageResize.bilinear(mask, width: mw, height: mh, to: w, h)
        var out = RGBImage(width: w, height: h)
        for y in 0..<h {
            for x in 0..<w {
                let q = (255 * min(1, max(0, Double(m[y * w + x])))).rounded(.towardZero)
                out[x, y] = Colormap.jet.color(q / 255)
            }
        }
        return out
    }

    /// `show_cam_on_image`: `cam = (1 − w)·jet(mask) + w·image` in 0…1, divided by its maximum, times 255.
    /// - Parameters:
    ///   - image: the picture.
    ///   - mask: the class activation map in 0…1 (see ``normalize(_:)``), `maskHeight×maskWidth`.
    ///   - imageWeight: `w`, the image's share (default 0.5).
    public static func overlay(image: RGBImage, mask: [Float], maskWidth: Int, maskHeight: Int,
                               imageWeight: Double = 0.5) -> RGBImage {
        let heat = heatmap(mask, width: maskWidth, height: maskHeight, to: image.width, image.height)
        var cam = [Double](repeating: 0, count: image.pixels.count)
        for i in cam.indices {
            cam[i] = (1 - imageWeight) * Double(heat.pixels[i]) / 255 + imageWeight * Double(image.pixels[i]) / 255
        }
        let peak = cam.max() ?? 1
        let bytes = cam.map { UInt8(max(0, min(255, 255 * $0 / (peak > 0 ? peak : 1)))) }
        return (try? RGBImage(width: image.width, height: image.height, pixels: bytes)) ?? image
    }

    /// The three tiles of one Grad-CAM row: image, heatmap, overlay, with `caption` under the image.
    public static func tiles(image: RGBImage, mask: [Float], maskWidth: Int, maskHeight: Int,
                             caption: [String], captionColor: RGB = RGB(0, 0, 0)) -> [ImageTile] {
        [
            ImageTile(image: image, caption: caption, captionColor: captionColor),
            ImageTile(image: heatmap(mask, width: maskWidth, height: maskHeight, to: image.width, image.height),
                      caption: ["Grad-CAM"]),
            ImageTile(image: overlay(image: image, mask: mask, maskWidth: maskWidth, maskHeight: maskHeight),
                      caption: ["overlay"]),
        ]
    }
}
