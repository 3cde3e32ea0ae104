import Autograd
import Foundation
import Layers
import Testing
import TestSupport
@testable import ExperimentKit
@testable import Workbench

@Suite struct ExplainTests {
    private func explanation(_ model: UltimusNet, block: Int, sample: Int) throws
        -> (AttentionExplanation, ProbeForward)
    {
        let probe = ProbeForward(model: model, images: InspectionFixtures.images(3))
        let inputName = block == 0 ? "gap" : "ultimus\(block)"
        let x = probe.activation(inputName)!
        let row = Array(x.storage[(sample * 48)..<((sample + 1) * 48)])
        return (try AttentionExplanation(block: model.blocks[block], name: "ultimus\(block + 1)", sample: sample,
                                         input: row), probe)
    }

    @Test func numbersMatchTheModelsForward() throws {
        let model = InspectionFixtures.model(.bnrelu)
        for block in 0..<4 {
            let (e, probe) = try explanation(model, block: block, sample: 2)
            let gap = try #require(e.discrepancy(with: probe))
            #expect(gap < 1e-5)
            for row in e.attention { #expect(abs(row.reduce(0, +) - 1) < 1e-12) }
        }
    }

    @Test func entriesFollowTheFormulas() throws {
        let model = InspectionFixtures.model()
        let (e, _) = try explanation(model, block: 1, sample: 0)
        let b = model.blocks[1]
        // K[3] from the weights directly.
        let k3 = (0..<48).reduce(Double(b.fcK.bias!.storage[3])) {
            $0 + Double(b.fcK.weight.storage[3 * 48 + $1]) * e.x[$1]
        }
        #expect(abs(e.k[3] - k3) < 1e-9)
        #expect(abs(e.scores[2][5] - e.q[2] * e.k[5] / 8.0.squareRoot()) < 1e-12)
        let row = e.scores[2].map { Foundation.exp($0) }
        #expect(abs(e.attention[2][5] - row[5] / row.reduce(0, +)) < 1e-12)
        let z4 = (0..<8).reduce(0.0) { $0 + e.v[$1] * e.attention[$1][4] }
        #expect(abs(e.z[4] - z4) < 1e-12)
    }

    @Test func interventionsShowInTheWalkThrough() throws {
        let model = InspectionFixtures.model()
        model.blocks[2].intervention = .zeroRow(3)
        let (e, probe) = try explanation(model, block: 2, sample: 1)
        #expect(e.attention[3].allSatisfy { $0 == 0 })
        #expect(try #require(e.discrepancy(with: probe)) < 1e-5)
        model.blocks[2].intervention = .bypass
        let (bypassed, _) = try explanation(model, block: 2, sample: 1)
        #expect(bypassed.out == bypassed.x)
        let text = e.render(style: .plain, inputName: "ultimus2", caption: "probe 0 (cat)", discrepancy: 1e-7)
        #expect(text.contains("zero_row(3)"))
        #expect(text.contains("AM[") && text.contains("Z[") && text.contains("K["))
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test func wrongInputLengthIsAnError() {
        let model = InspectionFixtures.model()
        #expect(throws: InspectionError.self) {
            try AttentionExplanation(block: model.blocks[0], name: "ultimus1", sample: 0, input: [1, 2, 3])
        }
    }
}
