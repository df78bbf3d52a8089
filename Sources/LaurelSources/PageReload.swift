extension PortalSources {
    /// These sources with pages/ read and checked again from `tree` (which needs to hold only
    /// the files under pages/), and the problems that depend on the pages: each page's own and a
    /// rule naming a page that is missing, exactly as `load` reports them. Nothing else is read
    /// again: for `laurel serve`, after an edit of Markdown alone.
    public func readingPages(_ tree: SourceTree) -> (PortalSources, [Diagnostic]) {
        var others = self
        others.pages = []
        var (pages, diagnostics) = SourcesLoader.readPages(tree, others)
        others.pages = pages
        var loader = SourcesLoader(tree: tree)
        loader.checkFileReferences(others)
        diagnostics += loader.diagnostics
        return (others, diagnostics.sorted())
    }
}
