@testable import LaurelSite
import Testing

/// The build manifest (`.OUTPUT.laurel/builds/bNNNNNN.manifest`, `HASH SIZE PATH` per line) is
/// what lets a build hard-link a file whose bytes did not change. Reading it must give back
/// what `commit` wrote, and a damaged line must count as "not there" (the file is written
/// again), never as another file's size or hash.
@Suite("Build manifest: read back as written")
struct ManifestTests {
    @Test("hash, size and path of every well-formed line; paths with spaces and CJK kept whole")
    func wellFormed() {
        let text = "00000000000000ff 12 index.html\n"
            + "0123456789abcdef 34735 people/zhang-wei/index.html\n"
            + "FFFFFFFFFFFFFFFF 0 pages/a page with spaces.html\n"
            + "1 7 新闻/第一篇/index.html"  // no final newline
        let m = Publisher.parseManifest(Array(text.utf8))
        #expect(m.count == 4)
        #expect(m["index.html"]?.hash == 0xff && m["index.html"]?.size == 12)
        #expect(m["people/zhang-wei/index.html"]?.hash == 0x0123_4567_89ab_cdef)
        #expect(m["people/zhang-wei/index.html"]?.size == 34735)
        #expect(m["pages/a page with spaces.html"]?.hash == UInt64.max && m["pages/a page with spaces.html"]?.size == 0)
        #expect(m["新闻/第一篇/index.html"]?.size == 7)
    }

    @Test("damaged lines are skipped, the lines around them kept", arguments: [
        "zz00000000000000 12 bad-hash.html",   // not hexadecimal
        "00000000000000000 12 long-hash.html", // 17 digits
        "00ff 1x2 bad-size.html",              // size not decimal
        "00ff 12",                             // no path
        "00ff 12 ",                            // empty path
        "00ff  12 two-spaces.html",            // empty size
        " 12 no-hash.html",
        "",
    ])
    func damaged(_ line: String) {
        let m = Publisher.parseManifest(Array("00aa 1 first.html\n\(line)\n00bb 2 last.html\n".utf8))
        #expect(m.count == 2, "\(line)")
        #expect(m["first.html"]?.hash == 0xaa && m["last.html"]?.size == 2)
    }
}
