import Autograd
import Foundation
import Workbench

/// The kernelspec Jupyter finds the workbench by: `kernels/ultimus/kernel.json` and two logos.
public enum KernelSpec {
    public static let name = "ultimus"

    /// Where to install: the user's Jupyter data folder, a prefix (`PREFIX/share/jupyter`), or the
    /// system-wide `/usr/local/share/jupyter`, as `jupyter kernelspec install` does.
    public enum Location {
        case user, prefix(String), system

        /// The `kernels/ultimus` folder.
        public var folder: String {
            let data: String
            switch self {
            case .user:
                let env = ProcessInfo.processInfo.environment
                let shared = env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
                    ?? NSHomeDirectory() + "/.local/share"
                data = env["JUPYTER_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? shared + "/jupyter"
            case .prefix(let prefix): data = (prefix as NSString).expandingTildeInPath + "/share/jupyter"
            case .system: data = "/usr/local/share/jupyter"
            }
            return data + "/kernels/" + KernelSpec.name
        }
    }

    /// `kernel.json` for the executable at `executable`.
    public static func json(executable: String) -> String {
        let spec: [String: Any] = [
            "argv": [executable, "--kernel", "{connection_file}"],
            "display_name": "Ultimus Workbench", "language": "ultimus", "interrupt_mode": "message",
            "metadata": ["debugger": false],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: spec, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The running executable's absolute path, through `/proc/self/exe`.
    public static func currentExecutable() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return WrittenImages.absolute(CommandLine.arguments[0])
    }

    /// Writes the kernelspec into `location` and returns its folder.
    /// - Throws: ``KernelError`` naming the folder that cannot be written.
    @discardableResult
    public static func install(at location: Location, executable: String = currentExecutable()) throws -> String {
        let folder = location.folder
        do {
            try AtomicWriter.write(json(executable: executable), to: folder + "/kernel.json", createFolders: true)
            for size in [32, 64] { try logo(size: size).writePNG(to: folder + "/logo-\(size)x\(size).png") }
        } catch {
            throw KernelError("cannot write the kernelspec in \(folder) (\(error)); try --user or --prefix DIR")
        }
        return folder
    }

    /// A `size`×`size` logo: "UW" in white on the workbench's blue.
    static func logo(size: Int) -> RGBImage {
        var image = RGBImage(width: size, height: size, fill: RGB(31, 78, 140))
        let scale = size / 16
        let width = BitmapFont.width(of: "UW", scale: scale)
        let height = BitmapFont.glyphHeight * scale
        image.drawText("UW", x: (size - width) / 2, y: (size - height) / 2, color: RGB(255, 255, 255), scale: scale)
        return image
    }
}
