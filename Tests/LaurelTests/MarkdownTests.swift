import Testing
@testable import LaurelMarkdown

/// Markdown through libcmark in safe mode, with pipe tables and internal link rewriting.
@Suite("Markdown")
struct MarkdownTests {
    @Test("pipe tables become tables whose cells are rendered safely")
    func pipeTables() {
        let html = Markdown.html("""
        Before.

        | Date | Rule |
        | --- | :-: |
        | 2026-01-01 | [deal](rule:deal-won) **2** |
        | <script>alert(1)</script> | a \\| b |

        After.
        """) { destination in destination == "rule:deal-won" ? .replace("../rules/deal-won/index.html") : .keep }
        #expect(html.contains("<p>Before.</p>"))
        #expect(html.contains("<th scope=\"col\">Date</th><th scope=\"col\">Rule</th>"))
        #expect(html.contains("<td>2026-01-01</td><td><a href=\"../rules/deal-won/index.html\">deal</a> <strong>2</strong></td>"))
        #expect(html.contains("<td>a | b</td>"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("<p>After.</p>"))
    }

    @Test("pipes in code blocks and lines without a delimiter row stay text")
    func notTables() {
        let html = Markdown.html("""
        ```
        | a | b |
        | - | - |
        ```

        x | y
        """)
        #expect(!html.contains("<table>"))
        #expect(html.contains("<pre><code>| a | b |"))
    }

    @Test("safe mode: raw HTML and javascript: links are dropped")
    func safeMode() {
        let html = Markdown.html("<img src=x onerror=alert(1)> [x](javascript:alert(1)) <b>bold</b>")
        #expect(!html.contains("onerror"))
        #expect(!html.contains("javascript:"))
        #expect(!html.contains("<b>"))
    }

    @Test("links are found with the line they are written on")
    func linkLines() {
        let links = Markdown.links(in: "Intro\n\n| a | b |\n| - | - |\n| [r](rule:x) | y |\n")
        #expect(links.map(\.destination) == ["rule:x"])
        #expect(links.first?.line == 5)
    }
}
