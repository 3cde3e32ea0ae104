import Autograd
import Datasets
import Layers

guard CPUFeatures.supportsNumericKernels else { fatalError(CPUFeatures.requirement) }
var generator = SeededGenerator(seed: 1)
let data = Synthetic.make(count: 512, seed: 1)
let model = UltimusNet(variant: .bnrelu, generator: &generator)
let optimizer = Adam(parameters: model.parameters(), lr: 3e-3)
let norm = Normalization(mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25])
let train = DataLoader(set: data.train, batchSize: 32, shuffle: true, augmentation: .none, normalization: norm, seed: 1)
model.train()
while let batch = train.next() {  // one epoch
    optimizer.zeroGrad()
    crossEntropy(model.forward(batch.images), labels: batch.labels).backward()
    optimizer.step()
}
model.eval()
var correct = 0
let test = DataLoader.evaluation(set: data.test, batchSize: 100, normalization: norm)
while let batch = test.next() {
    let predicted = noGrad { model.forward(batch.images) }.argmax(axis: 1)
    correct += zip(predicted, batch.labels).filter { $0 == $1 }.count
}
print("UltimusNet, 1 epoch on \(data.train.count) synthetic images: test accuracy \(100 * correct / data.test.count)%")
