#!/usr/bin/env python3
"""Generate the demo points ledger of the Laurel demo portal (Content/ledger/).

Re-run from anywhere (paths are relative to this script):

    python3 scripts/demo-ledger.py

It is deterministic (fixed random seed, standard library only) and reads
nothing: the roster, rules, rewards, titles and targets below are copies of
Content/people.yaml, rules.yaml, rewards.yaml, honours.yaml and targets.yaml.
Keep them in step when you edit either side.

It writes one file per quarter, Content/ledger/YYYY/YYYY-Qn.ledger, from
2025-01-01 through END (2026-11-28), the way the nightly CRM export writes
them: a header comment, entries in date order.

To stay valid under spec/FORMAT.md it simulates the points semantics of
section 8 for everything it writes (lots with a last valid day, spending the
earliest last day first, caps, reversals with clawback, quarterly target
bonuses) and only writes a redeem or deduct that the available balance
covers with a margin, a reward still in stock whose title the person holds,
and a reversal that the person's balance can absorb. The `balance` lines it
writes are computed by that model, at the start of their date.

Edge cases it writes on purpose (the case pages in Content/pages/cases tell
some of them):
- capped earns, some capped to 0 points (a `; 封顶` comment marks them);
- a rule version change on 2026-01-01 (deal-won: points, cap, months:12);
- the retired rule cold-call (last earn before 2026-04-01);
- reversals of earns, awards, redeems and deducts, among them audits that
  reverse an old, partly spent deal so that its spent points are clawed back
  from other lots (2025-07-15, 2026-08-12), and a December 2025 redemption
  reversed on 2026-01-08 whose points return to lots that have expired;
- quarterly target bonuses, and luo-bin, who reaches his 2026-Q2 target but
  leaves on 2026-04-30 and so gets no bonus;
- stock running out (negotiation-course, parking-space), stock coming back
  when a redemption is reversed, and
  rewards that require a title.
What it avoids, because FORMAT.md leaves room for readings: reversing a
redeem or deduct that was paid from a lot cancelled later (which lots
"finally paid" it), reversing an earn or award whose lot has expired, and a
title-gated redemption on a day the person's lifetime points at the start
of the day were below the title.
"""

import datetime as dt
import os
import random
from collections import defaultdict

SEED = 20250101
START = dt.date(2025, 1, 1)
END = dt.date(2026, 11, 28)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Content", "ledger")

D = dt.date
PORTAL_EXPIRY = "year"
DIRECTOR = "chen-jianguo"
MARGIN = 50  # spend only when the available balance exceeds the cost by this much

# --------------------------------------------------------------------------
# Roster (copy of people.yaml / teams.yaml) and the simulation profile of
# each person: skill (deal size), act (visits), hunter (new customers),
# learner (training), style of redeeming.
# --------------------------------------------------------------------------
TEAMS = {"east": "wang-qiang", "north": "liu-yang", "south": "zhao-min"}
TEAM_NAMES = {"east": "华东组", "north": "华北组", "south": "华南组"}

PEOPLE = [
    # id, name, team, joined, left, leaderboard, skill, act, hunter, learner, style
    ("chen-jianguo", "陈建国", "east", None, None, False, 0, 0, 0, 0, "none"),
    ("wang-qiang", "王强", "east", None, None, True, 1.2, 1.0, 0.8, 1.0, "regular"),
    ("zhang-wei", "张伟", "east", None, None, True, 1.7, 1.2, 1.5, 0.9, "saver"),
    ("li-na", "李娜", "east", None, None, True, 1.3, 1.4, 1.0, 1.2, "regular"),
    ("liu-fang", "刘芳", "east", None, None, True, 0.9, 1.7, 0.7, 1.1, "spender"),
    ("yang-jie", "杨洁", "east", None, None, True, 1.0, 1.0, 1.0, 1.0, "regular"),
    ("huang-lei", "黄磊", "east", None, None, True, 0.7, 0.8, 1.3, 0.7, "spender"),
    ("zhou-ting", "周婷", "east", None, None, True, 1.1, 1.1, 0.9, 1.4, "saver"),
    ("wu-hao", "吴昊", "east", None, None, True, 0.6, 0.7, 0.6, 0.6, "regular"),
    ("xu-jing", "徐静", "east", None, None, True, 1.0, 1.3, 1.1, 1.0, "regular"),
    ("sun-peng", "孙鹏", "east", None, None, True, 1.4, 0.9, 1.3, 0.8, "saver"),
    ("liu-yang", "刘洋", "north", None, None, True, 1.1, 1.0, 0.9, 1.1, "regular"),
    ("wang-fang", "王芳", "north", None, None, True, 1.5, 1.8, 1.0, 1.0, "saver"),
    ("zhao-lei", "赵磊", "north", None, None, True, 1.0, 1.0, 1.0, 0.9, "regular"),
    ("ma-li", "马丽", "north", None, None, True, 0.9, 1.2, 0.8, 1.3, "spender"),
    ("hu-jun", "胡军", "north", None, None, True, 0.8, 1.1, 0.9, 0.7, "regular"),
    ("guo-xin", "郭鑫", "north", None, None, True, 1.3, 1.0, 1.2, 1.0, "saver"),
    ("he-yan", "何艳", "north", None, None, False, 1.0, 1.2, 0.9, 1.1, "regular"),
    ("gao-feng", "高峰", "north", None, None, True, 1.2, 1.0, 1.0, 1.0, "regular"),
    ("lin-xiaoyu", "林晓雨", "north", D(2025, 6, 16), None, True, 0.9, 1.2, 1.2, 1.5, "spender"),
    ("luo-bin", "罗斌", "north", None, D(2026, 4, 30), True, 0.9, 0.9, 0.9, 0.8, "regular"),
    ("zhao-min", "赵敏", "south", None, None, True, 1.2, 1.1, 0.9, 1.1, "regular"),
    ("zheng-hui", "郑辉", "south", None, None, True, 1.6, 1.0, 1.3, 0.9, "saver"),
    ("liang-yu", "梁宇", "south", None, None, True, 1.0, 1.0, 1.0, 1.0, "regular"),
    ("xie-lihua", "谢丽华", "south", None, None, True, 1.1, 1.5, 0.8, 1.2, "regular"),
    ("song-tao", "宋涛", "south", None, None, True, 0.9, 0.9, 1.1, 0.8, "spender"),
    ("tang-xue", "唐雪", "south", None, None, True, 1.0, 1.2, 1.0, 1.3, "regular"),
    ("han-dong", "韩冬", "south", None, None, True, 0.7, 0.8, 0.8, 0.7, "spender"),
    ("feng-qian", "冯倩", "south", None, None, True, 1.2, 1.1, 1.1, 1.0, "saver"),
    ("deng-chao", "邓超", "south", None, None, True, 0.8, 0.9, 1.0, 0.8, "regular"),
    ("cao-yue", "曹悦", "south", D(2026, 3, 2), None, True, 0.8, 1.1, 1.2, 1.4, "spender"),
]
P = {row[0]: dict(zip(("id", "name", "team", "joined", "left", "board", "skill",
                       "act", "hunter", "learner", "style"), row)) for row in PEOPLE}
SELLERS = [row[0] for row in PEOPLE if row[0] != DIRECTOR]
FORGETFUL = {"wu-hao", "deng-chao", "he-yan"}  # let some 2025 points expire unused

