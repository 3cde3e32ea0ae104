/// Which misclassified test images to show. An image folder lists the test set class by class, so
/// the first `n` wrong images would all share one true class; instead the classes take turns: the
/// first wrong image of each class in class order, then the second of each, and so on.
enum MisclassifiedPick {
    /// - Returns: up to `limit` test indices (round-robin over true classes, test order within a
    ///   class) and the number of misclassified images in all.
    static func pick(labels: [Int], predictions: [Int], limit: Int) -> (indices: [Int], wrong: Int) {
        var byClass: [Int: [Int]] = [:]
        var wrong = 0
        for (i, (label, predicted)) in zip(labels, predictions).enumerated() where label != predicted {
            byClass[label, default: []].append(i)
            wrong += 1
        }
        let queues = byClass.keys.sorted().map { byClass[$0]! }
        var picked: [Int] = []
        var round = 0
        while picked.count < min(limit, wrong) {
            for queue in queues where round < queue.count && picked.count < limit { picked.append(queue[round]) }
            round += 1
        }
        return (picked, wrong)
    }
}
