extension CommandTable {
    /// How blocks, heads, parameters, tokens and samples are named, for every command.
    static let namingRule = """
        Names: blocks, heads and parameters are named by their state_dict prefix, as in PyTorch
        (ultimus1, blocks.0, blocks.0.self_attn.in_proj_weight); heads, tokens and samples count
        from 0 (head=0; token=0 is the class token; sample=0 is the first probe image).
        """

    /// The overview for `help`: every command with its summary, by area.
    public func overview(width: Int = 80) -> String {
        let column = (commands.map(\.name.count).max() ?? 8) + 4
        var lines: [String] = []
        for area in Self.areas {
            let inArea = commands.filter { $0.area == area }
            guard !inArea.isEmpty else { continue }
            lines.append(area + ":")
            for c in inArea {
                lines.append("  " + c.name.padding(column - 2) + c.summary)
            }
        }
        lines.append("")
        lines.append(Self.namingRule)
        lines.append("")
        lines.append("'help CMD' explains a command; Tab completes; Ctrl-C stops a running command; Ctrl-D quits.")
        return lines.joined(separator: "\n")
    }

    /// The page for `help CMD` or `help CMD SUB`.
    public func help(for spec: CommandSpec, subcommand: String? = nil, width: Int = 80) -> String {
        var lines = [usage(of: spec), "  " + spec.summary]
        let subs = subcommand.flatMap { spec.subcommand(named: $0) }.map { [$0] } ?? spec.subcommands
        if !spec.arguments.isEmpty || !spec.positionals.isEmpty {
            lines.append("")
            lines += argumentLines(positionals: spec.positionals, arguments: spec.arguments)
        }
        for sub in subs {
            lines.append("")
            lines.append(usage(of: spec, sub) + "  " + sub.summary)
            lines += argumentLines(positionals: sub.positionals, arguments: sub.arguments)
        }
        if !spec.details.isEmpty, subcommand == nil {
            lines.append("")
            lines += Self.wrap(spec.details, width: min(width, 100) - 2).map { "  " + $0 }
        }
        let examples = subcommand.map { s in
            spec.examples.filter { $0.split(separator: " ").dropFirst().first.map(String.init) == s }
        } ?? spec.examples
        if !examples.isEmpty {
            lines.append("")
            lines.append(examples.count == 1 ? "Example:" : "Examples:")
            lines += examples.map { "  " + $0 }
        }
        if !spec.aliases.isEmpty { lines.append("Also spelled: " + spec.aliases.joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }

    /// `optim adam [lr=FLOAT] [betas=FLOAT,...]`, or `optim sgd|adam|adamw ...` for the command.
    public func usage(of spec: CommandSpec, _ sub: SubcommandSpec? = nil) -> String {
        var parts = [spec.name]
        if let sub {
            parts.append(sub.name)
            parts += sub.positionals.map(\.usage)
            parts += sub.arguments.map { Self.usage(of: $0) }
        } else if !spec.subcommands.isEmpty {
            let names = spec.subcommands.map(\.name).joined(separator: "|")
            parts.append(spec.subcommandRequired ? names : "[\(names)]")
            if !spec.subcommandRequired { parts += spec.positionals.map(\.usage) }
            parts.append("...")
        } else {
            parts += spec.positionals.map(\.usage)
            parts += spec.arguments.map { Self.usage(of: $0) }
        }
        return parts.joined(separator: " ")
    }

    static func usage(of arg: ArgumentSpec) -> String {
        let text = "\(arg.name)=\(arg.type)"
        return arg.required ? text : "[\(text)]"
    }

    private func argumentLines(positionals: [PositionalSpec], arguments: [ArgumentSpec]) -> [String] {
        var rows: [(String, String)] = positionals.map { ($0.name.uppercased(), $0.help) }
        rows += arguments.map { arg in
            var help = arg.help
            if let d = arg.defaultValue { help += " (default \(d))" }
            if arg.required { help += " (required)" }
            return ("\(arg.name)=\(arg.type)", help)
        }
        let column = min(30, (rows.map(\.0.count).max() ?? 0) + 2)
        return rows.map { "    " + $0.0.padding(column) + $0.1 }
    }

    /// Greedy word wrap.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

fileprivate extension String {
    /// Pads with blanks to at least `width` characters (at least one blank is added).
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
