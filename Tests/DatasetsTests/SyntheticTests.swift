import Testing
@testable import Datasets

@Suite struct SyntheticTests {
    @Test func sizesLabelsAndDeterminism() {
        let a = Synthetic.make(count: 200, seed: 3)
        #expect(a.train.count == 200 && a.test.count == 40)
        #expect(a.classNames.count == 10 && a.classNames[0] == "disk")
        #expect(a.train.classCounts == [Int](repeating: 20, count: 10))
        #expect(Synthetic.make(count: 200, seed: 3) == a)
        #expect(Synthetic.make(count: 200, seed: 4).train.images != a.train.images)
    }

    /// A nearest-class-mean classifier on raw pixels beats chance clearly: the classes differ in content,
    /// not only in label. (The CNN's one-epoch check lives with the workbench.)
    @Test func classesAreDistinguishable() {
        let data = Synthetic.make(count: 1000, seed: 1)
        let features = { (set: ImageSet, i: Int) -> [Float] in
            // Per-pixel gradient magnitude summaries make the shape visible independent of colour.
            let img = set.image(at: i).map { Float($0) }
            var rows = [Float](repeating: 0, count: 32), cols = [Float](repeating: 0, count: 32)
            for c in 0..<3 {
                for y in 0..<32 {
                    for x in 1..<32 {
                        let d = abs(img[c * 1024 + y * 32 + x] - img[c * 1024 + y * 32 + x - 1])
                        rows[y] += d
                        cols[x] += d
                    }
                }
            }
            return rows + cols
        }
        var means = [[Float]](repeating: [Float](repeating: 0, count: 64), count: 10)
        for i in 0..<data.train.count {
            let f = features(data.train, i)
            for k in 0..<64 { means[data.train.labels[i]][k] += f[k] / 100 }
        }
        var correct = 0
        for i in 0..<data.test.count {
            let f = features(data.test, i)
            func distance(_ m: [Float]) -> Float { zip(f, m).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) }
            let guess = (0..<10).min { a, b in distance(means[a]) < distance(means[b]) }!
            if guess == data.test.labels[i] { correct += 1 }
        }
        #expect(Double(correct) / Double(data.test.count) > 0.3, "accuracy \(correct)/\(data.test.count)")
    }
}
