import Layers
import Testing
