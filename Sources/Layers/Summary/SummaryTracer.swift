/// Collects summary rows while a forward pass runs (torchinfo's hooks).
final class SummaryTracer {
    /// The tracer of the summary being built on this task (task-local, so concurrent summaries do not mix).
    @TaskLocal static var active: SummaryTracer?

    private let names: [ObjectIdentifier: String]
    /// Each module's depth in the tree and the name its parent gives it: a layer list's child named
    /// `blocks.0` sits at depth 1 under that name, not at the 2 its dotted path would suggest.
    private let depths: [ObjectIdentifier: (depth: Int, variableName: String)]
    private var seen: Set<ObjectIdentifier> = []
    private var depthCounters: [Int: Int] = [:]
    private(set) var rows: [SummaryRow] = []
    private(set) var attention: [AttentionCost] = []
    /// The batch size the shapes are reported at; the trace itself may run at batch 1.
    private let batch: Int

    init(model: Module, batch: Int) {
        var names: [ObjectIdentifier: String] = [:]
        for (name, module) in model.namedModules() where names[ObjectIdentifier(module)] == nil {
            names[ObjectIdentifier(module)] = name
        }
        self.names = names
        var depths: [ObjectIdentifier: (depth: Int, variableName: String)] = [:]
        func walk(_ module: Module, _ depth: Int, _ name: String) {
            guard depths[ObjectIdentifier(module)] == nil else { return }
            depths[ObjectIdentifier(module)] = (depth, name)
            for (childName, child) in module.children { walk(child, depth + 1, childName) }
        }
        walk(model, 0, "")
        self.depths = depths
        self.batch = batch
    }

    func trace(_ module: Module, _ x: Tensor, _ body: (Tensor) -> Tensor) -> Tensor {
        guard let name = names[ObjectIdentifier(module)] else { return body(x) }
        let (depth, variableName) = depths[ObjectIdentifier(module)] ?? (0, "")
        depthCounters[depth, default: 0] += 1
        let index = rows.count
        let recursive = !seen.insert(ObjectIdentifier(module)).inserted
        let params = module.namedParameters()
        rows.append(SummaryRow(
            name: name, variableName: variableName, typeName: module.typeName, depth: depth,
            depthIndex: depthCounters[depth]!,
            isLeaf: module.children.isEmpty, isRecursive: recursive,
            kernelShape: (module as? Conv2d).map { [$0.kernelSize, $0.kernelSize] },
            inputShape: scaled(x.shape), outputShape: [],
            parameterCount: params.reduce(0) { $0 + $1.tensor.count },
            ownParameterCount: module.localParameters.reduce(0) { $0 + $1.1.count },
            trainableParameterCount: params.reduce(0) { $0 + ($1.tensor.requiresGrad ? $1.tensor.count : 0) },
            multAdds: 0))
        let y = body(x)
        rows[index].outputShape = scaled(y.shape)
        rows[index].multAdds = Self.multAdds(module, rows[index])
        if let block = module as? Ultimus, !(block.intervention == .bypass && !block.isTraining) {
            attention.append(Self.attentionCost(block, name: name, batch: batch))
        }
        if let mha = module as? MultiheadAttention,
           let shape = rows[index].inputShape.first.map({ _ in rows[index].inputShape }) {
            attention.append(Self.attentionCost(mha, name: name, input: shape))
        }
        return y
    }

    /// Shapes traced at batch 1 reported at the requested batch.
    private func scaled(_ shape: [Int]) -> [Int] {
        guard let first = shape.first, first == 1 else { return shape }
        return [batch] + shape.dropFirst()
    }

    /// torchinfo's `calculate_macs`: for each weight and bias, convolutions multiply by
    /// N·∏(output spatial), linear layers by ∏(output[:-1]), other layers by output[0].
    static func multAdds(_ module: Module, _ row: SummaryRow) -> Int {
        guard row.isLeaf, !row.outputShape.isEmpty else { return 0 }
        let counted = module.localParameters.filter { $0.0 == "weight" || $0.0 == "bias" }.reduce(0) { $0 + $1.1.count }
        let out = row.outputShape
        if module is Conv2d { return counted * out[0] * out.dropFirst(2).reduce(1, *) }
        if module is Linear { return counted * out.dropLast().reduce(1, *) }
        return counted * out[0]
    }

    /// Token attention on `[B, T, D]`: in_proj `B·T·(3D·D + 3D)` (which torchinfo counts as 0 for
    /// MultiheadAttention), scores `B·H·T·T·d`, `A·v` the same, `B·H·T·T` exponentials.
    static func attentionCost(_ mha: MultiheadAttention, name: String, input: [Int]) -> AttentionCost {
        let (b, t, d) = (input[0], input[1], mha.embedDim)
        let products = b * t * t * d
        return AttentionCost(name: name, scoreMultAdds: products, valueMultAdds: products,
                             softmaxExps: b * mha.numHeads * t * t, isBatchMixing: false,
                             projectionMultAdds: b * t * (3 * d * d + 3 * d))
    }

    static func attentionCost(_ block: Ultimus, name: String, batch: Int) -> AttentionCost {
        let h = block.heads
        let products = block.isBatchMixing ? batch * batch * h : batch * h * h
        let exps = block.isBatchMixing ? batch * batch : batch * h * h
        return AttentionCost(name: name, scoreMultAdds: products, valueMultAdds: products, softmaxExps: exps,
                             isBatchMixing: block.isBatchMixing)
    }
}