# --------------------------------------------------------------------------
# Rules (copy of rules.yaml). cap = (max, per); expiry = policy text.
# --------------------------------------------------------------------------
RULES = {
    "deal-won": {"versions": [
        {"since": D(2025, 1, 1), "per": 1000, "points": 1, "cap": (500, "month")},
        {"since": D(2026, 1, 1), "per": 1000, "points": 2, "cap": (1000, "month"), "expiry": "months:12"}]},
    "big-deal": {"versions": [{"since": D(2025, 1, 1), "points": 200}]},
    "quarterly-target": {"kind": "target", "metric": "deal-won", "period": "quarter", "versions": [
        {"since": D(2025, 1, 1), "points": 300, "expiry": "months:6"},
        {"since": D(2026, 1, 1), "points": 500, "expiry": "months:6"}]},
    "new-customer": {"versions": [{"since": D(2025, 1, 1), "points": 100}]},
    "cold-call": {"versions": [
        {"since": D(2025, 1, 1), "points": 2, "cap": (60, "month")},
        {"since": D(2026, 4, 1), "retired": True}]},
    "new-customer-visit": {"versions": [{"since": D(2026, 4, 1), "points": 10, "cap": (80, "month")}]},
    "referral": {"versions": [{"since": D(2025, 1, 1), "points": 50}]},
    "renewal": {"versions": [{"since": D(2025, 1, 1), "per": 2000, "points": 1}]},
    "retention-visit": {"versions": [{"since": D(2025, 1, 1), "points": 5, "cap": (40, "month")}]},
    "customer-praise": {"versions": [{"since": D(2025, 1, 1), "points": 30}]},
    "training": {"versions": [{"since": D(2025, 1, 1), "points": 10, "cap": (40, "month")}]},
    "certification": {"versions": [{"since": D(2025, 1, 1), "points": 150}]},
    "internal-lecture": {"versions": [{"since": D(2025, 1, 1), "points": 60}]},
    "mentoring": {"versions": [{"since": D(2025, 1, 1), "points": 50}]},
    "deal-assist": {"versions": [{"since": D(2025, 1, 1), "points": 30}]},
    "case-share": {"versions": [{"since": D(2025, 1, 1), "points": 20, "cap": (60, "quarter")}]},
}

# --------------------------------------------------------------------------
# Rewards (copy of rewards.yaml): tier, cost history, stock, requires.
# --------------------------------------------------------------------------
Y25 = D(2025, 1, 1)
REWARDS = {
    "coffee-voucher":      ("basic", [(Y25, 60)], None, None),
    "movie-tickets":       ("basic", [(Y25, 150)], None, None),
    "book-card-100":       ("basic", [(Y25, 180)], None, None),
    "phone-credit-100":    ("basic", [(Y25, 200)], None, None),
    "gift-card-100":       ("basic", [(Y25, 200)], None, None),
    "flex-morning":        ("basic", [(Y25, 250)], None, None),
    "fitness-month":       ("basic", [(Y25, 300)], None, None),
    "honour-wall":         ("basic", [(Y25, 300)], None, None),
    "gift-card-200":       ("basic", [(Y25, 400)], None, None),
    "parking-space":       ("advanced", [(Y25, 800)], 20, None),
    "gift-card-500":       ("advanced", [(Y25, 1000), (D(2026, 1, 1), 900)], None, None),
    "lunch-with-director": ("advanced", [(Y25, 1000)], 12, "silver"),
    "day-off":             ("advanced", [(Y25, 1200), (D(2026, 7, 1), 1500)], None, None),
    "bluetooth-headset":   ("advanced", [(Y25, 1500)], 20, None),
    "team-dinner":         ("advanced", [(Y25, 1600)], None, None),
    "negotiation-course":  ("advanced", [(Y25, 2500)], 10, None),
    "smart-watch":         ("advanced", [(Y25, 2800)], 10, None),
    "days-off-3":          ("premium", [(Y25, 3500)], None, None),
    "sales-trophy":        ("premium", [(Y25, 4000)], 5, "gold"),
    "tablet":              ("premium", [(Y25, 5000)], 6, None),
    "travel-fund":         ("premium", [(Y25, 6000)], 8, "silver"),
    "laptop":              ("premium", [(Y25, 8000)], 3, "gold"),
    "exec-course":         ("premium", [(Y25, 9000)], 2, "gold"),
}

TITLES = {"bronze": 3000, "silver": 8000, "gold": 12000}  # copy of honours.yaml

# Copy of targets.yaml: quarterly-target -> quarter -> person -> yuan.
TARGETS = {"quarterly-target": {}}  # filled below (literal)

# ==========================================================================
# Dates
# ==========================================================================

def month_end(y, m):
    if m == 12:
        return D(y, 12, 31)
    return D(y, m + 1, 1) - dt.timedelta(days=1)


def quarter_of(d):
    return (d.month - 1) // 3 + 1


def quarter_end(d):
    return month_end(d.year, quarter_of(d) * 3)


def quarter_name(d):
    return "%d-Q%d" % (d.year, quarter_of(d))


def last_valid_day(policy, d):
    """Section 8.1: the last day a lot dated d is available."""
    if policy == "never":
        return None
    if policy == "month":
        return month_end(d.year, d.month)
    if policy == "quarter":
        return quarter_end(d)
    if policy == "year":
        return D(d.year, 12, 31)
    assert policy.startswith("months:")
    n = int(policy.split(":")[1])
    k = d.year * 12 + (d.month - 1) + n
    return month_end(k // 12, k % 12 + 1)


def window(per, d):
    if per == "month":
        return (d.year, d.month)
    if per == "quarter":
        return (d.year, quarter_of(d))
    return (d.year,)


HOLIDAYS = set()
for a, b in [((2025, 1, 1), (2025, 1, 1)), ((2025, 1, 28), (2025, 2, 4)),
             ((2025, 4, 4), (2025, 4, 6)), ((2025, 5, 1), (2025, 5, 5)),
             ((2025, 5, 31), (2025, 6, 2)), ((2025, 10, 1), (2025, 10, 8)),
             ((2026, 1, 1), (2026, 1, 3)), ((2026, 2, 15), (2026, 2, 23)),
             ((2026, 4, 4), (2026, 4, 6)), ((2026, 5, 1), (2026, 5, 5)),
             ((2026, 6, 19), (2026, 6, 21)), ((2026, 10, 1), (2026, 10, 7))]:
    x = D(*a)
    while x <= D(*b):
        HOLIDAYS.add(x)
        x += dt.timedelta(days=1)
MAKEUP = {D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11),
          D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 27), D(2026, 10, 10)}


def is_workday(d):
    if d in MAKEUP:
        return True
    return d.weekday() < 5 and d not in HOLIDAYS


def all_days(a, b):
    while a <= b:
        yield a
        a += dt.timedelta(days=1)


WORKDAYS = [d for d in all_days(START, END) if is_workday(d)]


def first_workday_of_month(y, m):
    for d in WORKDAYS:
        if d.year == y and d.month == m:
            return d
    return None


def last_workday_of_month(y, m):
    c = [d for d in WORKDAYS if d.year == y and d.month == m]
    return c[-1] if c else None


# ==========================================================================
# The points model (spec/FORMAT.md section 8)
# ==========================================================================

class Lot:
    __slots__ = ("seq", "person", "date", "last", "points", "rem", "cancelled")

    def __init__(self, seq, person, date, last, points):
        self.seq, self.person, self.date, self.last = seq, person, date, last
        self.points = self.rem = points
        self.cancelled = False

    def key(self):
        return (self.last is None, self.last or D.max, self.date, self.seq)


class InvalidEntry(Exception):
    pass


def version_in_force(rule, d):
    v = None
    for x in RULES[rule]["versions"]:
        if x["since"] <= d:
            v = x
    return v


def cost_at(reward, d):
    c = None
    for since, cost in REWARDS[reward][1]:
        if since <= d:
            c = cost
    return c


