import LaurelSources

extension ParsedLedgerCache {
    /// The cache of the builds of `output`, beside their records (`.OUTPUT.laurel/parsed-ledger/`),
    /// for the laurel named `build` (`Build.identity()`): read unless `force`, written once the
    /// output has a build (decision 122).
    public static func beside(output: String, build: String, force: Bool) -> ParsedLedgerCache {
        ParsedLedgerCache(folder: Publisher.home(of: output) + "/parsed-ledger", salt: ContentHash.of(Array(build.utf8)),
                          reads: !force, writes: Publisher.currentBuild(output: output) != nil)
    }
}
