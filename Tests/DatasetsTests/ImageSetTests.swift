import Testing
@testable import Datasets

@Suite struct ImageSetTests {
    let set = Synthetic.makeSet(count: 50, seed: 4)

    @Test func layoutsAgree() {
        let chw = set.image(at: 7), hwc = set.rgbInterleaved(at: 7)
        #expect(chw.count == 3072 && hwc.count == 3072)
        #expect(hwc[3 * 33] == chw[33] && hwc[3 * 33 + 1] == chw[1024 + 33] && hwc[3 * 33 + 2] == chw[2048 + 33])
        #expect(ImageSet.planar(fromInterleaved: hwc, height: 32, width: 32) == chw)
    }

    @Test func firstPerClassKeepsFileOrder() {
        let subset = set.firstPerClass(2)
        #expect(subset.count == 20 && subset.classCounts == [Int](repeating: 2, count: 10))
        #expect(subset.image(at: 0) == set.image(at: 0) && subset.image(at: 10) == set.image(at: 10))
        #expect(subset.image(at: 19) == set.image(at: 19))
    }

    @Test func classesTakeTurnsInAGroupedSet() {
        let grouped = set.selecting(set.labels.indices.sorted { (set.labels[$0], $0) < (set.labels[$1], $1) })
        #expect(grouped.isGroupedByClass && !set.isGroupedByClass)
        let turns = grouped.takingClassesInTurn(13)
        #expect(turns.labels == Array(0..<10) + [0, 1, 2])
        #expect(turns.image(at: 10) == grouped.image(at: 1))
        #expect(grouped.takingClassesInTurn(500).count == set.count)
    }

    @Test func seededSamplesAndHoldOutsAreDisjointAndReproducible() throws {
        let a = set.sample(12, seed: 1), b = set.sample(12, seed: 1), c = set.sample(12, seed: 2)
        #expect(a == b && a != c && a.count == 12)
        #expect(set.sample(500, seed: 1) == set)
        let splits = DataSplits(train: set, test: set.firstPerClass(1), source: "t")
        let held = try splits.holdingOutValidation(10, seed: 3)
        #expect(held.train.count == 40 && held.valid?.count == 10)
        #expect(try splits.holdingOutValidation(10, seed: 3) == held)
        // Every training image lands in exactly one of the two parts.
        var seen = [[UInt8]: Int]()
        for part in [held.train, held.valid!] { for i in 0..<part.count { seen[part.image(at: i), default: 0] += 1 } }
        #expect(seen.count == 50 && seen.values.allSatisfy { $0 == 1 })
        #expect { try splits.holdingOutValidation(50, seed: 3) } throws: {
            ($0 as? DatasetError)?.message.contains("valid=50") == true
        }
        #expect(throws: DatasetError.self) { try splits.holdingOutValidation(0, seed: 3) }
    }
}