class Model:
    def __init__(self):
        self.lots = defaultdict(list)
        self.seq = 0
        self.entries = {}           # id -> entry record
        self.cap_hist = defaultdict(list)  # (person, rule) -> [(date, points given)]
        self.lifetime = defaultdict(int)
        self.stock_used = defaultdict(int)
        self.metric_entries = defaultdict(list)  # person -> earn records of metric rules
        self.bonuses = []           # (date, person, points)
        self.capped = 0
        self.claws = 0

    # -- lots ---------------------------------------------------------------
    def new_lot(self, person, d, policy, points):
        self.seq += 1
        lot = Lot(self.seq, person, d, last_valid_day(policy, d), points)
        self.lots[person].append(lot)
        return lot

    def live(self, person, d):
        return [l for l in self.lots[person]
                if not l.cancelled and l.rem > 0 and (l.last is None or l.last >= d)]

    def available(self, person, d):
        return sum(l.rem for l in self.live(person, d))

    def take(self, person, d, amount):
        if amount > self.available(person, d):
            raise InvalidEntry("not enough points")
        allocs = []
        for lot in sorted(self.live(person, d), key=Lot.key):
            if amount == 0:
                break
            t = min(lot.rem, amount)
            lot.rem -= t
            amount -= t
            allocs.append((lot, t))
        return allocs

    # -- checks -------------------------------------------------------------
    @staticmethod
    def on_roster(person, d):
        p = P[person]
        return (p["joined"] is None or p["joined"] <= d) and (p["left"] is None or d <= p["left"])

    def _check(self, person, d, eid):
        if not self.on_roster(person, d):
            raise AssertionError("%s not on roster on %s" % (person, d))
        if eid is not None and eid in self.entries:
            raise AssertionError("duplicate id " + eid)

    # -- verbs --------------------------------------------------------------
    def earn(self, d, person, rule, amount=None, qty=None, eid=None):
        self._check(person, d, eid)
        v = version_in_force(rule, d)
        assert v is not None and not v.get("retired"), (rule, d)
        assert RULES[rule].get("kind") != "target"
        if "per" in v:
            assert amount is not None and qty is None
            raw = amount // v["per"] * v["points"]
        else:
            raw = v["points"] * (qty or 1)
        pts = raw
        if "cap" in v:
            cmax, cper = v["cap"]
            w = window(cper, d)
            used = sum(p for (dd, p) in self.cap_hist[(person, rule)] if window(cper, dd) == w)
            pts = min(raw, max(0, cmax - used))
        self.cap_hist[(person, rule)].append((d, pts))
        if pts < raw:
            self.capped += 1
        lot = self.new_lot(person, d, v.get("expiry", PORTAL_EXPIRY), pts)
        self.lifetime[person] += pts
        rec = {"kind": "earn", "person": person, "rule": rule, "amount": amount, "date": d,
               "lot": lot, "reversed": False, "raw": raw, "points": pts}
        if eid:
            self.entries[eid] = rec
        self.metric_entries[(person, rule)].append(rec)
        return rec

    def award(self, d, person, points, by, eid=None):
        self._check(person, d, eid)
        assert by != person and by in P and points >= 1
        lot = self.new_lot(person, d, PORTAL_EXPIRY, points)
        self.lifetime[person] += points
        rec = {"kind": "award", "person": person, "date": d, "lot": lot, "reversed": False, "points": points}
        if eid:
            self.entries[eid] = rec
        return rec

    def deduct(self, d, person, points, by, eid=None):
        self._check(person, d, eid)
        assert by != person and by in P and points >= 1
        allocs = self.take(person, d, points)
        self.lifetime[person] -= points
        rec = {"kind": "deduct", "person": person, "date": d, "allocs": allocs, "reversed": False,
               "points": points, "tainted": False}
        if eid:
            self.entries[eid] = rec
        return rec

    def title_ok(self, person, reward, lifetime_now):
        req = REWARDS[reward][3]
        return req is None or lifetime_now >= TITLES[req]

    def redeem(self, d, person, reward, qty=1, eid=None, lifetime_start=None):
        self._check(person, d, eid)
        stock = REWARDS[reward][2]
        if stock is not None and self.stock_used[reward] + qty > stock:
            raise InvalidEntry("stock")
        if not self.title_ok(person, reward, self.lifetime[person]):
            raise InvalidEntry("title")
        if lifetime_start is not None and not self.title_ok(person, reward, lifetime_start):
            raise InvalidEntry("title at start of day")
        allocs = self.take(person, d, cost_at(reward, d) * qty)
        self.stock_used[reward] += qty
        rec = {"kind": "redeem", "person": person, "date": d, "allocs": allocs, "reversed": False,
               "reward": reward, "qty": qty, "tainted": False}
        if eid:
            self.entries[eid] = rec
        return rec

    def can_reverse(self, d, eid):
        """Whether reversing eid on d is valid and safe (no ambiguous cases)."""
        e = self.entries[eid]
        if e["reversed"] or e["date"] > d:
            return False
        if e["kind"] in ("earn", "award"):
            lot = e["lot"]
            if lot.last is not None and lot.last < d:
                return False  # do not test clawback of an expired lot
            spent = lot.points - lot.rem
            if spent == 0:
                return True
            others = self.available(e["person"], d) - (lot.rem if (lot.last is None or lot.last >= d) else 0)
            return others >= spent + MARGIN
        return not e["tainted"]

    def reverse(self, d, eid):
        assert self.can_reverse(d, eid), eid
        e = self.entries[eid]
        e["reversed"] = True
        e["reversed_on"] = d
        person = e["person"]
        if e["kind"] in ("earn", "award"):
            lot = e["lot"]
            spent = lot.points - lot.rem
            lot.cancelled = True
            lot.rem = 0
            self.lifetime[person] -= lot.points
            if spent:
                self.claws += 1
                self.take(person, d, spent)
                # Spending paid from this lot may not be reversed later: which
                # lots "finally paid" it is a choice we do not want to test.
                for other in self.entries.values():
                    if other["kind"] in ("redeem", "deduct") and any(l is lot for l, _ in other["allocs"]):
                        other["tainted"] = True
        else:
            for lot, t in e["allocs"]:
                lot.rem += t
            if e["kind"] == "deduct":
                self.lifetime[person] += e["points"]
            else:
                self.stock_used[e["reward"]] -= e["qty"]

    def settle_targets(self, d):
        """Target bonuses at the end of day d if d is the last day of a quarter."""
        if d != quarter_end(d):
            return []
        out = []
        qn = quarter_name(d)
        for rule in sorted(r for r in RULES if RULES[r].get("kind") == "target"):
            targets = TARGETS.get(rule, {}).get(qn, {})
            metric = RULES[rule]["metric"]
            qstart = D(d.year, quarter_of(d) * 3 - 2, 1)
            for person in sorted(targets):
                left = P[person]["left"]
                if left is not None and left < d:
                    continue
                total = sum(r["amount"] for r in self.metric_entries[(person, metric)]
                            if qstart <= r["date"] <= d and not r["reversed"])
                if total < targets[person]:
                    continue
                v = version_in_force(rule, d)
                if v is None or v.get("retired"):
                    continue
                self.new_lot(person, d, v.get("expiry", PORTAL_EXPIRY), v["points"])
                self.lifetime[person] += v["points"]
                self.bonuses.append((d, person, v["points"]))
                out.append((person, v["points"], total, targets[person]))
        return out


# ==========================================================================
# Names and wording
# ==========================================================================

CITIES = {
    "east": ["上海", "苏州", "杭州", "南京", "宁波", "无锡", "常州", "嘉兴", "合肥", "绍兴"],
    "north": ["北京", "天津", "石家庄", "济南", "青岛", "唐山", "太原", "沈阳", "保定", "烟台"],
    "south": ["广州", "深圳", "东莞", "佛山", "厦门", "福州", "中山", "珠海", "惠州", "江门"],
}
BRANDS = ["恒瑞", "金盛", "华信", "永泰", "宏达", "鑫源", "天成", "博远", "中联", "立信", "嘉禾", "瑞丰",
          "康达", "恒信", "远航", "聚力", "同创", "汇通", "德润", "锦程", "昌盛", "泰和", "新宇", "凯旋",
          "华展", "明辉", "安捷", "腾达", "精诚", "顺源", "润丰", "海纳", "启明", "银河", "长风", "万象",
          "兴业", "广源", "益民", "正和", "联创", "东润", "佳利", "天瑞", "北辰", "南洋", "信达", "宝丰"]
