import LaurelSources

extension PortalRun {
    /// This run with pages/ read again from `pages` (a tree of the files under pages/, after an
    /// edit), everything else as it was: the points are not computed again, since no figure
    /// depends on a page. `previous` is the pages tree this run was made from; the problems
    /// that came from it (the pages' own, rules naming a missing page, pages on the portal's
    /// own addresses) are replaced by the new ones, the rest are kept. For `laurel serve`.
    public func replacingPages(_ pages: SourceTree, previous: SourceTree) -> PortalRun {
        let (_, oldProblems) = sources.readingPages(previous)
        var stale: [Diagnostic: Int] = [:]
        for d in oldProblems + AddressCheck.problems(sources) { stale[d, default: 0] += 1 }
        var kept: [Diagnostic] = []
        for d in diagnostics {
            if let n = stale[d], n > 0 { stale[d] = n - 1 } else { kept.append(d) }
        }
        let (newSources, newProblems) = sources.readingPages(pages)
        var run = self
        run.sources = newSources
        run.diagnostics = (kept + newProblems + AddressCheck.problems(newSources)).sorted()
        return run
    }
}
