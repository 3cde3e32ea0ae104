import Datasets
import Testing
