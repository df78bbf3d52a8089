// The search page's script (docs/search.md), the only JavaScript of the portal: the page
// works without it (it then says how to browse instead). It reads ?q= from the address,
// loads the index Laurel wrote under search/ by adding script elements (fetch of local files
// is blocked when the portal is opened from disk; a script file is not), and shows the
// results with text nodes only: nothing from the index is ever parsed as HTML.
// The query is cut into terms exactly as Laurel's SearchText cuts the indexed text.
(function () {
  "use strict";
  var results = document.getElementById("search-results");
  var form = document.querySelector(".search-form");
  var input = document.getElementById("q");
  if (!results || !form || !input) return;
  var status = results.querySelector(".search-status");
  var list = results.querySelector(".search-list");
  var kinds = (results.getAttribute("data-kinds") || "").split("|");
  var LIMIT = 50;
  var manifest = null;
  var shards = {}, docs = {}, pending = {};
  var generation = 0;
  var nojs = document.querySelector(".search-nojs");
  if (nojs) nojs.hidden = true;

  function text(key, n, q) {
    return (results.getAttribute("data-" + key) || "").split("{n}").join(String(n)).split("{q}").join(q);
  }

  // ---- The same rules as SearchText.swift ----
  function normalize(s) {
    return s.normalize("NFD").replace(/[uU]\u0308/g, "v").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function isCJK(c) {
    return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x3134f);
  }
  var WORD = /^[\p{L}\p{N}]$/u;
  function runs(s) {
    var out = [], run = null;
    for (var ch of s) {
      var c = ch.codePointAt(0);
      var kind = isCJK(c) ? "cjk" : WORD.test(ch) ? "word" : null;
      if (run && run.kind !== kind) { out.push(run); run = null; }
      if (kind) { if (!run) run = { kind: kind, chars: [] }; run.chars.push(ch); }
    }
    if (run) out.push(run);
    return out;
  }
  // Query terms: a word (prefix-matched from two characters on), a lone CJK character, or each
  // pair of neighbouring CJK characters.
  function queryTerms(rs) {
    var terms = [];
    rs.forEach(function (r) {
      if (r.kind === "word") terms.push({ term: r.chars.join(""), prefix: r.chars.length >= 2 });
      else if (r.chars.length === 1) terms.push({ term: r.chars[0], prefix: false });
      else for (var i = 1; i < r.chars.length; i++) terms.push({ term: r.chars[i - 1] + r.chars[i], prefix: false });
    });
    return terms;
  }
  function shardOf(term) {
    var h = 2166136261, n = 0;
    for (var ch of term) {
      if (n++ === 2) break;
      h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0;
    }
    return h % manifest.shards;
  }

  // ---- Loading the index's files ----
  function load(kind, n, store) {
    if (store[n]) return Promise.resolve(store[n]);
    var key = kind + n;
    if (!pending[key]) {
      pending[key] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = kind + "/" + n + ".js";
        s.onload = function () { store[n] ? resolve(store[n]) : reject(new Error(s.src)); };
        s.onerror = function () { delete pending[key]; reject(new Error(s.src)); };
        document.body.appendChild(s);
      });
    }
    return pending[key];
  }
  window.LaurelSearch = {
    m: function (m) { manifest = m; start(); },
    t: function (n, flat) {
      var terms = [], lists = [];
      for (var i = 0; i < flat.length; i += 2) { terms.push(flat[i]); lists.push(flat[i + 1]); }
      shards[n] = { terms: terms, lists: lists };
    },
    d: function (n, rows) { docs[n] = rows; }
  };

  // ---- Matching ----
  var EXACT = [2, 4, 8, 12], PREFIX = [1, 2, 4, 6];  // by weight: body, context, title, whole title
  function lowerBound(a, x) {
    var lo = 0, hi = a.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] < x) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function addList(scores, deltas, table) {
    var v = 0;
    for (var i = 0; i < deltas.length; i++) {
      v += deltas[i];
      var doc = v >> 2, s = table[v & 3];
      if (!(scores.get(doc) >= s)) scores.set(doc, s);
    }
  }
  function match(t) {
    var shard = shards[shardOf(t.term)], scores = new Map();
    var i = lowerBound(shard.terms, t.term);
    for (; i < shard.terms.length; i++) {
      var term = shard.terms[i];
      if (term === t.term) addList(scores, shard.lists[i], EXACT);
      else if (t.prefix && term.lastIndexOf(t.term, 0) === 0) addList(scores, shard.lists[i], PREFIX);
      else break;
    }
    return scores;
  }
  function rank(terms, whole) {
    var total = null;
    terms.forEach(function (t) {
      var scores = match(t);
      if (total === null) { total = scores; return; }
      var next = new Map();
      total.forEach(function (s, doc) { var m = scores.get(doc); if (m !== undefined) next.set(doc, s + m); });
      total = next;
    });
    if (whole) match({ term: whole, prefix: false }).forEach(function (s, doc) {
      if (s === EXACT[3] && total.has(doc)) total.set(doc, total.get(doc) + 20);
    });
    var hits = Array.from(total.keys());
    hits.sort(function (a, b) { return (total.get(b) - total.get(a)) || (a - b); });
    return hits;
  }

  // ---- Showing ----
  function show(q, hits) {
    list.textContent = "";
    results.hidden = false;
    if (!hits.length) { status.textContent = text("none", 0, q); return; }
    status.textContent = text("count", hits.length, q) + (hits.length > LIMIT ? " " + text("more", LIMIT, q) : "");
    hits.slice(0, LIMIT).forEach(function (doc) {
      var row = docs[Math.floor(doc / manifest.chunk)][doc % manifest.chunk];
      var li = document.createElement("li");
      li.className = "item";
      var a = document.createElement("a");
      a.className = "item-title";
      a.setAttribute("href", row[3]);
      a.textContent = row[1];
      var meta = document.createElement("span");
      meta.className = "item-meta";
      var badge = document.createElement("span");
      badge.className = "badge kind";
      badge.textContent = kinds[row[0]] || "";
      meta.appendChild(badge);
      li.appendChild(a);
      li.appendChild(meta);
      if (row[2]) {
        var p = document.createElement("p");
        p.className = "item-summary";
        p.textContent = row[2];
        li.appendChild(p);
      }
      list.appendChild(li);
    });
  }

  function search(q) {
    var mine = ++generation;
    var norm = normalize(q), rs = runs(norm), terms = queryTerms(rs);
    if (!terms.length) { results.hidden = true; list.textContent = ""; return Promise.resolve(); }
    var whole = rs.map(function (r) { return r.chars.join(""); }).join("");
    var needed = new Set(terms.map(function (t) { return shardOf(t.term); }));
    needed.add(shardOf(whole));
    status.textContent = text("loading", 0, q);
    results.hidden = false;
    return Promise.all(Array.from(needed).map(function (n) { return load("t", n, shards); })).then(function () {
      if (mine !== generation) return;
      var hits = rank(terms, whole);
      var chunks = new Set(hits.slice(0, LIMIT).map(function (d) { return Math.floor(d / manifest.chunk); }));
      return Promise.all(Array.from(chunks).map(function (n) { return load("d", n, docs); })).then(function () {
        if (mine === generation) show(q, hits);
      });
    }).catch(function () { if (mine === generation) show(q, []); });
  }

  function remember(q) {
    try { history.replaceState(null, "", q ? "?q=" + encodeURIComponent(q) : location.pathname); } catch (e) { /* some file:// setups refuse */ }
  }
  function start() {
    var q = new URLSearchParams(location.search).get("q") || "";
    input.value = q;
    input.addEventListener("input", function () { remember(input.value); search(input.value); });
    form.addEventListener("submit", function (e) { e.preventDefault(); remember(input.value); search(input.value); });
    if (q) search(q);
  }
})();
