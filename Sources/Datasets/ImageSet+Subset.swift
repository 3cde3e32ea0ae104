/// Subsets and hold-out splits. All keep the original order of the images they keep.
extension ImageSet {
    /// The images at `indices`, in that order.
    public func selecting(_ indices: [Int]) -> ImageSet {
        var bytes = [UInt8]()
        bytes.reserveCapacity(indices.count * imageSize)
        for i in indices { bytes.append(contentsOf: images[i * imageSize..<(i + 1) * imageSize]) }
        return ImageSet(images: bytes, labels: indices.map { labels[$0] }, height: height, width: width,
                        classNames: classNames)
    }

    /// The first `n` images of each class, in file order.
    public func firstPerClass(_ n: Int) -> ImageSet {
        var taken = [Int: Int]()
        var keep = [Int]()
        for (i, label) in labels.enumerated() where taken[label, default: 0] < n {
            taken[label, default: 0] += 1
            keep.append(i)
        }
        return selecting(keep)
    }

    /// The first `n` images with the classes taking turns: the first image of each class (in class
    /// order), then the second of each, and so on. From a set stored class by class (an image
    /// folder) this gives a balanced subset where the first `n` would be one or two classes.
    public func takingClassesInTurn(_ n: Int) -> ImageSet {
        selecting(Self.classesInTurn(labels: labels, limit: n))
    }

    /// Up to `limit` positions of `labels`, the classes taking turns in class order and each class's
    /// positions in their original order.
    public static func classesInTurn(labels: [Int], limit: Int) -> [Int] {
        var byClass: [Int: [Int]] = [:]
        for (i, label) in labels.enumerated() { byClass[label, default: []].append(i) }
        let queues = byClass.keys.sorted().map { byClass[$0]! }
        var picked = [Int]()
        var round = 0
        while picked.count < min(limit, labels.count) {
            for queue in queues where round < queue.count && picked.count < limit { picked.append(queue[round]) }
            round += 1
        }
        return picked
    }

    /// Whether the images are stored class by class (labels never decrease), as an image folder lists them.
    public var isGroupedByClass: Bool { zip(labels, labels.dropFirst()).allSatisfy { $0 <= $1 } }

    /// A seeded random sample of `n` images (all of them when `n ≥ count`), kept in their original order.
    public func sample(_ n: Int, seed: UInt64) -> ImageSet {
        if n >= count { return self }
        let chosen = Array(Self.permutation(count, seed: seed).prefix(max(0, n))).sorted()
        return selecting(chosen)
    }

    /// A seeded sample of `n` images in which every class keeps its share of the set (quotas by largest
    /// remainder, ties to the lower class), each class's images drawn at random; in original order.
    public func stratifiedSample(_ n: Int, seed: UInt64) -> ImageSet {
        selecting(Self.stratifiedIndices(labels: labels, n: n, seed: seed))
    }

    /// The positions ``stratifiedSample(_:seed:)`` keeps, sorted.
    public static func stratifiedIndices(labels: [Int], n: Int, seed: UInt64) -> [Int] {
        guard n < labels.count else { return Array(labels.indices) }
        var byClass: [Int: [Int]] = [:]
        for (i, label) in labels.enumerated() { byClass[label, default: []].append(i) }
        let classes = byClass.keys.sorted()
        let exact = classes.map { Double(n) * Double(byClass[$0]!.count) / Double(labels.count) }
        var quotas = exact.map { Int($0) }
        let order = classes.indices.sorted { exact[$0] - Double(quotas[$0]) > exact[$1] - Double(quotas[$1]) }
        for k in order.prefix(max(0, n - quotas.reduce(0, +))) { quotas[k] += 1 }
        var kept: [Int] = []
        for (k, c) in classes.enumerated() {
            let members = byClass[c]!
            let perm = permutation(members.count, seed: seed &+ UInt64(c) &* 0x9E37_79B9_7F4A_7C15)
            kept += perm.prefix(quotas[k]).map { members[$0] }
        }
        return kept.sorted()
    }

    /// Splits off `n` seeded-random images: `(rest, heldOut)`, both in original order.
    /// Throws when `n` is not in `1..<count`.
    public func holdingOut(_ n: Int, seed: UInt64) throws -> (rest: ImageSet, heldOut: ImageSet) {
        guard n > 0, n < count else {
            throw DatasetError("valid=\(n) must be between 1 and \(count - 1) (the training set has \(count) images)")
        }
        let perm = Self.permutation(count, seed: seed)
        let held = Array(perm.prefix(n)).sorted()
        let rest = Array(perm.dropFirst(n)).sorted()
        return (selecting(rest), selecting(held))
    }

    /// A Fisher–Yates permutation of `0..<n` drawn from `SeededGenerator(seed:)`.
    public static func permutation(_ n: Int, seed: UInt64) -> [Int] {
        var generator = SeededGenerator(seed: seed)
        var perm = Array(0..<n)
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) {
                perm.swapAt(i, generator.nextInt(i + 1))
            }
        }
        return perm
    }
}
