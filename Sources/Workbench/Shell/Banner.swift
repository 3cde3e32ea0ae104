import ExperimentKit
import Foundation

/// The lines shown when the interactive workbench starts.
public enum Banner {
    /// Version, threads, the dataset situation and how to get help.
    public static func text(session: Session, console: Console, locator: DataLocator = DataLocator()) -> String {
        let title = console.styled("Ultimus Workbench \(workbenchVersion)", .bold)
        return [
            "\(title) · threads \(session.threads) · seed \(session.seed) · output \(session.outputDirectory)/",
            datasetLine(dataDirectory: session.dataDirectory, locator: locator),
            "Type 'help' for commands, Tab to complete, Ctrl-D to quit.",
        ].joined(separator: "\n")
    }

    /// Which dataset is available (`--data`, `ULTIMUS_DATA`, `./data`, the cache), or what to do
    /// when none is.
    public static func datasetLine(dataDirectory: String?, locator: DataLocator = DataLocator()) -> String {
        if let shape = try? locator.locate(explicit: dataDirectory) {
            return "data: \(shape) · load it with 'data cifar10'"
        }
        if let dataDirectory {
            return "data: --data \(dataDirectory) holds no CIFAR-10 "
                + "(expected train/ and test/ or cifar-10-batches-bin)\n"
                + "      'download cifar10 path=\(dataDirectory)' fetches it; 'data synthetic' works right away"
        }
        return "data: no CIFAR-10 found (looked in ULTIMUS_DATA, ./data and the cache)\n"
            + "      'download cifar10' fetches it (163 MB); 'data synthetic' works right away"
    }
}
