/// Why a state dict could not be loaded into a model, with the keys at fault.
public struct StateDictError: Error, CustomStringConvertible, Equatable {
    /// Keys the model has and the state dict lacks (reported when loading strictly).
    public var missingKeys: [String]
    /// Keys the state dict has and the model lacks (reported when loading strictly).
    public var unexpectedKeys: [String]
    /// Keys present on both sides with different shapes: `(key, expected, found)`.
    public var shapeMismatches: [ShapeMismatch]

    public init(missingKeys: [String], unexpectedKeys: [String], shapeMismatches: [ShapeMismatch]) {
        self.missingKeys = missingKeys
        self.unexpectedKeys = unexpectedKeys
        self.shapeMismatches = shapeMismatches
    }

    public struct ShapeMismatch: Equatable {
        public var key: String
        public var expected: [Int]
        public var found: [Int]
        public init(key: String, expected: [Int], found: [Int]) {
            self.key = key
            self.expected = expected
            self.found = found
        }
    }

    public var description: String {
        var parts: [String] = []
        if !missingKeys.isEmpty { parts.append("missing keys \(Self.list(missingKeys))") }
        if !unexpectedKeys.isEmpty { parts.append("unexpected keys \(Self.list(unexpectedKeys))") }
        if !shapeMismatches.isEmpty {
            let shown = shapeMismatches.prefix(4).map { "\($0.key) (model \($0.expected), file \($0.found))" }
            let more = shapeMismatches.count > 4 ? " and \(shapeMismatches.count - 4) more" : ""
            parts.append("mis-shaped keys " + shown.joined(separator: ", ") + more)
        }
        let fix = shapeMismatches.isEmpty
            ? "load with strict: false to skip them, or build the model variant the state came from"
            : "build the model variant the state came from"
        return "state dict does not fit the model: " + parts.joined(separator: "; ") + "; " + fix
    }

    static func list(_ keys: [String]) -> String {
        keys.prefix(6).joined(separator: ", ") + (keys.count > 6 ? " and \(keys.count - 6) more" : "")
    }
}

/// Keys skipped by a non-strict load, as PyTorch's `_IncompatibleKeys`.
public struct LoadReport: Equatable {
    public var missingKeys: [String]
    public var unexpectedKeys: [String]
    public init(missingKeys: [String], unexpectedKeys: [String]) {
        self.missingKeys = missingKeys
        self.unexpectedKeys = unexpectedKeys
    }
}

extension Module {
    /// A snapshot of every parameter and buffer under its dotted key, in PyTorch's order: each
    /// module's parameters, then its buffers, then its children. Counters become 0-d `int64`.
    /// Values are copies: later training does not change the snapshot.
    public func stateDict() -> StateDict {
        var out = StateDict()
        collectState(prefix: "", into: &out)
        return out
    }

    private func collectState(prefix: String, into out: inout StateDict) {
        for (name, p) in localParameters { out[prefix + name] = .float32(p.copy()) }
        for (name, b) in localBuffers {
            switch b {
            case .tensor(let t): out[prefix + name] = .float32(t.copy())
            case .counter(let c): out[prefix + name] = .int64(shape: [], values: [c.value])
            }
        }
        for (name, child) in children { child.collectState(prefix: prefix + name + ".", into: &out) }
    }

    /// Copies values from `state` into this model's parameters and buffers, in place (optimizers
    /// holding the parameters keep working).
    ///
    /// With `strict` (the default) every key must match both ways; without it, missing and
    /// unexpected keys are skipped and reported. Shapes must always match. On any error nothing
    /// is changed.
    /// - Throws: ``StateDictError`` naming the missing, unexpected and mis-shaped keys.
    @discardableResult
    public func load(stateDict state: StateDict, strict: Bool = true) throws -> LoadReport {
        let own = namedParameters().map { ($0.name, Buffer.tensor($0.tensor)) }
            + namedBuffers().map { ($0.name, $0.buffer) }
        var missing: [String] = [], mismatched: [StateDictError.ShapeMismatch] = []
        var assignments: [(Buffer, StateDict.Value)] = []
        for (key, target) in own {
            guard let value = state[key] else { missing.append(key); continue }
            let expected = target.shape
            // A counter also accepts a one-element tensor, as older checkpoints sometimes hold.
            let fits = value.shape == expected || (expected.isEmpty && value.shape.reduce(1, *) == 1)
            if fits { assignments.append((target, value)) } else {
                mismatched.append(.init(key: key, expected: expected, found: value.shape))
            }
        }
        let ownKeys = Set(own.map(\.0))
        let unexpected = state.keys.filter { !ownKeys.contains($0) }
        if !mismatched.isEmpty || (strict && (!missing.isEmpty || !unexpected.isEmpty)) {
            throw StateDictError(missingKeys: strict ? missing : [], unexpectedKeys: strict ? unexpected : [],
                                 shapeMismatches: mismatched)
        }
        for (target, value) in assignments {
            switch (target, value) {
            case (.tensor(let t), _): t.storage = value.tensor.storage
            case (.counter(let c), .int64(_, let values)): c.value = values[0]
            case (.counter(let c), .float32(let t)): c.value = Int64(t.storage[0])
            }
        }
        return LoadReport(missingKeys: missing, unexpectedKeys: unexpected)
    }
}
