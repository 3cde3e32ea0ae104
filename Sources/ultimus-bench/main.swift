import Workbench
print("ultimus-bench \(workbenchVersion)")
