extension StateDict {
    /// The tensors of a safetensors file, in file order: integer dtypes become 64-bit integer
    /// values (`num_batches_tracked`), floating dtypes float32.
    public init(safeTensors file: SafeTensorsFile) {
        self.init()
        for entry in file.entries {
            self[entry.name] = entry.dtype.isInteger
                ? .int64(shape: entry.shape, values: entry.int64s)
                : .float32(entry.tensor())
        }
    }

    /// Safetensors entries in order: float32 tensors as F32, integers as I64 (as PyTorch stores them).
    public func safeTensorsEntries() -> [SafeTensorsEntry] {
        map { key, value in
            switch value {
            case .float32(let t): return SafeTensorsEntry(name: key, tensor: t)
            case .int64(let shape, let values): return SafeTensorsEntry(name: key, int64s: values, shape: shape)
            }
        }
    }
}

extension Module {
    /// Writes ``stateDict()`` as a safetensors file that `safetensors.torch.load_file` followed by
    /// `model.load_state_dict` accepts unchanged. The file is written atomically.
    /// - Throws: `SafeTensorsError` when the file cannot be written.
    public func saveSafetensors(path: String, metadata: [String: String] = [:]) throws {
        try SafeTensors.write(stateDict().safeTensorsEntries(), metadata: metadata, to: path)
    }

    /// Loads a safetensors file holding a state dict (as `save_file(model.state_dict(), path)` writes
    /// it) into this model; see ``load(stateDict:strict:)``.
    /// - Throws: `SafeTensorsError` for an unreadable file, ``StateDictError`` when it does not fit.
    @discardableResult
    public func loadSafetensors(path: String, strict: Bool = true) throws -> LoadReport {
        try load(stateDict: StateDict(safeTensors: try SafeTensors.read(path: path)), strict: strict)
    }
}
