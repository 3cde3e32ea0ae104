import ArgumentParser
import Autograd
import JupyterKernel
import Workbench
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

// The numeric kernels are compiled for AVX2+FMA: say so instead of dying on an illegal instruction.
// ULTIMUS_ASSUME_NO_AVX2=1 takes the same path on any CPU (for the test of this message).
if !CPUFeatures.supportsNumericKernels || getenv("ULTIMUS_ASSUME_NO_AVX2").map({ String(cString: $0) == "1" }) == true {
    fputs("ultimus-repl: \(CPUFeatures.requirement).\n", stderr)
    exit(1)
}
// libedit drops every non-ASCII byte in the "C" locale.
if let name = setlocale(LC_CTYPE, ""), String(cString: name).lowercased().contains("utf") {
} else {
    _ = setlocale(LC_CTYPE, "C.UTF-8")
}

struct UltimusREPL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ultimus-repl",
        abstract: "Build, train and inspect small attention CNNs on CIFAR-10, interactively.",
        discussion: """
            With no SCRIPT, starts the interactive workbench. With SCRIPT, runs it and exits, stopping at the \
            first error with a non-zero exit code. Type 'help' at the prompt for the commands.
            """,
        version: workbenchVersion)

    @Argument(help: "A script to run (one command per line); exits when it ends.")
    var script: String?

    @Option(name: .customShort("i"), help: ArgumentHelp("Run SCRIPT, then stay interactive.", valueName: "script"))
    var interactiveScript: String?

    @Option(help: ArgumentHelp("Folder to look for datasets in first.", valueName: "dir"))
    var data: String?

    @Option(help: "Seed of every random generator.")
    var seed: UInt64 = 1

    @Option(help: "Worker threads for the kernels (default: all cores, at most 2).")
    var threads: Int?

    @Option(help: ArgumentHelp("Folder for plots, images, reports and autosaves.", valueName: "dir"))
    var out: String = "ultimus-out"

    @Option(help: ArgumentHelp("Run as a Jupyter kernel on this connection file.", valueName: "connection-file"))
    var kernel: String?

    @Flag(help: "Install the Jupyter kernelspec 'ultimus' (system-wide unless --user or --prefix).")
    var installKernel = false

    @Flag(help: "With --install-kernel: into the user's Jupyter folder.")
    var user = false

    @Option(help: ArgumentHelp("With --install-kernel: into DIR/share/jupyter.", valueName: "dir"))
    var prefix: String?

    func validate() throws {
        if script != nil, interactiveScript != nil { throw ValidationError("give SCRIPT or -i SCRIPT, not both") }
        if (user || prefix != nil), !installKernel {
            throw ValidationError("--user and --prefix go with --install-kernel")
        }
        if user, prefix != nil { throw ValidationError("give --user or --prefix DIR, not both") }
        if let threads, threads < 1 || threads > 256 { throw ValidationError("--threads must be between 1 and 256") }
    }

    func run() throws {
        if installKernel {
            let folder = try KernelSpec.install(at: user ? .user : prefix.map { .prefix($0) } ?? .system)
            print("installed the Jupyter kernel 'ultimus' in \(folder)")
            return
        }
        if let kernel {
            let options = ShellOptions(seed: seed, threads: threads, dataDirectory: data, outputDirectory: out)
            return try Kernel.serve(connectionFile: kernel, options: options)
        }
        let terminal = isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
        setvbuf(stdout, nil, _IOLBF, 0)
        let console = Console.standard()
        if terminal { TerminalImageQuery.refine(console) }
        let stays = script == nil
        let prompt = stays && terminal
        let shell = Shell(options: ShellOptions(
            seed: seed, threads: threads, dataDirectory: data, outputDirectory: out, console: console,
            alignsCaretsUnderPrompt: prompt, interrupt: Signals.interrupt))
        installInterruptHandler()
        installTerminationHandler()
        if let script {
            let code = shell.runScript(path: script, stopOnError: true)
            throw ExitCode(Shell.terminationSignal != 0 ? 128 + Shell.terminationSignal : code)
        }
        var failed = false
        var editor: LineEditor?
        if prompt {
            shell.console.write(Banner.text(session: shell.session, console: shell.console))
            let home = Console.environment("HOME").flatMap { $0.isEmpty ? nil : $0 }
            let lineEditor = LineEditor(shell: shell, historyPath: home.map { $0 + "/.ultimus_history" })
            shell.answerReader = { question in
                if case .line(let answer) = lineEditor.read(prompt: question) { return answer }
                return nil
            }
            editor = lineEditor
        }
        if let interactiveScript {
            failed = shell.runScript(path: interactiveScript, stopOnError: true) != 0
            if shell.quitRequested { throw ExitCode(failed ? 1 : 0) }
            Signals.interrupt.clear()
        }
        if let editor {
            interactiveLoop(shell, editor: editor)
            throw ExitCode(Shell.terminationSignal != 0 ? 128 + Shell.terminationSignal : 0)
        } else if Shell.terminationSignal == 0 {
            failed = pipedLoop(shell) || failed
        }
        throw ExitCode(Shell.terminationSignal != 0 ? 128 + Shell.terminationSignal : failed ? 1 : 0)
    }

    /// Numbered prompts, line editing, history, completion.
    private func interactiveLoop(_ shell: Shell, editor: LineEditor) {
        while true {
            switch editor.read(prompt: shell.prompt) {
            case .endOfInput:
                shell.console.write("")
                return
            case .interrupted:
                Signals.interrupt.clear()
                shell.console.write("^C")
            case .line(let line):
                editor.remember(line)
                if shell.execute(line: line) == .quit || Shell.terminationSignal != 0 { return }
            }
        }
    }

    /// No prompt, no editing: each line runs, errors are reported and the next line runs.
    /// - Returns: whether any command failed.
    private func pipedLoop(_ shell: Shell) -> Bool {
        var failed = false
        var number = 0
        while let line = readLine(strippingNewline: true) {
            number += 1
            switch shell.execute(line: line, source: "<stdin>", lineNumber: number) {
            case .ok: break
            case .failed: failed = true
            case .quit: return failed
            }
            if Signals.interrupt.isRaised || Shell.terminationSignal != 0 { return true }
        }
        return failed
    }
}

