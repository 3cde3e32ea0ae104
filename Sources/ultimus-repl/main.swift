import Workbench
print("ultimus-repl \(workbenchVersion)")
