import LaurelSources

extension SiteContext {
    func contentPage(_ i: Int, at: String) -> View {
        let page = sources.pages[i]
        var root = root(at: at, title: page.title)
        var view = View([(.title, .text(page.title)), (.kindlabel, .text(label("kind." + page.kind.rawValue))),
                         (.body, .html(bodies[i] ?? ""))])
        view.set(.date, page.date.map { .day($0) })
        if let outcome = page.outcome {
            view.set(.outcome, .text(label("outcome." + outcome.rawValue)))
            view.set(outcome == .success ? .success : .failure, .bool(true))
        }
        view.set(.tags, .list(page.tags.map { View([(.name, .text(category($0))), (.url, .text(Address.link(from: at, to: Address.tag($0))))]) }))
        view.set(.rules, .list(page.rules.map { ruleLink(Int($0), from: at) }))
        view.set(.people, .list(page.people.map { personLink(Int($0), from: at) }))
        root.set(.page, .object(view))
        root.set(.backlinks, .list(backlinks[i].map { item($0, from: at) }))
        return root
    }

    /// Published pages of a kind, newest first, then by title.
    func pages(of kind: ContentPage.Kind, outcome: ContentPage.Outcome? = nil) -> [Int] {
        published.values.filter { sources.pages[$0].kind == kind && (outcome == nil || sources.pages[$0].outcome == outcome) }
            .sorted(by: pageOrder)
    }

    func pageOrder(_ a: Int, _ b: Int) -> Bool {
        let pa = sources.pages[a], pb = sources.pages[b]
        let da = pa.date ?? Day(serial: Int32.min), db = pb.date ?? Day(serial: Int32.min)
        if da != db { return da > db }
        return pa.path < pb.path
    }

    func sectionPage(_ kind: ContentPage.Kind, outcome: ContentPage.Outcome?, at: String) -> View {
        let title = outcome.map { label("outcome." + $0.rawValue) } ?? (theme.strings["section." + kind.rawValue] ?? label("kind." + kind.rawValue))
        var root = root(at: at, title: title)
        root.set(.kindlabel, .text(title))
        root.set(.pages, .list(pages(of: kind, outcome: outcome).map { item($0, from: at) }))
        if kind == .case {
            // Filters between all case studies, successes and failures.
            let filters: [(String, String, Bool)] = [(theme.strings["section.case"] ?? label("kind.case"), Address.kind(.case), outcome == nil),
                                                     (label("outcome.success"), Address.outcome(.success), outcome == .success),
                                                     (label("outcome.failure"), Address.outcome(.failure), outcome == .failure)]
            root.set(.tabs, .bool(true))
            root.set(.views, .list(filters.map { View([(.name, .text($0.0)), (.url, .text(Address.link(from: at, to: $0.1))), (.current, .bool($0.2))]) }))
        }
        if kind == .case && outcome == nil {
            root.set(.success, .list(pages(of: .case, outcome: .success).map { item($0, from: at) }))
            root.set(.failure, .list(pages(of: .case, outcome: .failure).map { item($0, from: at) }))
        }
        return root
    }

    var tagged: [String: [Int]] {
        var byTag: [String: [Int]] = [:]
        for i in published.values { for tag in sources.pages[i].tags { byTag[tag, default: []].append(i) } }
        return byTag.mapValues { $0.sorted(by: pageOrder) }
    }

    func tagsPage(at: String) -> View {
        var root = root(at: at, title: label("tags.title"))
        root.set(.tags, .list(tagged.sorted { $0.key < $1.key }.map { tag, pages in
            View([(.name, .text(category(tag))), (.url, .text(Address.link(from: at, to: Address.tag(tag)))), (.count, .number(Int64(pages.count)))])
        }))
        return root
    }

    func tagPage(_ tag: String, pages: [Int], at: String) -> View {
        var root = root(at: at, title: category(tag))
        root.set(.tag, .object(View([(.name, .text(category(tag)))])))
        root.set(.pages, .list(pages.map { item($0, from: at) }))
        return root
    }
}