INDUSTRIES = ["精密机械", "电子科技", "新材料", "汽车零部件", "食品", "制药", "包装", "电气", "化工",
              "纺织", "物流", "环保科技", "智能装备", "陶瓷", "家具", "五金", "塑胶", "光电", "能源", "医疗器械"]
DEALS = ["PLC控制柜采购", "MES系统一期", "产线自动化改造", "伺服驱动器批量采购", "年度备件框架合同",
         "视觉检测设备", "能源管理系统", "仓储物流自动化", "工业机器人工作站", "设备联网改造",
         "变频器批量采购", "质量追溯系统", "SCADA监控平台", "二期扩产设备", "工控机及触摸屏采购"]
RENEWALS = ["年度维保续约", "软件订阅续费", "备件框架协议续签", "三年服务合同续签", "远程运维服务续约"]
TRAININGS = ["产品知识：伺服与运动控制", "顾问式销售（上）", "顾问式销售（下）", "大客户关系管理",
             "商务谈判技巧", "CRM商机管理规范", "行业解决方案：汽车零部件", "行业解决方案：食品包装",
             "财务知识：合同与回款", "演示技巧工作坊", "竞品分析", "招投标实务"]
ONLINE = ["在线课程：MES基础", "在线课程：PLC选型", "在线课程：客户拜访礼仪", "在线课程：合同风险",
          "在线课程：数字化工厂概览", "在线课程：时间管理"]
CERTS = ["工业自动化产品认证（初级）", "工业自动化产品认证（中级）", "顾问式销售认证", "解决方案架构师认证"]
AWARD_REASONS = [("协助筹备工业博览会展位", None), ("春节假期值班", None), ("整理投标资料模板并共享", "case-share"),
                 ("客户大会接待支持", None), ("新品发布会现场演示", None), ("协助跨组客户交接", "deal-assist"),
                 ("编写行业方案白皮书", "case-share"), ("协助财务完成年度对账", None),
                 ("支援兄弟组紧急交付", "deal-assist"), ("客户满意度回访专项", "retention-visit")]
DEDUCT_REASONS = [("CRM商机超过30天未更新", 20), ("培训无故缺席", 20), ("拜访报告未按时提交", 30),
                  ("客户投诉：响应超时", 100), ("报价未走审批流程", 150), ("合同附件缺失，退回重审", 50)]


class Names:
    def __init__(self, rng):
        self.rng = rng
        # Customers of the scripted stories are never drawn at random.
        self.used = {"苏州恒瑞精密机械", "佛山金盛陶瓷", "天津远航物流", "北京华信能源", "青岛海纳食品"}

    def company(self, team):
        for _ in range(1000):
            n = self.rng.choice(CITIES[team]) + self.rng.choice(BRANDS) + self.rng.choice(INDUSTRIES)
            if n not in self.used:
                self.used.add(n)
                return n
        raise RuntimeError("out of names")


# ==========================================================================
# Generation
# ==========================================================================

class Writer:
    def __init__(self):
        self.files = defaultdict(list)  # quarter name -> lines
        self.verbs = defaultdict(int)

    def line(self, d, verb, *fields, memo=None, comment=None):
        parts = [d.isoformat(), "%-7s" % verb]
        for f in fields:
            parts.append(f)
        if memo is not None:
            assert '"' not in memo and "\\" not in memo
            parts.append('"%s"' % memo)
        text = " ".join(parts).rstrip()
        if comment:
            text += "  ; " + comment
        self.files[quarter_name(d)].append(text)
        self.verbs[verb] += 1


def pad(s, n):
    return s + " " * max(0, n - len(s))


