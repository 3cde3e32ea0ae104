import Foundation

/// What one command showed: its standard-output text (progress bars by their last line) and the
/// charts and images it wrote. Kept for the notebook export and handed to the Jupyter kernel.
public struct CommandOutput: Equatable, Sendable {
    public var text: String
    /// Absolute paths of the PNG and SVG files written, in the order the text names them.
    public var images: [String]

    public init(text: String = "", images: [String] = []) {
        self.text = text
        self.images = images
    }
}

/// A comment line of the session, kept for the notebook export as Markdown.
public struct SessionNote: Equatable, Sendable {
    /// The prompt number of the command it came before.
    public var before: Int
    /// The comment without its `#`.
    public var text: String
}

/// Records a command's output on a console while it runs (nested commands record into their own
/// recording and pass the text on to the enclosing one).
final class OutputRecording {
    private let console: Console
    private let previous: ((String) -> Void)?
    private let written: WrittenImages?
    private var text = ""

    /// - Parameter outputFolder: where the images the command writes are looked for.
    init(console: Console, outputFolder: String? = nil) {
        self.console = console
        written = outputFolder.map(WrittenImages.init(outputFolder:))
        previous = console.recorder
        console.recorder = { [unowned self] more in
            self.text += more
            self.previous?(more)
        }
    }

    /// Stops recording and returns the text and the images written since the start.
    @discardableResult
    func stop(outputFolder: String? = nil) -> CommandOutput {
        console.recorder = previous
        let images = outputFolder.flatMap { folder in written?.find(outputFolder: folder, mentionedIn: text) } ?? []
        return CommandOutput(text: text, images: images)
    }
}

extension Shell {
    /// Keeps a comment line for the notebook export.
    func noteComment(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("#") else { return }
        let text = trimmed.drop { $0 == "#" }.drop { $0 == " " }
        session.notes.append(SessionNote(before: promptNumber, text: String(text)))
    }
}
