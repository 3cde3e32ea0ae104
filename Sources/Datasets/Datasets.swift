@_exported import Autograd

/// Reports progress of a long operation: `done` of `total` units (images, bytes). Called serially,
/// possibly from a worker thread; the workbench renders it as a tqdm line.
public typealias ProgressCallback = (_ done: Int, _ total: Int) -> Void
