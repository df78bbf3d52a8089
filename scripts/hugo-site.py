#!/usr/bin/env python3
"""Writes the Hugo side of the benchmark: the same synthetic company as a Hugo site.

    scripts/hugo-site.py DEPARTMENT PEOPLE_JSON SITE

DEPARTMENT is a folder written by `laurel-bench generate` (people, teams, rules, rewards and
the Markdown pages); PEOPLE_JSON is the `data/people.json` a laurel build of it wrote, so the
figures (balance, lifetime, score, rank, scores per period) come from the one points engine:
Hugo cannot compute them. SITE gets a content page per person, team, leaderboard (every
period of people.json, top 100), rule and reward, the training, case and news pages with
their Markdown bodies, and plain layouts (a base template, a header, one single template per
section, list pages) with Hugo's default outputs (RSS feeds of the home page and sections, the
sitemap, tag pages of the training pages). Hugo renders what laurel renders minus what only
the engine knows (each person's history rows, feeds and CSV exports, the search index): a
lighter job than laurel's, by design, so the comparison does not flatter laurel. The same
inputs give the same bytes.
"""
import json
import os
import re
import sys

dept, people_json, site = sys.argv[1], sys.argv[2], sys.argv[3]


def read_list(path, keys):
    """The flat `- id: …` lists of people.yaml / teams.yaml / rewards.yaml (the generator's layout)."""
    items, item = [], None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^(- |  )(\w+): (.*)$", line)
        if not m:
            continue
        if m.group(1) == "- ":
            item = {}
            items.append(item)
        if item is not None and m.group(2) in keys:
            item[m.group(2)] = m.group(3)
    return items


def q(text):
    """A TOML string."""
    return json.dumps(str(text), ensure_ascii=False)


