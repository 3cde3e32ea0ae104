import Testing
@testable import Datasets

@Suite struct DataLoaderTests {
    let set = Synthetic.makeSet(count: 103, seed: 9)

    func loader(prefetch: Bool = true, dropLast: Bool = false, seed: UInt64 = 5) -> DataLoader {
        let l = DataLoader(set: set, batchSize: 16, shuffle: true, dropLast: dropLast, augmentation: .standard,
                           normalization: .cifar10, seed: seed)
        l.prefetch = prefetch
        return l
    }

    func epoch(_ l: DataLoader) -> [Batch] {
        var batches = [Batch]()
        while let b = l.next() { batches.append(b) }
        return batches
    }

    @Test func anEpochVisitsEveryImageOnceThenReturnsNil() {
        let l = loader()
        #expect(l.batchesPerEpoch == 7)
        let batches = epoch(l)
        #expect(batches.count == 7)
        #expect(batches.map(\.count) == [16, 16, 16, 16, 16, 16, 7])
        #expect(batches.flatMap(\.indices).sorted() == Array(0..<103))
        #expect(batches[0].images.shape == [16, 3, 32, 32])
        #expect(batches[0].labels == batches[0].indices.map { set.labels[$0] })
        #expect(l.epoch == 1 && l.batchIndex == 0)
        let second = epoch(l)
        #expect(second.flatMap(\.indices) != batches.flatMap(\.indices), "each epoch has a new permutation")
        let dropping = loader(dropLast: true)
        #expect(dropping.batchesPerEpoch == 6 && epoch(dropping).allSatisfy { $0.count == 16 })
    }

    @Test func backgroundPreparationEqualsTheSingleThreadedPath() {
        let a = loader(prefetch: true), b = loader(prefetch: false)
        for _ in 0..<2 {
            let ea = epoch(a), eb = epoch(b)
            #expect(ea.count == eb.count)
            for (x, y) in zip(ea, eb) {
                #expect(x.indices == y.indices)
                #expect(x.images.storage == y.images.storage)
            }
        }
        let other = epoch(loader(seed: 6))
        #expect(other[0].indices != epoch(loader(seed: 5))[0].indices)
    }

    @Test func restoringAStateResumesMidEpochWithIdenticalBatches() throws {
        let reference = loader()
        var all = [Batch]()
        for _ in 0..<12 { if let b = reference.next() { all.append(b) } }   // crosses an epoch boundary
        let partial = loader()
        for _ in 0..<3 { _ = partial.next() }
        let state = partial.state
        #expect(state.epoch == 0 && state.batchIndex == 3)
        let resumed = loader(seed: 99)   // the state carries the seed
        try resumed.restore(state)
        var rest = [Batch]()
        for _ in 3..<12 { if let b = resumed.next() { rest.append(b) } }
        #expect(rest.map(\.indices) == all.dropFirst(3).map(\.indices))
        #expect(rest.map(\.images.storage) == all.dropFirst(3).map(\.images.storage))
        var bad = state
        bad.batchIndex = 99
        #expect(throws: DatasetError.self) { try resumed.restore(bad) }
        bad = state
        bad.count = 5
        #expect(throws: DatasetError.self) { try resumed.restore(bad) }
    }

    @Test func evaluationIteratesInOrderWithoutAugmentation() {
        let l = DataLoader.evaluation(set: set, batchSize: 50, normalization: .cifar10)
        let batches = epoch(l)
        #expect(batches.flatMap(\.indices) == Array(0..<103))
        let table = Normalization.cifar10.lookupTable
        let first = set.image(at: 0)
        #expect(batches[0].images.storage[0] == table[Int(first[0])])
        #expect(batches[0].images.storage[1024 + 5] == table[256 + Int(first[1024 + 5])])
        let direct = l.batch(indices: [4, 7])
        let storage = batches[0].images.storage
        #expect(direct.images.storage == Array(storage[4 * 3072..<5 * 3072] + storage[7 * 3072..<8 * 3072]))
    }
}