class Generator:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.m = Model()
        self.w = Writer()
        self.names = Names(random.Random(SEED + 1))
        self.counters = defaultdict(int)
        self.opp = 10230
        self.accounts = {p: [self.names.company(P[p]["team"]) for _ in range(10)] for p in SELLERS}
        self.prospects = {p: [] for p in SELLERS}
        self.pending = defaultdict(list)   # date -> [(eid, memo)] reversals planned
        self.asserts = defaultdict(list)   # date -> [person]
        self.month_pts = defaultdict(int)  # (person, y, m) -> earned points
        self.assist_q = defaultdict(int)   # (person, quarter) -> deal-assist entries
        self.certs = defaultdict(int)
        self.recent = defaultdict(list)    # person -> ids of their earns (deal-won)
        self.redeems = []                  # (date, eid, person, reward)
        self.story = {}                    # scripted ids, for the case pages
        self.lifetime_start = {}
        self.scripted_ids = set()          # deals the case pages tell about
        self.wish = {}
        self.trophy = set()                     # person -> (reward, year) they save for

    # -- ids ----------------------------------------------------------------
    def nid(self, prefix, width=4, start=1):
        self.counters[prefix] += 1
        return "%s-%0*d" % (prefix, width, start - 1 + self.counters[prefix])

    def opp_id(self):
        self.opp += self.rng.randint(1, 6)
        return "crm-opp-%d" % self.opp

    # -- writing entries (each applied to the model at once) ----------------
    def earn(self, d, person, rule, amount=None, qty=None, eid=None, memo=None):
        rec = self.m.earn(d, person, rule, amount=amount, qty=qty, eid=eid)
        f = [pad(person, 12), pad(rule, 18),
             pad("amount:%d" % amount if amount is not None else "qty:%d" % qty if qty is not None else "", 14),
             pad("id:" + eid if eid else "", 24)]
        self.w.line(d, "earn", *f, memo=memo,
                    comment=("封顶：规则计 %d 分，实得 %d 分" % (rec["raw"], rec["points"])) if rec["points"] < rec["raw"] else None)
        self.month_pts[(person, d.year, d.month)] += rec["points"]
        return rec

    def award(self, d, person, points, by, memo, rule=None, eid=None):
        self.m.award(d, person, points, by, eid=eid)
        f = [pad(person, 12), pad(str(points), 18), pad("by:" + by, 16), pad("id:" + eid if eid else "", 24)]
        if rule:
            f.append("rule:" + rule)
        self.w.line(d, "award", *f, memo=memo)
        self.month_pts[(person, d.year, d.month)] += points

    def deduct(self, d, person, points, by, memo, eid=None):
        self.m.deduct(d, person, points, by, eid=eid)
        f = [pad(person, 12), pad(str(points), 18), pad("by:" + by, 16), pad("id:" + eid if eid else "", 24)]
        self.w.line(d, "deduct", *f, memo=memo)
        self.month_pts[(person, d.year, d.month)] -= points

    def redeem(self, d, person, reward, qty=1, memo=None):
        eid = self.nid("rdm-%d" % d.year)
        self.m.redeem(d, person, reward, qty=qty, eid=eid, lifetime_start=self.lifetime_start[person])
        f = [pad(person, 12), pad(reward, 19), pad("qty:%d" % qty if qty != 1 else "", 13), "id:" + eid]
        self.w.line(d, "redeem", *f, memo=memo)
        self.redeems.append((d, eid, person, reward))
        return eid

    def reverse(self, d, eid, memo):
        self.m.reverse(d, eid)
        self.w.line(d, "reverse", pad(eid, 59), memo=memo)

    def plan_reverse(self, d, eid, memo):
        if d <= END:
            self.pending[d].append((eid, memo))

    def next_workday(self, d, days):
        t = d + dt.timedelta(days=days)
        while not is_workday(t):
            t += dt.timedelta(days=1)
        return t

    # -- activity of one person on one workday ------------------------------
    def ramp(self, person, d):
        j = P[person]["joined"]
        if j is None:
            return 1.0
        days = (d - j).days
        # New hires close nothing on their own in their first 85 days (the
        # case page of lin-xiaoyu tells about her first deal).
        return 0.0 if days < 85 else 0.6 if days < 150 else 1.0

    def deal(self, d, person, cust=None, amount=None, desc=None, scripted=False):
        p = P[person]
        if cust is None:
            cust = self.rng.choice(self.accounts[person])
        if amount is None:
            amount = int(self.rng.lognormvariate(0, 0.9) * 48000 * p["skill"] ** 0.8)
            amount = max(8000, min(2600000, amount // 100 * 100))
        eid = self.opp_id()
        rec = self.earn(d, person, "deal-won", amount=amount, eid=eid,
                        memo="%s %s" % (cust, desc or self.rng.choice(DEALS)))
        if amount >= 500000:
            self.earn(d, person, "big-deal", amount=amount, eid=eid + "-big",
                      memo="大单奖励：%s 合同额%d万元" % (cust, amount // 10000))
        if amount >= 100000 and self.rng.random() < 0.5:
            mates = [q for q in SELLERS if q != person and P[q]["team"] == p["team"] and self.m.on_roster(q, d)]
            helper = self.rng.choice(mates)
            self.earn(d, helper, "deal-assist", eid=eid + "-as",
                      memo="协助%s签约 %s" % (P[person]["name"], cust))
            self.assist_q[(helper, quarter_name(d))] += 1
        if self.rng.random() < 0.012 and not scripted:
            reason = self.rng.choice(["客户取消订单", "合同终止，预付款退回", "客户改签至下一财年，本单作废",
                                      "商机重复录入，以后一条为准"])
            self.plan_reverse(self.next_workday(d, self.rng.randint(6, 40)), eid, reason)
        if scripted:
            self.scripted_ids.add(eid)
        self.recent[person].append(eid)
        return rec, eid

    def day_activity(self, d, person):
        p, r = P[person], self.rng
        ramp = self.ramp(person, d)
        if r.random() < 0.115 * ramp * (0.7 + 0.3 * p["act"]):
            self.deal(d, person)
        if r.random() < 0.018 * p["act"] * ramp:
            cust = r.choice(self.accounts[person])
            amount = r.randint(10, 150) * 1000 + r.choice([0, 500])
            self.earn(d, person, "renewal", amount=amount, eid=self.nid("crm-ctr", 5, 30001),
                      memo="%s %s" % (cust, r.choice(RENEWALS)))
        if r.random() < 0.16 * p["act"]:
            cust = r.choice(self.accounts[person])
            self.earn(d, person, "retention-visit", eid=self.nid("crm-act", 6, 500001), memo="回访 " + cust)
        if r.random() < 0.017 * p["hunter"] * ramp:
            if self.prospects[person] and r.random() < 0.6:
                cust = self.prospects[person].pop(0)
            else:
                cust = self.names.company(p["team"])
            self.accounts[person].append(cust)
            eid = self.nid("crm-acc", 5, 20001)
            self.earn(d, person, "new-customer", eid=eid, memo="新签客户 " + cust)
            if r.random() < 0.02:
                self.plan_reverse(self.next_workday(d, r.randint(3, 12)), eid, "客户档案重复建档，与已有客户合并")
        if r.random() < 0.004:
            new = self.names.company(p["team"])
            self.prospects[person].append(new)
            self.earn(d, person, "referral", eid=self.nid("crm-lead", 5, 70001),
                      memo="%s 转介绍 %s" % (r.choice(self.accounts[person]), new))
        if r.random() < 0.004 * p["act"]:
            self.earn(d, person, "customer-praise", eid=self.nid("crm-fb", 4, 1),
                      memo="%s 来函表扬" % r.choice(self.accounts[person]))
        if d >= D(2026, 4, 1) and r.random() < 0.09 * p["hunter"]:
            new = self.names.company(p["team"])
            self.prospects[person].append(new)
            self.earn(d, person, "new-customer-visit", eid=self.nid("crm-act", 6, 500001), memo="首次拜访 " + new)
        if d < D(2026, 4, 1) and d.weekday() == 4:
            qty = max(1, int(r.gauss(6.5 * p["hunter"], 2.5)))
            week = d.isocalendar()[1]
            self.earn(d, person, "cold-call", qty=qty, eid=self.nid("crm-cc", 5, 1),
                      memo="第%d周陌拜电话 %d 通" % (week, qty))
            for _ in range(r.randint(0, 1)):
                self.prospects[person].append(self.names.company(p["team"]))
        if r.random() < 0.022 * p["learner"]:
            self.earn(d, person, "training", eid=self.nid("lms", 5, 10001), memo=r.choice(ONLINE))

    # -- redeeming ----------------------------------------------------------
    def affordable(self, d, person, avail, tiers=None):
        out = []
        for rid, (tier, _, stock, req) in REWARDS.items():
            if tiers and tier not in tiers:
                continue
            cost = cost_at(rid, d)
            if cost + MARGIN > avail:
                continue
            if stock is not None and self.m.stock_used[rid] + 1 > stock:
                continue
            if req is not None and min(self.lifetime_start[person], self.m.lifetime[person]) < TITLES[req]:
                continue
            out.append((cost, rid))
        return sorted(out)

    SAVER_WISHES = {2025: ["smart-watch", "days-off-3", "negotiation-course", "bluetooth-headset", "sales-trophy"],
                    2026: ["tablet", "travel-fund", "laptop", "exec-course", "sales-trophy", "days-off-3",
                           "smart-watch"]}
    REGULAR_WISHES = ["gift-card-500", "day-off", "parking-space", "team-dinner", "bluetooth-headset",
                      "lunch-with-director", "negotiation-course", "gift-card-200"]

    def pick_wish(self, d, person):
        pool = self.SAVER_WISHES[d.year] if P[person]["style"] == "saver" else self.REGULAR_WISHES
        ok = []
        for rid in pool:
            stock, req = REWARDS[rid][2], REWARDS[rid][3]
            if stock is not None and self.m.stock_used[rid] >= stock:
                continue
            if req is not None and self.m.lifetime[person] < TITLES[req]:
                continue
            ok.append(rid)
        return (self.rng.choice(ok), d.year) if ok else None

    def maybe_redeem(self, d, person):
        p, r = P[person], self.rng
        style = p["style"]
        yearend = (D(2025, 11, 17) <= d <= D(2025, 12, 30)) or (D(2026, 11, 9) <= d)
        leaving = p["left"] is not None and (p["left"] - d).days < 25
        chance = {"spender": 0.07, "regular": 0.04, "saver": 0.05}[style]
        if yearend and person not in FORGETFUL:
            chance = 0.22
        if leaving:
            chance = 0.5
        if r.random() >= chance:
            return
        avail = self.m.available(person, d)
        # Points expiring at the end of this year, which the person tries to use.
        expiring = sum(l.rem for l in self.m.live(person, d) if l.last == D(d.year, 12, 31))
        opts = self.affordable(d, person, avail)
        if not opts:
            return
        wish = self.wish.get(person)
        if wish is not None and (wish[1] != d.year or
                                 (REWARDS[wish[0]][2] is not None and
                                  self.m.stock_used[wish[0]] >= REWARDS[wish[0]][2])):
            wish = None
        if style == "saver" and wish is not None and wish[0] not in [o[1] for o in opts] and r.random() < 0.1:
            wish = None  # changed their mind (a new title may open a better reward)
        if (self.m.lifetime[person] >= TITLES["gold"] and person not in self.trophy and
                self.m.stock_used["sales-trophy"] < REWARDS["sales-trophy"][2]):
            wish = self.wish[person] = ("sales-trophy", d.year)  # every gold seller wants one
        if wish is None and style in ("saver", "regular"):
            wish = self.wish[person] = self.pick_wish(d, person)
        by_id = {rid: cost for cost, rid in opts}
        if wish is not None and wish[0] in by_id and not (yearend and style != "saver"):
            rid, cost = wish[0], by_id[wish[0]]
            self.wish[person] = None
            if rid == "sales-trophy":
                self.trophy.add(person)
        elif yearend or leaving:
            budget = expiring if (yearend and not leaving) else avail
            cands = [o for o in opts if o[0] <= budget] or opts[:1]
            cost, rid = cands[-1] if r.random() < 0.6 else r.choice(cands[-3:])
        elif style == "saver":
            return
        elif style == "regular":
            if r.random() < 0.6:
                return
            cands = [o for o in opts if 150 <= o[0] <= 600] or opts[:3]
            cost, rid = r.choice(cands)
        else:
            cands = [o for o in opts if 100 <= o[0] <= 1600] or opts[:3]
            cost, rid = r.choice(cands)
        qty = 1
        if cost <= 200 and REWARDS[rid][2] is None:
            qty = max(1, min(3, (avail - MARGIN) // cost, r.randint(1, 3)))
        eid = self.redeem(d, person, rid, qty=qty)
        if r.random() < 0.035:
            self.plan_reverse(self.next_workday(d, r.randint(2, 12)), eid,
                              r.choice(["供应商缺货，积分退回", "员工申请取消兑换", "礼品型号停产，改期兑换"]))

    # -- awards, deducts ----------------------------------------------------
    def approver(self, person):
        lead = TEAMS[P[person]["team"]]
        if lead == person or self.rng.random() < 0.6:
            return DIRECTOR
        return lead

    def monthly_stars(self, d):
        prev = (d.replace(day=1) - dt.timedelta(days=1))
        for team in ("east", "north", "south"):
            cands = [q for q in SELLERS if P[q]["team"] == team and P[q]["board"] and self.m.on_roster(q, d)]
            best = max(cands, key=lambda q: (self.month_pts[(q, prev.year, prev.month)], q))
            self.award(d, best, 100, DIRECTOR, "%d年%d月 %s月度之星" % (prev.year, prev.month, TEAM_NAMES[team]),
                       eid=self.nid("adj-%d" % d.year))

    def quarterly_teamwork(self, d):
        prev = (d.replace(day=1) - dt.timedelta(days=1))
        qn = quarter_name(prev)
        for team in ("east", "north", "south"):
            cands = [q for q in SELLERS if P[q]["team"] == team and self.m.on_roster(q, d)]
            best = max(cands, key=lambda q: (self.assist_q[(q, qn)], q))
            if self.assist_q[(best, qn)] == 0:
                continue
            self.award(d, best, 150, DIRECTOR, "%d年第%d季度 %s最佳协作奖（协助签单 %d 次）" % (
                prev.year, quarter_of(prev), TEAM_NAMES[team], self.assist_q[(best, qn)]),
                rule="deal-assist", eid=self.nid("adj-%d" % d.year))

    def random_adjustments(self, d):
        r = self.rng
        active = [q for q in SELLERS if self.m.on_roster(q, d)]
        if r.random() < 0.22:
            person = r.choice(active)
            reason, rule = r.choice(AWARD_REASONS)
            eid = self.nid("adj-%d" % d.year)
            self.award(d, person, r.choice([30, 50, 50, 80, 100, 150, 200]), self.approver(person), reason,
                       rule=rule, eid=eid)
            if r.random() < 0.04:
                self.plan_reverse(self.next_workday(d, r.randint(1, 6)), eid, "重复发放，撤销")
        if r.random() < 0.07:
            person = r.choice(active)
            reason, pts = r.choice(DEDUCT_REASONS)
            if self.m.available(person, d) >= pts + MARGIN:
                eid = self.nid("adj-%d" % d.year)
                self.deduct(d, person, pts, self.approver(person), reason, eid=eid)
                if r.random() < 0.18:
                    self.plan_reverse(self.next_workday(d, r.randint(5, 15)), eid, "申诉成立，撤销扣分")

    # -- department calendar ------------------------------------------------
    def training_day(self, d):
        r = self.rng
        thursdays = [x for x in all_days(d.replace(day=1), month_end(d.year, d.month)) if x.weekday() == 3]
        if d not in (thursdays[1], thursdays[3] if len(thursdays) > 3 else None) or not is_workday(d):
            return
        full = d == thursdays[1] and d.month % 3 == 1
        topic = r.choice(TRAININGS)
        active = [q for q in SELLERS if self.m.on_roster(q, d)]
        seniors = [q for q in active if P[q]["skill"] >= 1.2]
        lecturer = r.choice(seniors)
        session = self.nid("lms-s", 3)
        self.earn(d, lecturer, "internal-lecture", eid="%s-lec" % session, memo="主讲：" + topic)
        for q in active:
            if q == lecturer:
                continue
            if r.random() < min(0.95, 0.7 * P[q]["learner"]):
                self.earn(d, q, "training", qty=2 if full else None, eid="%s-%s" % (session, q),
                          memo=("全天培训：" if full else "培训：") + topic)

    def exam_day(self, d):
        r = self.rng
        for q in SELLERS:
            if self.m.on_roster(q, d) and self.certs[q] < 3 and r.random() < 0.13 * P[q]["learner"]:
                name = CERTS[self.certs[q] % len(CERTS)]
                self.certs[q] += 1
                self.earn(d, q, "certification", eid=self.nid("lms-cert", 3), memo="通过 " + name)

    def month_end_tasks(self, d):
        r = self.rng
        pairs = []
        if d.year == 2025 and d.month in (7, 8, 9):
            pairs.append(("gao-feng", "新人林晓雨 第%d个月带教" % (d.month - 6)))
        if d.year == 2026 and d.month in (3, 4, 5):
            pairs.append(("zheng-hui", "新人曹悦 第%d个月带教" % (d.month - 2)))
        if d.month in (7, 8):
            intern = {2025: ("li-na", "实习生 小吴"), 2026: ("liang-yu", "实习生 小周")}[d.year]
            pairs.append((intern[0], "带教%s（%d月）" % (intern[1], d.month)))
            pairs.append(("ma-li", "带教实习生 小陈（%d月）" % d.month))
        for q, memo in pairs:
            self.earn(d, q, "mentoring", eid=self.nid("hr-mnt", 3), memo=memo)
        active = [q for q in SELLERS if self.m.on_roster(q, d)]
        for q in r.sample(active, 2):
            self.earn(d, q, "case-share", eid=self.nid("km", 4), memo="月度案例分享会：" +
                      r.choice(["如何拿下首单", "老客户二次开发", "招投标复盘", "回款风险识别", "竞品替换实战"]))

    # -- scripted stories (the case pages tell them) ------------------------
    def scripted(self, d):
        if d == D(2025, 3, 12):
            self.accounts["zhang-wei"].append("苏州恒瑞精密机械")
            self.earn(d, "zhang-wei", "new-customer", eid=self.nid("crm-acc", 5, 20001),
                      memo="新签客户 苏州恒瑞精密机械（陌拜线索转化）")
        if d == D(2025, 5, 20):
            _, eid = self.deal(d, "zhang-wei", cust="苏州恒瑞精密机械", amount=1280000, desc="整线自动化改造项目",
                                 scripted=True)
            self.story["zhang-wei-deal"] = eid
        if d == D(2025, 8, 14):
            _, eid = self.deal(d, "song-tao", cust="佛山金盛陶瓷", amount=420000, desc="窑炉控制系统改造",
                                 scripted=True)
            self.story["song-tao-deal"] = eid
            self.pending[D(2025, 9, 22)].append((eid, "客户资金链断裂，合同解除，预付款未到账"))
        if D(2025, 9, 1) <= d <= D(2025, 9, 12) and d.weekday() in (0, 2, 4):
            eid = self.nid("crm-act", 6, 500001)
            self.earn(d, "hu-jun", "retention-visit", eid=eid, memo="回访 " + self.accounts["hu-jun"][d.day % 5])
            self.story.setdefault("hu-jun-visits", []).append(eid)
        if d == D(2025, 9, 25):
            for eid in self.story["hu-jun-visits"][:4]:
                self.reverse(d, eid, "稽核：回访记录与客户签到不符，撤销")
            self.deduct(d, "hu-jun", 200, "liu-yang", "虚报回访记录 4 次，按制度扣分", eid=self.nid("adj-2025"))
        if d == D(2025, 6, 16):
            self.earn(d, "lin-xiaoyu", "training", qty=2, eid=self.nid("lms", 5, 10001), memo="新员工入职培训")
        if d == D(2025, 8, 27):
            self.accounts["lin-xiaoyu"].append("天津远航物流")
            self.earn(d, "lin-xiaoyu", "new-customer", eid=self.nid("crm-acc", 5, 20001),
                      memo="新签客户 天津远航物流（首单客户）")
        if d == D(2025, 9, 10):
            _, eid = self.deal(d, "lin-xiaoyu", cust="天津远航物流", amount=186000, desc="仓储物流自动化",
                                 scripted=True)
        if d.year == 2025 and 2 <= d.month <= 11 and d == self.next_workday(D(2025, d.month, 9), 1):
            self.earn(d, "wang-fang", "retention-visit", eid=self.nid("crm-act", 6, 500001),
                      memo="回访 北京华信能源（月度例行）")
        if d == D(2025, 11, 18):
            self.deal(d, "wang-fang", cust="北京华信能源", amount=360000, desc="三年维保续约及系统升级", scripted=True)
            self.earn(d, "wang-fang", "customer-praise", eid=self.nid("crm-fb", 4, 1), memo="北京华信能源 来函表扬")
        if d == D(2026, 4, 15):
            # He reaches his 2026-Q2 target but leaves on 2026-04-30: no bonus.
            self.deal(d, "luo-bin", cust="青岛海纳食品", amount=186000, desc="包装线改造", scripted=True)
        if d == D(2025, 7, 15):
            self.audit_clawback(d, D(2025, 3, 1), D(2025, 5, 31))
        if d == D(2026, 8, 12):
            self.audit_clawback(d, D(2026, 1, 5), D(2026, 4, 30))
        if d == D(2026, 1, 8):
            # A December redemption the supplier could not deliver: the points go
            # back to their 2025 lots, which expired on 2026-01-01 and stay expired.
            for (rd, eid, person, rid) in sorted(self.redeems, key=lambda x: -REWARDS[x[3]][1][-1][1]):
                if D(2025, 12, 15) <= rd <= D(2025, 12, 31) and self.m.can_reverse(d, eid) and \
                        self.m.on_roster(person, d):
                    self.reverse(d, eid, "兑换未能交付，积分退回原批次（2025年积分已于12月31日到期，不再恢复）")
                    self.story["expired-return"] = (eid, person)
                    self.asserts[D(2026, 1, 9)].append(person)
                    break

    def audit_clawback(self, d, a, b):
        """Reverse an old, partly spent deal: its spent points are clawed back."""
        best = None
        for person in SELLERS:
            for eid in self.recent[person]:
                e = self.m.entries[eid]
                if not (a <= e["date"] <= b) or e["reversed"] or eid in self.scripted_ids:
                    continue
                spent = e["lot"].points - e["lot"].rem
                if spent >= 50 and self.m.can_reverse(d, eid):
                    if best is None or spent > best[0]:
                        best = (spent, eid, person)
        assert best, "no clawback candidate"
        spent, eid, person = best
        self.reverse(d, eid, "稽核：商机重复录入，撤销并追回已使用的 %d 分" % spent)
        self.story.setdefault("clawback", []).append((eid, person, spent))
        self.asserts[self.next_workday(d, 1)].append(person)

    # -- balance assertions ---------------------------------------------------
    def plan_asserts(self):
        r = random.Random(SEED + 2)
        y, m = 2025, 2
        while D(y, m, 1) <= END:
            d = first_workday_of_month(y, m)
            if d:
                cands = [q for q in SELLERS if self.m.on_roster(q, d)]
                self.asserts[d].extend(r.sample(cands, 2))
            m += 1
            if m == 13:
                y, m = y + 1, 1
        self.asserts[D(2026, 1, 1)].extend(["zhang-wei", "liu-fang", "wu-hao", DIRECTOR])
        self.asserts[D(2025, 4, 1)].extend(["zheng-hui"])
        self.asserts[D(2025, 10, 9)].extend(["song-tao", "hu-jun"])
        self.asserts[D(2026, 7, 1)].extend(["wang-fang", "cao-yue"])
        self.asserts[D(2026, 11, 27)].extend(["sun-peng", "xie-lihua"])
        self.asserts[D(2026, 11, 28)].extend(["zhang-wei", "li-na", "guo-xin", "tang-xue"])

    def write_asserts(self, d):
        seen = set()
        for person in self.asserts.get(d, []):
            if person in seen or not self.m.on_roster(person, d):
                continue
            seen.add(person)
            bal = self.m.available(person, d)
            self.w.line(d, "balance", pad(person, 12), str(bal), comment="余额核对（当日开始时）")

    # -- main loop ----------------------------------------------------------
    def run(self):
        self.plan_asserts()
        exams = {D(2025, 3, 20), D(2025, 6, 19), D(2025, 9, 18), D(2025, 12, 11),
                 D(2026, 3, 19), D(2026, 6, 18), D(2026, 9, 17)}
        for d in all_days(START, END):
            self.write_asserts(d)
            self.lifetime_start = dict(self.m.lifetime)
            for q in SELLERS:
                self.lifetime_start.setdefault(q, 0)
            if is_workday(d):
                if d == first_workday_of_month(d.year, d.month) and d > D(2025, 1, 31):
                    self.monthly_stars(d)
                    if d.month in (1, 4, 7, 10):
                        self.quarterly_teamwork(d)
                self.scripted(d)
                for q in SELLERS:
                    if self.m.on_roster(q, d):
                        self.day_activity(d, q)
                self.training_day(d)
                if d in exams:
                    self.exam_day(d)
                if d == last_workday_of_month(d.year, d.month):
                    self.month_end_tasks(d)
                self.random_adjustments(d)
                for q in SELLERS:
                    if self.m.on_roster(q, d):
                        leaving = P[q]["left"] is not None and (P[q]["left"] - d).days < 25
                        for _ in range(3 if leaving else 1):
                            self.maybe_redeem(d, q)
            for eid, memo in self.pending.pop(d, []):
                if self.m.can_reverse(d, eid):
                    self.reverse(d, eid, memo)
            self.m.settle_targets(d)
        return self

    def write(self):
        for qn, lines in sorted(self.w.files.items()):
            year = qn[:4]
            os.makedirs(os.path.join(OUT, year), exist_ok=True)
            q = int(qn[-1])
            first = D(int(year), q * 3 - 2, 1)
            last = min(month_end(int(year), q * 3), END)
            head = [
                "; 华东大区销售部 积分台账 %s（%d年第%d季度）" % (qn, int(year), q),
                "; 由 CRM 夜间任务 crm-points-export 自动导出，覆盖 %s 至 %s%s。" % (
                    first.isoformat(), last.isoformat(), "（本季度进行中，每晚追加）" if last < month_end(int(year), q * 3) else ""),
                "; earn 行来自 CRM/LMS；award、deduct、reverse 由销售运营按审批单录入，by: 为审批人。",
                "; 请勿手工修改已导出的行：更正一律使用 reverse。balance 行为月初余额核对。",
                "",
            ]
            with open(os.path.join(OUT, year, qn + ".ledger"), "w", encoding="utf-8") as f:
                f.write("\n".join(head + lines) + "\n")


# Literal copy of targets.yaml (quarterly-target).
TARGETS["quarterly-target"] = {
    "2025-Q1": {
        "wang-qiang": 580000, "zhang-wei": 720000, "li-na": 690000, "liu-fang": 420000,
        "yang-jie": 540000, "huang-lei": 380000, "zhou-ting": 490000, "wu-hao": 360000,
        "xu-jing": 450000, "sun-peng": 680000, "liu-yang": 490000, "wang-fang": 630000,
        "zhao-lei": 520000, "ma-li": 540000, "hu-jun": 390000, "guo-xin": 600000,
        "he-yan": 560000, "gao-feng": 710000, "luo-bin": 500000, "zhao-min": 590000,
        "zheng-hui": 900000, "liang-yu": 450000, "xie-lihua": 650000, "song-tao": 450000,
        "tang-xue": 470000, "han-dong": 350000, "feng-qian": 580000, "deng-chao": 490000,
    },
    "2025-Q2": {
        "wang-qiang": 550000, "zhang-wei": 840000, "li-na": 690000, "liu-fang": 470000,
        "yang-jie": 540000, "huang-lei": 340000, "zhou-ting": 490000, "wu-hao": 320000,
        "xu-jing": 570000, "sun-peng": 680000, "liu-yang": 540000, "wang-fang": 760000,
        "zhao-lei": 520000, "ma-li": 460000, "hu-jun": 490000, "guo-xin": 700000,
        "he-yan": 490000, "gao-feng": 630000, "luo-bin": 490000, "zhao-min": 700000,
        "zheng-hui": 840000, "liang-yu": 490000, "xie-lihua": 670000, "song-tao": 430000,
        "tang-xue": 520000, "han-dong": 440000, "feng-qian": 540000, "deng-chao": 440000,
    },
    "2025-Q3": {
        "wang-qiang": 520000, "zhang-wei": 860000, "li-na": 720000, "liu-fang": 500000,
        "yang-jie": 600000, "huang-lei": 380000, "zhou-ting": 610000, "wu-hao": 370000,
        "xu-jing": 550000, "sun-peng": 690000, "liu-yang": 640000, "wang-fang": 850000,
        "zhao-lei": 530000, "ma-li": 520000, "hu-jun": 380000, "guo-xin": 700000,
        "he-yan": 560000, "gao-feng": 720000, "lin-xiaoyu": 300000, "luo-bin": 450000,
        "zhao-min": 590000, "zheng-hui": 820000, "liang-yu": 450000, "xie-lihua": 570000,
        "song-tao": 430000, "tang-xue": 460000, "han-dong": 340000, "feng-qian": 670000,
        "deng-chao": 390000,
    },
    "2025-Q4": {
        "wang-qiang": 560000, "zhang-wei": 780000, "li-na": 740000, "liu-fang": 420000,
        "yang-jie": 520000, "huang-lei": 410000, "zhou-ting": 650000, "wu-hao": 390000,
        "xu-jing": 600000, "sun-peng": 640000, "liu-yang": 560000, "wang-fang": 700000,
        "zhao-lei": 600000, "ma-li": 570000, "hu-jun": 390000, "guo-xin": 580000,
        "he-yan": 480000, "gao-feng": 560000, "lin-xiaoyu": 300000, "luo-bin": 500000,
        "zhao-min": 570000, "zheng-hui": 640000, "liang-yu": 520000, "xie-lihua": 550000,
        "song-tao": 500000, "tang-xue": 620000, "han-dong": 430000, "feng-qian": 620000,
        "deng-chao": 460000,
    },
    "2026-Q1": {
        "wang-qiang": 650000, "zhang-wei": 690000, "li-na": 750000, "liu-fang": 540000,
        "yang-jie": 600000, "huang-lei": 440000, "zhou-ting": 550000, "wu-hao": 340000,
        "xu-jing": 460000, "sun-peng": 730000, "liu-yang": 490000, "wang-fang": 630000,
        "zhao-lei": 480000, "ma-li": 430000, "hu-jun": 420000, "guo-xin": 560000,
        "he-yan": 440000, "gao-feng": 540000, "lin-xiaoyu": 420000, "luo-bin": 470000,
        "zhao-min": 520000, "zheng-hui": 880000, "liang-yu": 550000, "xie-lihua": 510000,
        "song-tao": 450000, "tang-xue": 510000, "han-dong": 380000, "feng-qian": 540000,
        "deng-chao": 500000,
    },
    "2026-Q2": {
        "wang-qiang": 720000, "zhang-wei": 810000, "li-na": 650000, "liu-fang": 420000,
        "yang-jie": 460000, "huang-lei": 380000, "zhou-ting": 530000, "wu-hao": 390000,
        "xu-jing": 470000, "sun-peng": 580000, "liu-yang": 660000, "wang-fang": 740000,
        "zhao-lei": 470000, "ma-li": 500000, "hu-jun": 370000, "guo-xin": 660000,
        "he-yan": 620000, "gao-feng": 690000, "lin-xiaoyu": 520000, "luo-bin": 150000,
        "zhao-min": 590000, "zheng-hui": 690000, "liang-yu": 580000, "xie-lihua": 580000,
        "song-tao": 540000, "tang-xue": 500000, "han-dong": 360000, "feng-qian": 680000,
        "deng-chao": 520000, "cao-yue": 500000,
    },
    "2026-Q3": {
        "wang-qiang": 680000, "zhang-wei": 900000, "li-na": 710000, "liu-fang": 440000,
        "yang-jie": 540000, "huang-lei": 380000, "zhou-ting": 480000, "wu-hao": 300000,
        "xu-jing": 490000, "sun-peng": 640000, "liu-yang": 610000, "wang-fang": 850000,
        "zhao-lei": 520000, "ma-li": 560000, "hu-jun": 520000, "guo-xin": 760000,
        "he-yan": 510000, "gao-feng": 560000, "lin-xiaoyu": 440000, "zhao-min": 550000,
        "zheng-hui": 700000, "liang-yu": 560000, "xie-lihua": 650000, "song-tao": 550000,
        "tang-xue": 530000, "han-dong": 420000, "feng-qian": 680000, "deng-chao": 380000,
        "cao-yue": 470000,
    },
    "2026-Q4": {
        "wang-qiang": 700000, "zhang-wei": 890000, "li-na": 710000, "liu-fang": 490000,
        "yang-jie": 470000, "huang-lei": 440000, "zhou-ting": 540000, "wu-hao": 390000,
        "xu-jing": 620000, "sun-peng": 670000, "liu-yang": 560000, "wang-fang": 850000,
        "zhao-lei": 570000, "ma-li": 430000, "hu-jun": 390000, "guo-xin": 580000,
        "he-yan": 610000, "gao-feng": 680000, "lin-xiaoyu": 430000, "zhao-min": 690000,
        "zheng-hui": 900000, "liang-yu": 560000, "xie-lihua": 550000, "song-tao": 500000,
        "tang-xue": 470000, "han-dong": 330000, "feng-qian": 720000, "deng-chao": 470000,
        "cao-yue": 450000,
    },
}

if __name__ == "__main__":
    g = Generator().run()
    g.write()
    total = sum(len(v) for v in g.w.files.values())
    print("entries:", total, dict(sorted(g.w.verbs.items())))
    print("capped earns:", g.m.capped, " clawbacks:", g.m.claws, " target bonuses:", len(g.m.bonuses))
    print("story:", g.story)
