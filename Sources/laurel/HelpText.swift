/// Help that reads well at 80 columns (issue 11). swift-argument-parser wraps the overview,
/// the discussion and every option's help to the terminal, but prints its generated USAGE line
/// as one line however long it is, which a terminal then breaks mid-word. Each command gives
/// its usage as a list of words here instead, wrapped like a man page's synopsis.
/// HelpTextTests checks every command: no line over 80 columns, every option in the usage.
enum HelpText {
    static let columns = 80

    /// `laurel build [--content <folder>] …` broken before a part that would pass `columns`,
    /// continuation lines indented under the first part after the command name.
    static func usage(_ command: String, _ parts: [String]) -> String {
        // swift-argument-parser prints "USAGE: " before the first line and indents the others
        // by as much.
        let prefix = "USAGE: ".count
        let indent = String(repeating: " ", count: command.count + 1)
        var lines: [String] = []
        var line = command
        var width = prefix + command.count
        for part in parts {
            if width + 1 + part.count > columns, line != command, !line.isEmpty {
                lines.append(line)
                line = indent + part
                width = prefix + indent.count + part.count
            } else {
                line += " " + part
                width += 1 + part.count
            }
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    /// The options every content command takes (ContentOptions).
    static let contentParts = ["[--content <folder>]", "[--as-of <YYYY-MM-DD>]", "[--jobs <n>]", "[--quiet]"]
}
