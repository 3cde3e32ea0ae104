extension ConvDirect {
    /// `dw[o,c,u,v] = Σ_{n,i,j} dy[n,o,i,j] · xp[n,c,i+u,j+v]`, `db[o] = Σ_{n,i,j} dy[n,o,i,j]` for stride 1.
    ///
    /// Vectorised along output pixels: 4 output channels × 3 kernel columns accumulate in 12
    /// `SIMD8<Float>` registers over one image, then are reduced across lanes. Each thread sums its
    /// fixed chunk of images into its own partial gradient; the partials are added in thread order,
    /// so the result is bit-identical run to run for a given ``Parallel/threads``.
    static func backwardWeight(_ g: ConvGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                               gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?) {
        let plan = Plan(cin: g.inChannels, cout: g.outChannels, h: g.height, w: g.width, k: g.kernel, p: g.padding)
        let (oh, ow, k, cin, cout) = (plan.oh, plan.ow, plan.k, plan.cin, plan.cout)
        let vectors = (ow + 7) / 8
        let dyStride = ow % 8 == 0 ? ow : vectors * 8
        let dyPlane = oh * dyStride
        let wCount = g.weightCount
        let parts = ConvWorkspace.parts(g.batch)
        let inCount = cin * plan.h * plan.w, outCount = cout * oh * ow
        // Per-part layout: xp | dy copy (when needed) | dw partial | db partial.
        let xpCount = cin * plan.plane + 64
        // Gradient rows are taken 4 output channels at a time; a copy (with zero tail lanes and
        // zero padding channels) is needed when rows are not whole vectors or cout % 4 != 0.
        let blockedOut = (cout + 3) / 4 * 4
        let dyCount = ow % 8 == 0 && cout % 4 == 0 ? 0 : blockedOut * dyPlane
        let partCount = xpCount + dyCount + wCount + cout + 16

        ConvWorkspace.withScratch(parts) { scratch in
            var partials: [UnsafeMutablePointer<Float>] = []
            for part in 0..<parts { partials.append(scratch[part].floats(partCount)) }
            ConvWorkspace.forParts(g.batch, parts: parts) { part, images in
                let base = partials[part]
                let xp = base, dyCopy = base + xpCount
                let dw = dyCopy + dyCount, db = dw + wCount
                xp.update(repeating: 0, count: cin * plan.plane)
                dw.update(repeating: 0, count: wCount + cout)
                if dyCount > 0 { dyCopy.update(repeating: 0, count: dyCount) }
                var out = [Float](repeating: 0, count: 12)
                for n in images {
                    plan.fill(xp, from: input + n * inCount)
                    var dy = UnsafePointer(gradOutput + n * outCount)
                    if dyCount > 0 {
                        for r in 0..<cout * oh { (dyCopy + r * dyStride).update(from: dy + r * ow, count: ow) }
                        dy = UnsafePointer(dyCopy)
                    }
                    sumPlanes(dy, count: cout, plane: dyPlane, into: db)
                    out.withUnsafeMutableBufferPointer { out in
                        for o0 in stride(from: 0, to: cout, by: 4) {
                            for c in 0..<cin {
                                for u in 0..<k {
                                    for v0 in stride(from: 0, to: k, by: 3) {
                                        ConvMicro.weight4x3(
                                            rows: oh, vectors: vectors, dy + o0 * dyPlane, dyPlane: dyPlane,
                                            dyStride: dyStride, xp + c * plan.plane + u * plan.s + v0,
                                            xStride: plan.s, out.baseAddress!)
                                        for m in 0..<Swift.min(4, cout - o0) {
                                            for t in 0..<Swift.min(3, k - v0) {
                                                dw[((o0 + m) * cin + c) * k * k + u * k + v0 + t] += out[3 * m + t]
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            combine(partials, offset: xpCount + dyCount, count: wCount, into: gradWeight)
            if let gradBias { combine(partials, offset: xpCount + dyCount + wCount, count: cout, into: gradBias) }
        }
    }

    /// `into[o] += Σ_p planes[o·plane + p]` (lanes summed in a fixed order).
    static func sumPlanes(_ planes: UnsafePointer<Float>, count: Int, plane: Int, into: UnsafeMutablePointer<Float>) {
        for o in 0..<count {
            let p = planes + o * plane
            var acc = SIMD8<Float>(), tail: Float = 0
            var i = 0
            while i + 8 <= plane { acc += load8(p + i); i += 8 }
            while i < plane { tail += p[i]; i += 1 }
            into[o] += acc.sum() + tail
        }
    }

    /// `into[i] = Σ_part partials[part][offset + i]`, parts in order.
    static func combine(_ partials: [UnsafeMutablePointer<Float>], offset: Int, count: Int,
                        into: UnsafeMutablePointer<Float>) {
        into.update(from: partials[0] + offset, count: count)
        for part in partials.dropFirst() {
            let p = part + offset
            for i in 0..<count { into[i] += p[i] }
        }
    }
}
