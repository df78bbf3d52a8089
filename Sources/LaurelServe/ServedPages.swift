import LaurelSite
import LaurelSources

/// The pages only `laurel serve` shows: the error page, and the reload script it adds to
/// every HTML page it serves. Built output never contains either (docs/serve.md).
public enum ServedPages {
    /// The endpoint the reload script asks; outside the portal's addresses (FORMAT.md 10
    /// addresses never start with `_`).
    public static let changesEndpoint = "/__laurel/changes"
    public static let versionEndpoint = "/__laurel/version"
    /// Marks the injected script, for tests and for anyone reading a served page's source.
    public static let scriptMarker = "laurel-serve-reload"

    /// HTML text or attribute value (`Escape.html`: entities, control and bidi characters shown as `U+XXXX`).
    public static func escape(_ text: String) -> String { Escape.html(text) }

    /// Every problem, as `laurel check` prints them, in place of the page.
    public static func errorPage(_ problems: [Diagnostic]) -> String {
        let errors = problems.filter { $0.severity == .error }.count
        var html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>laurel serve: \(errors) error\(errors == 1 ? "" : "s")</title>
        <style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1a1a1a}
        h1{font-size:1.3rem;color:#a00}ol{padding-left:1.5rem}li{margin:.4rem 0}
        code{font:13px/1.4 ui-monospace,monospace;white-space:pre-wrap;overflow-wrap:anywhere}
        .warning code{color:#6a4b00}</style></head>
        <body><main><h1>The sources have \(errors) error\(errors == 1 ? "" : "s"): nothing is shown until they are fixed</h1>
        <p>Fix the files below and save: this page reloads itself with the portal.</p>
        <ol>

        """
        for d in problems {
            html += "<li class=\"\(d.severity.rawValue)\"><code>\(escape(d.description))</code></li>\n"
        }
        html += "</ol></main></body></html>\n"
        return html
    }

    public static let refused = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Refused</title></head>
        <body><h1>Refused</h1><p>laurel serve shows only the files of the portal it built.</p></body></html>

        """

    public static let notFound = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>
        <body><h1>Not found</h1><p>The portal has no page at this address.</p></body></html>

        """

    /// The reload script, served at `scriptEndpoint` (a file, not inline: a theme may forbid
    /// inline scripts with a Content-Security-Policy). It asks whether its page's path now
    /// answers something other than the bytes whose hash the page carries (one request held
    /// open up to 20 s at a time) and reloads when it does. No framework, no WebSocket: it
    /// works wherever `fetch` does. A hidden tab lets go of its request (browsers allow six
    /// connections to a server; each open tab's request holds one) and asks again when shown.
    /// Any failure (the server stopped, an unexpected answer) waits a second before asking again.
    public static let reloadScript = """
        (function(){var s=document.currentScript;if(!s)return;
        var u="\(changesEndpoint)?path="+encodeURIComponent(s.getAttribute("data-path"))+"&since="+encodeURIComponent(s.getAttribute("data-since")),c=null;
        function later(){setTimeout(ask,1000)}
        function ask(){if(document.hidden||c)return;c=new AbortController();
        fetch(u,{cache:"no-store",signal:c.signal}).then(function(r){return r.ok?r.text():""}).then(function(t){c=null;
        t=t.trim();if(t==="reload"){location.reload()}else if(t==="same"){ask()}else{later()}})
        .catch(function(){var a=c&&c.signal.aborted;c=null;if(!a)later()})}
        document.addEventListener("visibilitychange",function(){if(document.hidden){if(c)c.abort()}else{ask()}});ask()})();

        """

    public static let scriptEndpoint = "/__laurel/reload.js"

    /// The element that loads the reload script for the page at `path` whose bytes hash to `hash`.
    public static func scriptTag(path: String, hash: String) -> String {
        "<script id=\"\(scriptMarker)\" src=\"\(scriptEndpoint)\" data-path=\"\(escape(path))\" data-since=\"\(escape(hash))\"></script>"
    }

    /// `html` with the reload script before its last `</body>` (or at its end).
    public static func inject(_ html: [UInt8], path: String, hash: String) -> [UInt8] {
        let script = Array(scriptTag(path: path, hash: hash).utf8)
        let close = Array("</body>".utf8)
        var at = html.count
        if html.count >= close.count {
            var i = html.count - close.count
            while i >= 0 {
                if html[i] == close[0] && html[i..<(i + close.count)].elementsEqual(close) { at = i; break }
                i -= 1
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(html.count + script.count)
        out += html[..<at]
        out += script
        out += html[at...]
        return out
    }

    public static func percentEncode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = String(b, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
