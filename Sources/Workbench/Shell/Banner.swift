/// The lines shown when the interactive workbench starts.
public enum Banner {
    /// Version, threads, the dataset situation and how to get help.
    public static func text(session: Session, console: Console) -> String {
        let title = console.styled("Ultimus Workbench \(workbenchVersion)", .bold)
        return [
            "\(title) · threads \(session.threads) · seed \(session.seed) · output \(session.outputDirectory)/",
            CommandAreas.datasetStatus(dataDirectory: session.dataDirectory),
            "Type 'help' for commands, Tab to complete, Ctrl-D to quit.",
        ].joined(separator: "\n")
    }
}
