import Datasets

/// Which misclassified test images to show. An image folder lists the test set class by class, so
/// the first `n` wrong images would all share one true class; instead the classes take turns: the
/// first wrong image of each class in class order, then the second of each, and so on.
public enum MisclassifiedPick {
    /// - Returns: up to `limit` test indices (round-robin over true classes, test order within a
    ///   class) and the number of misclassified images in all.
    public static func pick(labels: [Int], predictions: [Int], limit: Int) -> (indices: [Int], wrong: Int) {
        let wrong = zip(labels, predictions).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        let order = ImageSet.classesInTurn(labels: wrong.map { labels[$0] }, limit: limit)
        return (order.map { wrong[$0] }, wrong.count)
    }
}
