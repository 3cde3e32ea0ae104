/// 2-D convolution (cross-correlation, as PyTorch): input `[N, C, H, W]`, weight `[O, C, k, k]`,
/// bias `[O]`, output `[N, O, ⌊(H+2p−k)/s⌋+1, ⌊(W+2p−k)/s⌋+1]`, zero padding. One op with its own
/// backward through ``Conv2dKernels``. With `relu`, the output is `max(conv, 0)` in the same pass
/// (the gradient is masked by `output > 0` before the convolution's backward).
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0,
                   relu: Bool = false) -> Tensor {
    precondition(x.rank == 4 && weight.rank == 4,
                 "conv2d: input \(x.shape) must be [N,C,H,W] and weight \(weight.shape) [O,C,k,k]")
    precondition(weight.shape[1] == x.shape[1],
                 "conv2d: weight \(weight.shape) expects \(weight.shape[1]) input channels, input has \(x.shape[1])")
    precondition(weight.shape[2] == weight.shape[3], "conv2d: only square kernels, got \(weight.shape)")
    precondition(stride >= 1 && padding >= 0, "conv2d: stride \(stride) must be ≥ 1 and padding \(padding) ≥ 0")
    let g = ConvGeometry(batch: x.shape[0], inChannels: x.shape[1], height: x.shape[2], width: x.shape[3],
                         outChannels: weight.shape[0], kernel: weight.shape[2], stride: stride, padding: padding)
    precondition(g.outHeight > 0 && g.outWidth > 0,
                 "conv2d: kernel \(g.kernel) does not fit input \(x.shape) with padding \(padding)")
    if let bias {
        precondition(bias.shape == [g.outChannels], "conv2d: bias \(bias.shape) should be [\(g.outChannels)]")
    }
    let outShape = [g.batch, g.outChannels, g.outHeight, g.outWidth]
    let out = x.withPointer { px in weight.withPointer { pw in
        Tensor.filled(outShape) { y in
            if let bias {
                bias.withPointer { pb in
                    Conv2dKernels.forward(g, input: px, weight: pw, bias: pb, relu: relu, output: y)
                }
            } else {
                Conv2dKernels.forward(g, input: px, weight: pw, bias: nil, relu: relu, output: y)
            }
        }
    } }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    let mask = relu ? out.storage : []  // the ReLU output; an array, not the tensor, so no cycle forms
    return Tape.record(relu ? "conv2d_relu" : "conv2d", inputs: inputs, output: out) { upstream in
        let gy = relu ? upstream.withPointer { pg in mask.withUnsafeBufferPointer { r in
            Tensor.filled(upstream.shape) { ElementwiseKernels.reluBackward(count: mask.count, pg, r.baseAddress!, $0) }
        } } : upstream
        var grads: [Tensor?] = [nil, nil]
        gy.withPointer { dy in
            if x.requiresGrad {
                grads[0] = weight.withPointer { pw in
                    Tensor.filled(x.shape) { Conv2dKernels.backwardInput(g, gradOutput: dy, weight: pw, gradInput: $0) }
                }
            }
            let needBias = bias?.requiresGrad ?? false
            if weight.requiresGrad || needBias {
                var gb = [Float](repeating: 0, count: g.outChannels)
                let gw = x.withPointer { px in
                    Tensor.filled(weight.shape) { dw in
                        gb.withUnsafeMutableBufferPointer { pb in
                            Conv2dKernels.backwardWeight(g, input: px, gradOutput: dy, gradWeight: dw,
                                                         gradBias: needBias ? pb.baseAddress! : nil)
                        }
                    }
                }
                grads[1] = weight.requiresGrad ? gw : nil
                if bias != nil { grads.append(needBias ? Tensor(shape: [g.outChannels], storage: gb) : nil) }
            } else if bias != nil {
                grads.append(nil)
            }
        }
        return grads
    }
}
