/// Drawing and applying augmentations to one CHW image.
extension Augmentation {
    /// Draws one image's choices from `generator`, always in the order crop (y, x), flip, cutout
    /// (probability, y, x); disabled augmentations draw nothing.
    public func draw(using generator: inout SeededGenerator, height: Int, width: Int) -> AugmentationDraw {
        var result = AugmentationDraw(cropY: padding, cropX: padding, flip: false, hole: nil)
        if crop {
            result.cropY = generator.nextInt(2 * padding + 1)
            result.cropX = generator.nextInt(2 * padding + 1)
        }
        if flip { result.flip = generator.nextUnit() < flipProbability }
        if cutout, generator.nextUnit() < cutoutProbability {
            let size = min(cutoutSize, height, width)
            result.hole = (generator.nextInt(height - size + 1), generator.nextInt(width - size + 1))
        }
        return result
    }

    /// Writes the augmented, normalised image into `output` (`3 × height × width` floats, CHW).
    /// `source` points at the image's `3 × height × width` bytes; `table` is
    /// ``Normalization/lookupTable``. Output pixel (y, x) reads source pixel
    /// (reflect101(y + cropY − padding), reflect101(x' + cropX − padding)) with x' = width−1−x when flipped;
    /// the hole is then set to 0. Parts of `draw` whose augmentation is off are ignored.
    public func apply(_ draw: AugmentationDraw, source: UnsafePointer<UInt8>, height: Int, width: Int,
                      table: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let plane = height * width
        let shiftY = crop ? draw.cropY - padding : 0
        let shiftX = crop ? draw.cropX - padding : 0
        var columns = [Int](repeating: 0, count: width)
        for x in 0..<width {
            let xx = flip && draw.flip ? width - 1 - x : x
            columns[x] = reflect101(xx + shiftX, width)
        }
        for c in 0..<3 {
            let src = source + c * plane, dst = output + c * plane, lut = table + c * 256
            for y in 0..<height {
                let row = src + reflect101(y + shiftY, height) * width, out = dst + y * width
                for x in 0..<width { out[x] = lut[Int(row[columns[x]])] }
            }
        }
        if cutout, let hole = draw.hole {
            let size = min(cutoutSize, height, width)
            for c in 0..<3 {
                for y in hole.y..<min(height, hole.y + size) {
                    let out = output + c * plane + y * width
                    for x in hole.x..<min(width, hole.x + size) { out[x] = 0 }
                }
            }
        }
    }

    /// Convenience for one image held in an array: returns the augmented, normalised CHW floats.
    public func apply(_ draw: AugmentationDraw, image: [UInt8], height: Int, width: Int,
                      normalization: Normalization) -> [Float] {
        var output = [Float](repeating: 0, count: 3 * height * width)
        let table = normalization.lookupTable
        image.withUnsafeBufferPointer { src in
            table.withUnsafeBufferPointer { lut in
                output.withUnsafeMutableBufferPointer { out in
                    apply(draw, source: src.baseAddress!, height: height, width: width,
                          table: lut.baseAddress!, output: out.baseAddress!)
                }
            }
        }
        return output
    }
}

/// Reflect-101 index into `0..<n` (`dcb|abcd|cba`): −1 → 1, n → n − 2. Valid for shifts below `n`.
@inline(__always) func reflect101(_ i: Int, _ n: Int) -> Int {
    if n == 1 { return 0 }
    var i = i
    while i < 0 || i >= n { i = i < 0 ? -i : 2 * (n - 1) - i }
    return i
}
