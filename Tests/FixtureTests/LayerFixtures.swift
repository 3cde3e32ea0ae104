import Autograd
import Testing
import Layers

/// Checkers for the layer-level fixtures (`ultimus`, `ultimusnet`, optimizers, schedules), keyed by
/// the files' `op` metadata. ``FixtureTests`` combines them with ``opFixtureCheckers``.
let layerFixtureCheckers: [String: FixtureChecker] = [:]