def put(path, text):
    full = os.path.join(site, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8") as f:
        f.write(text)


def page(path, fields, body=""):
    lines = ["+++"] + [f"{k} = {v}" for k, v in fields] + ["+++", body]
    put(os.path.join("content", path), "\n".join(lines) + "\n")


export = json.load(open(people_json, encoding="utf-8"))
people = export["people"]
teams = read_list(os.path.join(dept, "teams.yaml"), {"id", "name", "lead"})
rewards = read_list(os.path.join(dept, "rewards.yaml"), {"id", "name", "tier", "cost"})
team_name = {t["id"]: t["name"] for t in teams}

put("config.toml", f"""baseURL = "/"
languageCode = "zh-CN"
title = "合成销售部积分门户"
relativeURLs = true
uglyURLs = false
[markup.goldmark.renderer]
unsafe = false
""")

put("layouts/_default/baseof.html", """<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ site.Title }}</title><link rel="stylesheet" href="{{ "style.css" | relURL }}"></head>
<body>{{ partial "header.html" . }}<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ site.Title }}</footer></body>
</html>
""")
put("layouts/partials/header.html", """<header><nav><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
{{ range (slice "people" "teams" "leaderboards" "rules" "rewards" "training" "cases" "news") }}<a href="{{ printf "/%s/" . | relURL }}">{{ . }}</a> {{ end }}</nav></header>
""")
put("layouts/index.html", """{{ define "main" }}<h1>{{ site.Title }}</h1>
<ul>{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .Pages }})</li>{{ end }}</ul>{{ end }}
""")
put("layouts/_default/list.html", """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
""")
put("layouts/_default/single.html", """{{ define "main" }}<article><h1>{{ .Title }}</h1>
{{ with .Params.date }}<p><time>{{ . }}</time></p>{{ end }}{{ .Content }}</article>{{ end }}
""")
put("layouts/people/single.html", """{{ define "main" }}<h1>{{ .Title }} <small>{{ .Params.id }}</small></h1>
<p>团队：<a href="{{ printf "/teams/%s/" .Params.team | relURL }}">{{ .Params.teamName }}</a></p>
<table><tr><th>余额</th><td>{{ .Params.balance }}</td></tr><tr><th>累计</th><td>{{ .Params.lifetime }}</td></tr>
<tr><th>本期得分</th><td>{{ .Params.score }}</td></tr><tr><th>排名</th><td>{{ with .Params.rank }}{{ . }}{{ else }}—{{ end }}</td></tr></table>
<h2>各期得分</h2><table>{{ range .Params.scores }}<tr><th>{{ .period }}</th><td>{{ .points }}</td></tr>{{ end }}</table>{{ end }}
""")
put("layouts/teams/single.html", """{{ define "main" }}<h1>{{ .Title }}</h1>
<ol>{{ range .Params.members }}<li><a href="{{ printf "/people/%s/" .id | relURL }}">{{ .name }}</a> {{ .score }}</li>{{ end }}</ol>{{ end }}
""")
put("layouts/leaderboards/single.html", """{{ define "main" }}<h1>{{ .Title }}</h1>
<table><tr><th>名次</th><th>姓名</th><th>得分</th></tr>{{ range .Params.places }}
<tr><td>{{ .rank }}</td><td><a href="{{ printf "/people/%s/" .id | relURL }}">{{ .name }}</a></td><td>{{ .points }}</td></tr>{{ end }}</table>{{ end }}
""")
put("layouts/rewards/single.html", """{{ define "main" }}<h1>{{ .Title }}</h1>
<p>{{ .Params.tier }} · {{ .Params.cost }} 积分</p>{{ .Content }}{{ end }}
""")
put("static/style.css", "body{font-family:sans-serif;max-width:60rem;margin:auto}table{border-collapse:collapse}\n")

for p in people:
    fields = [("title", q(p["name"])), ("id", q(p["id"])), ("team", q(p["team"])),
              ("teamName", q(team_name.get(p["team"], ""))), ("balance", p["balance"]),
              ("lifetime", p["lifetime"]), ("score", p["score"])]
    if p["rank"] is not None:
        fields.append(("rank", p["rank"]))
    fields.append(("scores", "[" + ", ".join(
        f"{{period = {q(k)}, points = {v}}}" for k, v in sorted(p["scores"].items())) + "]"))
    page(f"people/{p['id']}.md", fields)

members = {}
for p in people:
    members.setdefault(p["team"], []).append(p)
for t in teams:
    ms = sorted(members.get(t["id"], []), key=lambda p: (-p["score"], p["id"]))
    page(f"teams/{t['id']}.md", [("title", q(t["name"])), ("members", "[" + ", ".join(
        f"{{id = {q(p['id'])}, name = {q(p['name'])}, score = {p['score']}}}" for p in ms) + "]")])

periods = sorted({k for p in people for k in p["scores"]})
for period in periods:
    ranked = sorted((p for p in people if period in p["scores"]), key=lambda p: (-p["scores"][period], p["id"]))[:100]
    places, rank = [], 0
    for n, p in enumerate(ranked):
        if n == 0 or p["scores"][period] != ranked[n - 1]["scores"][period]:
            rank = n + 1
        places.append(f"{{rank = {rank}, id = {q(p['id'])}, name = {q(p['name'])}, points = {p['scores'][period]}}}")
    page(f"leaderboards/{period}.md", [("title", q(period + " 排行榜")), ("places", "[" + ", ".join(places) + "]")])

for r in rewards:
    page(f"rewards/{r['id']}.md", [("title", q(r["name"])), ("tier", q(r["tier"])), ("cost", r["cost"])],
         f"**{r['name']}**，可用积分兑换。")

# Markdown pages: the same bodies, links to rules and people made plain Hugo links.
link = re.compile(r"\]\((rule|person):([^)]+)\)")
for kind, section in (("rules", "rules"), ("training", "training"), ("cases", "cases"), ("news", "news")):
    folder = os.path.join(dept, "pages", kind)
    for name in sorted(os.listdir(folder)):
        text = open(os.path.join(folder, name), encoding="utf-8").read()
        _, front, body = text.split("---\n", 2)
        fields = []
        for line in front.splitlines():
            key, _, value = line.partition(": ")
            if key == "title":
                fields.append(("title", q(value)))
            elif key == "date":
                fields.append(("date", q(value)))
            elif key == "tags":
                fields.append(("tags", "[" + ", ".join(q(t.strip()) for t in value.strip("[]").split(",") if t.strip()) + "]"))
        body = link.sub(lambda m: "](/" + ("rules" if m.group(1) == "rule" else "people") + "/" + m.group(2) + "/)", body)
        page(f"{section}/{name}", fields, body)
