import ArgumentParser
import Foundation
import LaurelImport
import LaurelSite
import LaurelSources

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn a CRM export (CSV) into a new ledger file.",
        usage: HelpText.usage("laurel import", [
            "<file.csv>", "--map <map.yaml>", "[--content <folder>]", "[--dry-run]", "[--quiet]",
        ]),
        discussion: """
        The map (YAML, docs/import.md) names the export's columns: record id,
        owner, date, amount, stage, and the rule each kind of row earns.
        Records already in the ledger are skipped; a changed record is reversed
        and, if it still earns, imported again with the id ID.r2, ID.r3 …
        The new entries go into one new file, ledger/import/DATE-NN-SOURCE.ledger,
        written only if every row is good and the ledger then passes the check.

        Exit status: 0 imported (or nothing new), 1 problems in the export or
        the map (each as FILE:LINE:COLUMN: error: …; nothing written), 2 the
        command could not run.

        Examples:
          laurel import Content/import/zoho-deals.csv \\
              --map Content/import/zoho-deals.map.yaml --dry-run
          laurel import deals.csv --map zoho-deals.map.yaml && laurel build
        """
    )

    @Argument(help: ArgumentHelp("The CRM export, a CSV file (UTF-8 or GB18030).", valueName: "file.csv"))
    var export: String

    @Option(name: .long, help: ArgumentHelp("The map of the export's columns (example: --map Content/import/zoho-deals.map.yaml).", valueName: "map.yaml"))
    var map: String

    @Option(name: .long, help: ArgumentHelp("The portal's sources (example: --content Content).", valueName: "folder"))
    var content = "Content"

    @Flag(name: .customLong("dry-run"), help: "Show the entries the import would write; write nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Print only problems (for cron).")
    var quiet = false

    func run() throws {
        let exportBytes = try readFile(export)
        let mapBytes = try readFile(map)
        let tree: SourceTree
        do { tree = try SourceTree.read(folder: content) } catch { throw CommandFailure(message: "\(error)") }
        let today = AsOf.today(Date()).resolved(for: tree)
        let plan = LedgerImport.plan(LedgerImport.Request(export: exportBytes, exportPath: export, map: mapBytes, mapPath: map,
                                                          content: tree, today: today))
        var err = StandardError()
        for d in plan.diagnostics { print(d, to: &err) }
        if plan.hasErrors {
            let n = plan.diagnostics.filter { $0.severity == .error }.count
            print("\(n) error\(n == 1 ? "" : "s"); nothing written", to: &err)
            throw ExitCode(ExitStatus.contentErrors.rawValue)
        }
        if dryRun {
            if !plan.lines.isEmpty, let shown = plan.displayPath {
                print("would write \(shown):")
                for line in plan.lines { print("  " + line) }
            }
            print("dry run: " + plan.summary(export: export).replacingOccurrences(of: " written", with: " to write"))
            return
        }
        do { try plan.write(content: content) } catch { throw CommandFailure(message: "\(error)") }
        if !quiet { print(plan.summary(export: export)) }
    }

    func readFile(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(message: "\(path): cannot be read (no such file, or no permission)")
        }
        return [UInt8](data)
    }
}
