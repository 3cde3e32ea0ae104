@_exported import Layers
@_exported import Datasets
@_exported import ExperimentKit
