import Autograd
import Datasets
import Foundation
import Layers
import Testing
import TestSupport
@testable import ExperimentKit
@testable import Workbench

@Suite struct GradCAMTests {
    @Test func weightsAreTheSpatialMeanGradient() throws {
        // In the spec network conv3 feeds global average pooling, so Σ_yx ∂logit/∂A[c] = ∂logit/∂gap[c]:
        // w_c = ∂logit/∂gap[c] / (H·W). Check against central differences through the blocks.
        let model = InspectionFixtures.model(.spec)
        let images = InspectionFixtures.images(1)
        let result = try #require(try GradCAM.compute(model: model, images: images, layer: "conv3").first)
        let probe = ProbeForward(model: model, images: images)
        let gap = probe.activation("gap")!.storage
        let copy = ModelCopy.evaluationCopy(of: model)
        func logit(_ features: [Float]) -> Double {
            var h = Tensor(shape: [1, 48], storage: features)
            noGrad {
                for b in copy.blocks { h = b(h) }
                h = copy.fc(h)
            }
            return Double(h.storage[result.targetClass])
        }
        let eps: Float = 1e-2
        for c in [0, 7, 23, 47] {
            var up = gap, down = gap
            up[c] += eps
            down[c] -= eps
            let derivative = (logit(up) - logit(down)) / Double(2 * eps)
            #expect(abs(result.weights[c] * 64 - derivative) < 2e-3 * max(1, abs(derivative)))
        }
    }

    @Test func mapsAreNormalisedAtImageSize() throws {
        let model = InspectionFixtures.model(.bnrelu)
        let results = try GradCAM.compute(model: model, images: InspectionFixtures.images(3), layer: "relu3",
                                          targets: [0, 1, 2])
        #expect(results.count == 3)
        for (n, r) in results.enumerated() {
            #expect(r.targetClass == n)
            #expect(r.map.count == 8 * 8 && r.width == 8 && r.height == 8)
            #expect(r.map.allSatisfy { $0 >= 0 && $0 <= 1 })
            if r.rawMax > 0 { #expect(r.map.max() == 1) }
        }
        #expect(throws: InspectionError.self) {
            try GradCAM.compute(model: model, images: InspectionFixtures.images(1), layer: "fc")
        }
    }

    @Test func batchMixingModelsAreExplainedImageByImage() throws {
        let model = InspectionFixtures.model(.spec, attention: .batch)
        let results = try GradCAM.compute(model: model, images: InspectionFixtures.images(2), layer: "conv2")
        #expect(results.count == 2)
    }

    @Test func resizeKeepsConstantsAndCorners() {
        let constant = ImageResize.bilinear([Double](repeating: 2, count: 16), width: 4, height: 4, to: 32, 32)
        #expect(constant.allSatisfy { abs($0 - 2) < 1e-12 })
        let ramp = ImageResize.bilinear([0, 1, 0, 1] as [Double], width: 2, height: 2, to: 4, 4)
        #expect(ramp[0] == 0 && ramp[3] == 1)
    }
}
