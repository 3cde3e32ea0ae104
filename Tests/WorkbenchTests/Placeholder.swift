import Workbench
import Testing
