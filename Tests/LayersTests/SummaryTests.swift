import Layers
import Testing

/// The summary against torchinfo 1.8.0's table for the seed's model at batch 20.
@Suite struct SummaryTests {
    func specSummary() throws -> ModelSummary {
        var g = SeededGenerator(seed: 1)
        return try Summary.make(model: UltimusNet(variant: .spec, generator: &g), inputShape: [20, 3, 32, 32])
    }

    @Test func spec_Batch20_ReproducesTheSeedsFigures() throws {
        let s = try specSummary()
        #expect(s.totalParameters == 25_882)
        #expect(s.trainableParameters == 25_882)
        #expect(s.totalMultAdds == 388_439_240)
        let leaves = s.rows.filter(\.isLeaf)
        #expect(leaves.map(\.multAdds) == [9_175_040, 95_027_200, 284_098_560]
            + Array(repeating: [7_840, 7_840, 7_840, 8_640], count: 4).flatMap { $0 } + [9_800])
        #expect(leaves.map(\.parameterCount) == [448, 4_640, 13_872]
            + Array(repeating: [392, 392, 392, 432], count: 4).flatMap { $0 } + [490])
        let text = s.render()
        #expect(text.contains("Total mult-adds (M): 388.44"))
        #expect(text.contains("Total params: 25,882"))
        #expect(text.contains("Input size (MB): 0.25"))
        #expect(text.contains("Forward/backward pass size (MB): 15.78"))
        #expect(text.contains("Params size (MB): 0.10"))
        #expect(text.contains("Estimated Total Size (MB): 16.13"))
    }

    @Test func rows_AreInExecutionOrderWithDepthIndices() throws {
        let s = try specSummary()
        #expect(s.rows.count == 1 + 3 + 4 * 5 + 1)
        #expect(s.rows[0].typeName == "UltimusNet" && s.rows[0].inputShape == [20, 3, 32, 32]
                && s.rows[0].outputShape == [20, 10])
        let block = try #require(s.rows.first { $0.name == "ultimus2" })
        #expect(block.depth == 1 && block.depthIndex == 5 && block.inputShape == [20, 48])
        let fcOut = try #require(s.rows.first { $0.name == "ultimus4.fc_out" })
        #expect(fcOut.depth == 2 && fcOut.depthIndex == 16 && fcOut.inputShape == [20, 8]
                && fcOut.outputShape == [20, 48])
        #expect(s.rows.first { $0.name == "conv1" }?.kernelShape == [3, 3])
        let text = s.render()
        #expect(text.contains("├─Conv2d (conv1): 1-1"))
        #expect(text.contains("│    └─Linear (fc_out): 2-16"))
    }

    @Test func attentionFooter_CountsWhatTorchinfoLeavesOut() throws {
        let s = try specSummary()
        // Per block and image: q·kᵀ and v·AM are 8×8 each.
        #expect(s.attentionMultAdds == 2 * 4 * 20 * 64)
        #expect(s.softmaxExps == 4 * 20 * 64)
        #expect(s.render().contains("Total mult-adds with attention (M): 388.45"))
        var g = SeededGenerator(seed: 1)
        let mixing = try Summary.make(model: UltimusNet(attention: .batch, generator: &g), inputShape: [20, 3, 32, 32])
        #expect(mixing.attentionMultAdds == 2 * 4 * 20 * 20 * 8)
        #expect(mixing.render().contains("WARNING: ultimus1, ultimus2, ultimus3, ultimus4 use attention=batch"))
    }

    @Test func bnrelu_AddsBatchNormRows() throws {
        var g = SeededGenerator(seed: 1)
        let s = try Summary.make(model: UltimusNet(variant: .bnrelu, generator: &g), inputShape: [512, 3, 32, 32])
        #expect(s.totalParameters == 26_074)
        #expect(s.rows.filter { $0.depth == 1 }.map(\.name).prefix(6)
                == ["conv1", "bn1", "conv2", "bn2", "conv3", "bn3"])
        #expect(s.rows.first { $0.name == "conv1" }?.multAdds == 234_881_024)
        #expect(s.rows.first { $0.name == "ultimus1.fc_k" }?.multAdds == 200_704)
        #expect(s.rows.first { $0.name == "bn1" }?.multAdds == 16_384)
        #expect(s.render().contains("Total mult-adds (G): 9.94"))
    }

    @Test func summary_LeavesTheModelAsItWas() throws {
        var g = SeededGenerator(seed: 3)
        let model = UltimusNet(variant: .bnrelu, generator: &g)
        let before = model.stateDict()
        _ = try Summary.make(model: model, inputShape: [4, 3, 32, 32])
        #expect(model.isTraining && model.blocks[0].isTraining)
        #expect(model.blocks[0].lastAttention == nil)
        for (key, value) in model.stateDict() { #expect(value.tensor.storage == before.tensor(key)?.storage, "\(key)") }
    }

    @Test func wrongInputShape_Throws() {
        var g = SeededGenerator(seed: 1)
        let model = UltimusNet(generator: &g)
        #expect(throws: ShapeError.self) { try Summary.make(model: model, inputShape: [20, 1, 32, 32]) }
        #expect(throws: ShapeError.self) { try Summary.make(model: model, inputShape: [0, 3, 32, 32]) }
    }
}

@Suite struct SequentialSummaryTests {
    @Test func sequential_ParameterlessLayersShowDashes_AndMultAddsFollowTorchinfo() throws {
        var g = SeededGenerator(seed: 1)
        let model = Sequential([
            Conv2d(inChannels: 3, outChannels: 4, kernelSize: 3, stride: 2, generator: &g), ReLU(),
            MaxPool2d(kernelSize: 2), Flatten(), Linear(inputFeatures: 4 * 3 * 3, outputFeatures: 5, generator: &g),
        ])
        let s = try Summary.make(model: model, inputShape: [7, 3, 15, 15])
        #expect(s.rows.map(\.outputShape) == [[7, 5], [7, 4, 7, 7], [7, 4, 7, 7], [7, 4, 3, 3], [7, 36], [7, 5]])
        #expect(s.rows[1].multAdds == (108 + 4) * 7 * 49)
        #expect(s.rows[5].multAdds == (36 * 5 + 5) * 7)
        #expect(s.rows[2].trainable == "--" && s.rows[2].multAdds == 0)
        #expect(s.attention.isEmpty)
        let text = s.render()
        #expect(text.contains("├─ReLU (1): 1-2"))
        #expect(!text.contains("Not counted by torchinfo"))
    }
}
