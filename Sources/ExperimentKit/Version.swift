/// The workbench's version, shown by `--version` and written into session files.
public let workbenchVersion = "0.1.0"
