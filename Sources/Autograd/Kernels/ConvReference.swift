/// The naive convolution loops over raw NCHW / OIHW buffers (cross-correlation, as PyTorch):
/// the definition the fast ``Conv2dKernels`` are tested against. Every function overwrites its output.
public enum Conv2dReference {
    /// `y[n,o,i,j] = b[o] + Σ_{c,u,v} x[n,c,i·s+u−p, j·s+v−p] · w[o,c,u,v]` (zero padding).
    public static func forward(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                               bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>) {
        let (oh, ow, k) = (g.outHeight, g.outWidth, g.kernel)
        for n in 0..<g.batch {
            for o in 0..<g.outChannels {
                let y = output + (n * g.outChannels + o) * oh * ow
                for i in 0..<oh {
                    for j in 0..<ow {
                        var sum: Float = bias?[o] ?? 0
                        for c in 0..<g.inChannels {
                            let x = input + (n * g.inChannels + c) * g.height * g.width
                            let w = weight + (o * g.inChannels + c) * k * k
                            for u in 0..<k {
                                let r = i * g.stride + u - g.padding
                                guard r >= 0 && r < g.height else { continue }
                                for v in 0..<k {
                                    let col = j * g.stride + v - g.padding
                                    guard col >= 0 && col < g.width else { continue }
                                    sum += x[r * g.width + col] * w[u * k + v]
                                }
                            }
                        }
                        y[i * ow + j] = sum
                    }
                }
            }
        }
    }

    /// `dx[n,c,r,col] = Σ_{o,u,v} dy[n,o,i,j] · w[o,c,u,v]` over the output positions that read `(r, col)`.
    public static func backwardInput(_ g: ConvGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                     gradInput: UnsafeMutablePointer<Float>) {
        let (oh, ow, k) = (g.outHeight, g.outWidth, g.kernel)
        gradInput.update(repeating: 0, count: g.inputCount)
        for n in 0..<g.batch {
            for o in 0..<g.outChannels {
                let dy = gradOutput + (n * g.outChannels + o) * oh * ow
                for c in 0..<g.inChannels {
                    let dx = gradInput + (n * g.inChannels + c) * g.height * g.width
                    let w = weight + (o * g.inChannels + c) * k * k
                    for i in 0..<oh {
                        for j in 0..<ow {
                            let d = dy[i * ow + j]
                            for u in 0..<k {
                                let r = i * g.stride + u - g.padding
                                guard r >= 0 && r < g.height else { continue }
                                for v in 0..<k {
                                    let col = j * g.stride + v - g.padding
                                    guard col >= 0 && col < g.width else { continue }
                                    dx[r * g.width + col] += d * w[u * k + v]
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `dw[o,c,u,v] = Σ_{n,i,j} dy[n,o,i,j] · x[n,c,i·s+u−p, j·s+v−p]`, `db[o] = Σ_{n,i,j} dy[n,o,i,j]`.
    public static func backwardWeight(_ g: ConvGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                                      gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?) {
        let (oh, ow, k) = (g.outHeight, g.outWidth, g.kernel)
        gradWeight.update(repeating: 0, count: g.weightCount)
        gradBias?.update(repeating: 0, count: g.outChannels)
        for n in 0..<g.batch {
            for o in 0..<g.outChannels {
                let dy = gradOutput + (n * g.outChannels + o) * oh * ow
                if let gradBias { for p in 0..<oh * ow { gradBias[o] += dy[p] } }
                for c in 0..<g.inChannels {
                    let x = input + (n * g.inChannels + c) * g.height * g.width
                    let dw = gradWeight + (o * g.inChannels + c) * k * k
                    for u in 0..<k {
                        for v in 0..<k {
                            var sum: Float = 0
                            for i in 0..<oh {
                                let r = i * g.stride + u - g.padding
                                guard r >= 0 && r < g.height else { continue }
                                for j in 0..<ow {
                                    let col = j * g.stride + v - g.padding
                                    guard col >= 0 && col < g.width else { continue }
                                    sum += dy[i * ow + j] * x[r * g.width + col]
                                }
                            }
                            dw[u * k + v] += sum
                        }
                    }
                }
            }
        }
    }
}