extension Console {
    static func environment(_ key: String) -> String? { getenv(key).map { String(cString: $0) } }
}

/// What the signal handlers raise: the one shell's Ctrl-C.
enum Signals {
    static let interrupt = CancellationToken()
}

/// Ctrl-C: at the prompt libedit returns with EINTR (the line is cleared); during a command the
/// flag asks it to stop at the next batch; a second Ctrl-C during the same command quits. At the
/// prompt a second Ctrl-C never quits: when the first arrives just before libedit blocks in
/// `read`, libedit misses it, and the user presses again.
private func installInterruptHandler() {
    Signals.interrupt.clear()
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in
        if Signals.interrupt.isRaised, !LineEditor.isReading {
            let message = "\nultimus-repl: interrupted twice, quitting\n"
            _ = message.withCString { write(STDERR_FILENO, $0, strlen($0)) }
            _exit(130)
        }
        Signals.interrupt.raise()
    }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGINT, &action, nil)
}

/// SIGTERM and SIGHUP (what `timeout`, service managers and a closed terminal send): a running
/// command stops as after Ctrl-C (the partial epoch is recorded and autosaved), then the program
/// exits with 128 + the signal. At the prompt, or on a second signal, it exits at once.
private func installTerminationHandler() {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { signal in
        if Shell.terminationSignal != 0 || LineEditor.isReading { _exit(128 + signal) }
        Shell.terminationSignal = signal
        Signals.interrupt.raise()
    }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGTERM, &action, nil)
    sigaction(SIGHUP, &action, nil)
    // A parent that spawned us from a thread with these signals blocked passes its mask on.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&unblock, signal) }
    sigprocmask(SIG_UNBLOCK, &unblock, nil)
}

UltimusREPL.main()
