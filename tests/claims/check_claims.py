#!/usr/bin/env python3
"""Every sentence a template prints is a claim, and this test checks it.

For each shipped template x each scenario of scenarios.py x the company and one
team (the rollup: the company) x each period kind the template takes, it renders
the HTML report, reads the text of every paragraph and list item, splits it
into sentences, and checks every claim it recognises against `fupan metrics`
for the same query: the sign AND the size of every comparison, as printed.
A sentence with a comparative word that no checker recognised fails
("unchecked claim"), so a new sentence in a template cannot escape the test.
KPI cards and table cells are checked against the same figures, a subject the
data has no table for must not be mentioned, and an unknown (null) figure must
never be printed as a number.

    python3 tests/claims/check_claims.py [--fupan PATH] [--only SCENARIO] [--keep DIR] [-v]

One line per failure, then `claims: N reports, M sentences checked, K failures`;
exit status 1 on any failure. Python 3 standard library only. See README.md.
"""

import argparse
import concurrent.futures
import json
import os
import datetime
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import htmltext    # noqa: E402
import scenarios   # noqa: E402

KINDS = ["weekly", "review", "retrospective", "self-review", "rollup"]
# every shipped kind in both languages: "review" is Chinese, "review:en" the same template with --lang en
TEMPLATES = [k + lang for k in KINDS for lang in ("", ":en")]
COMPANY_ONLY = {"rollup"}      # the roll-up is meant for the company


def split_template(t):
    """'review:en' -> ('review', 'en'); 'weekly' -> ('weekly', 'zh')."""
    name, _, lang = t.partition(":")
    return name, lang or "zh"

# ---------------------------------------------------------------------------------------------
# Printed numbers, parsed back

MONEY_ZH = r"-?\d[\d,]*(?:\.\d+)?(?:亿元|万元|元)"
MONEY_EN = r"[-−]?¥\d[\d,]*(?:\.\d+)?[KMB]?"
MONEY = "(?:%s|%s)" % (MONEY_ZH, MONEY_EN)
PCT = r"-?\d[\d,]*(?:\.\d+)?%"
SIGNED = r"(?:[+-]\d[\d,]*(?:\.\d+)?%|—)"
PTS = r"\d[\d,]*(?:\.\d+)?(?:个百分点| pp)"
INT = r"\d[\d,]*"
NUM = r"\d[\d,]*(?:\.\d+)?"
DATE_ZH = r"\d{4}年\d{1,2}月\d{1,2}日"
DATE_EN = r"\d{1,2} [A-Z][a-z]{2} \d{4}"
LABEL_ZH = r"\d{4}年(?:\d{1,2}月|第\d{1,2}季度|第\d{1,2}周)?"
# period.label_en: week 51 of 2025 / December 2025 / Q4 2025 / 2025
LABEL_EN = (r"(?:week \d{1,2} of \d{4}|Q\d \d{4}|(?:January|February|March|April|May|June|July|August|September|October"
            r"|November|December) \d{4}|\d{4})")
PREV_ZH = r"上周|上月|上季度|上年|" + LABEL_ZH
PREV_EN = r"(?:the same days of )?last (?:week|month|quarter|year)"
KIND_EN = r"(?:week|month|quarter|year)"
EPS = 2e-6


def _decimals(num):
    return len(num.split(".")[1]) if "." in num else 0


def parse_money(s):
    """'1,234.50元' / '24.84万元' / '1.23亿元' / '¥1.23K' / '-¥256.33K' -> (yuan, half a unit of the last digit)."""
    s = s.strip()
    neg = s[:1] in ("-", "−")
    s = s.lstrip("-−")
    if s.startswith("¥"):
        s = s[1:]
        unit = {"K": 1e3, "M": 1e6, "B": 1e9}.get(s[-1:], 1)
        if unit != 1:
            s = s[:-1]
    else:
        for suffix, unit in (("亿元", 1e8), ("万元", 1e4), ("元", 1)):
            if s.endswith(suffix):
                s = s[:-len(suffix)]
                break
    num = s.replace(",", "")
    v = float(num) * unit
    return (-v if neg else v), 0.5 * 10 ** -_decimals(num) * unit


def parse_pct(s):
    """'12.3%' / '+5.0%' / '4.5个百分点' / '4.5 pp' -> (fraction, half a unit of the last digit)."""
    num = re.sub(r"(个百分点| pp|%)$", "", s.strip()).replace(",", "")
    return float(num) / 100, 0.5 * 10 ** -_decimals(num.lstrip("+-")) / 100


def parse_num(s):
    num = s.strip().replace(",", "")
    return float(num), 0.5 * 10 ** -_decimals(num.lstrip("+-"))


def fmt_money(v):
    return "null" if v is None else "%s元" % format(round(v, 2), ",.2f")


def fmt_frac(v):
    return "null" if v is None else "%.4f%%" % (v * 100)


def fmt_num(v):
    return "null" if v is None else ("%d" % v if float(v).is_integer() else "%.4f" % v)


def get(m, path):
    for part in path.split("."):
        if m is None:
            return None
        m = m.get(part)
    return m


class Ctx:
    """One report: its metrics, the period, and the helpers the checkers use."""

    def __init__(self, m, lang, template, scenario, scope, period):
        self.m, self.lang, self.template, self.scenario = m, lang, template, scenario
        self.scope, self.period = scope, period
        self.kind = m["period"]["kind"]
        self.complete = m["period"]["complete"]
        self.reps = {r["name"]: r for r in m["reps"]}
        self.teams = {t["name"]: t for t in m["teams"]}

    # each returns a list of problems (empty: the claim holds)
    def money(self, printed, expected, what):
        if printed is None:
            return []
        if printed.strip() == "—":
            return [] if expected is None else ["%s printed as — but is %s" % (what, fmt_money(expected))]
        if expected is None:
            return ["%s printed as %s, but the figure is unknown (null)" % (what, printed)]
        v, tol = parse_money(printed)
        if abs(v - expected) > tol + 1e-7 * max(1.0, abs(expected)):
            return ["%s printed as %s, expected %s" % (what, printed, fmt_money(expected))]
        return []

    def frac(self, printed, expected, what, absolute=False):
        if printed is None:
            return []
        if printed.strip() == "—":
            return [] if expected is None else ["%s printed as — but is %s" % (what, fmt_frac(expected))]
        if expected is None:
            return ["%s printed as %s, but the figure is unknown (null)" % (what, printed)]
        v, tol = parse_pct(printed)
        e = abs(expected) if absolute else expected
        if abs(v - e) > tol + EPS:
            return ["%s printed as %s, expected %s" % (what, printed, fmt_frac(e))]
        return []

    def num(self, printed, expected, what, absolute=False):
        if printed is None:
            return []
        if printed.strip() == "—":
            return [] if expected is None else ["%s printed as — but is %s" % (what, fmt_num(expected))]
        if expected is None:
            return ["%s printed as %s, but the figure is unknown (null)" % (what, printed)]
        v, tol = parse_num(printed)
        e = abs(expected) if absolute else expected
        if abs(v - e) > tol + EPS:
            return ["%s printed as %s, expected %s" % (what, printed, fmt_num(e))]
        return []

    def cond(self, ok, problem):
        return [] if ok else [problem]

    def date(self, printed, iso, what):
        """A date as printed (2025年12月1日 / 1 Dec 2025) against an ISO date of the metrics."""
        if printed is None:
            return []
        if iso is None:
            return ["%s printed as %s, but the metrics have none" % (what, printed)]
        y, mth, d = (int(x) for x in iso.split("-"))
        want = ("%d年%d月%d日" % (y, mth, d) if self.lang == "zh" else
                "%d %s %d" % (d, "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()[mth - 1], y))
        return self.cond(printed == want, "%s printed as %s, is %s" % (what, printed, want))

    def label(self, printed, what="the period"):
        """The period's own label (2025年12月 / December 2025)."""
        if printed is None:
            return []
        key = "label_zh" if self.lang == "zh" else "label_en"
        return self.cond(printed == self.m["period"][key], "names %s %s, is %s" % (what, printed, self.m["period"][key]))

    def through(self, printed):
        """数据截至 / 截至 / by DATE: printed exactly when the period is in progress, and then the last day counted."""
        p = self.cond(bool(printed) == (not self.complete), "the date counted to is %s, but period.complete is %s" % (
            "printed" if printed else "missing", self.complete))
        return p + self.date(printed, self.m["period"]["through"], "the last day counted")

    def kind_word(self, word, what="the period"):
        """本周/本月/本季度/本年, 上周/上月/上季度/上年 must name the period's kind."""
        kinds = {"周": "week", "月": "month", "季度": "quarter", "年": "year"}
        k = kinds.get(word.lstrip("本上全"))
        if k is None or k == self.kind:
            return []
        return ["says %s but %s is a %s" % (word, what, self.kind)]

    def kind_en(self, word, what="the period"):
        """this month / the month's / month (English) must name the period's kind."""
        k = re.search(r"\b(week|month|quarter|year)\b", word)
        if k is None or k.group(1) == self.kind:
            return []
        return ["says %r but %s is a %s" % (word, what, self.kind)]

    def prev_en(self, ref):
        """last month / the same days of last month: the kind of the previous period (the same days: the global rule)."""
        return self.kind_en(ref, "the period")

    def prev_ref(self, ref):
        if ref in ("上周", "上月", "上季度", "上年"):
            return self.kind_word(ref, "the period")
        label = get(self.m, "prev_period.label_zh")
        if ref != label:
            return ["compares with %s but the previous period is %s" % (ref, label)]
        return []

    def change(self, direction, printed, value, what, up=("增长", "rose", "提高", "增加", "up", "higher", "increase"),
               down=("下降", "fell", "减少", "down", "lower", "drop"), flat=("基本持平", "持平", "were flat", "level"),
               flat_below=0.0005,
               kind="frac"):
        """A change stated by its words (增长 / 下降 / 持平) and its size without a sign."""
        if value is None:
            return ["states %s %s%s, but %s is unknown (null)" % (what, direction, " " + printed if printed else "",
                                                                   what)]
        if direction in flat:
            return self.cond(abs(value) < flat_below, "says %s is %s, but it is %s" % (
                what, direction, fmt_frac(value) if kind == "frac" else fmt_num(value)))
        probs = []
        if direction in up and not value > 0:
            probs.append("says %s %s, but it is %s" % (what, direction,
                                                       fmt_frac(value) if kind == "frac" else fmt_num(value)))
        if direction in down and not value < 0:
            probs.append("says %s %s, but it is %s" % (what, direction,
                                                       fmt_frac(value) if kind == "frac" else fmt_num(value)))
        if kind == "frac":
            probs += self.frac(printed, value, what, absolute=True)
        elif kind == "money":
            probs += self.money(printed, abs(value), what)
        else:
            probs += self.num(printed, value, what, absolute=True)
        return probs

    def signed(self, printed, value, what):
        """'+5.0%' / '-3.0%' / '—'."""
        if printed == "—":
            return self.cond(value is None, "%s printed as — but is %s" % (what, fmt_frac(value)))
        return self.frac(printed, value, what)

    def rep(self, name):
        return self.reps.get(name)

    def team(self, name):
        return self.teams.get(name)


# ---------------------------------------------------------------------------------------------
# The claim checkers: (name, regex, check). A checker's regex recognises one kind of claim; its
# check returns the problems (none when the claim holds). Checkers run in this order on each
# sentence, and a match that overlaps an earlier checker's match is skipped.

CHECKERS = []


def claim(name, pattern):
    pat = pattern
    for key, val in (("{MONEY}", MONEY), ("{PCT}", PCT), ("{SIGNED}", SIGNED), ("{PTS}", PTS),
                     ("{INT}", INT), ("{NUM}", NUM), ("{DATE_ZH}", DATE_ZH), ("{DATE_EN}", DATE_EN),
                     ("{LABEL_ZH}", LABEL_ZH), ("{LABEL_EN}", LABEL_EN), ("{PREV_ZH}", PREV_ZH), ("{PREV_EN}", PREV_EN),
                     ("{KIND_EN}", KIND_EN)):
        pat = pat.replace(key, val)
    # a space in a pattern may be missing in the text: the Chinese templates type none between Chinese and a
    # figure (the typesetter sets the gap), the English ones type them
    rx = re.compile(pat.replace(" ", " ?"))

    def deco(fn):
        CHECKERS.append((name, rx, fn))
        return fn
    return deco


def split_outside(s, sep):
    """s split at sep, except inside brackets: 'A (x, y), B (z)' -> ['A (x, y)', 'B (z)']."""
    parts, depth, cur, i = [], 0, "", 0
    while i < len(s):
        ch = s[i]
        if depth == 0 and s.startswith(sep, i):
            parts.append(cur)
            cur = ""
            i += len(sep)
            continue
        depth += 1 if ch in "(（" else -1 if ch in ")）" else 0
        cur += ch
        i += 1
    return parts + [cur]


def split_names(s, sep):
    """'A（x）、B（y）' -> [('A', ['x']), ('B', ['y'])]; 'A (team, x), B (team, y)' with sep ', ' likewise."""
    out = []
    for item in [x.strip() for x in split_outside(s, sep) if x.strip()]:
        mo = re.match(r"^(.+?)\s*[（(](.*)[）)]$", item)
        if mo:
            out.append((mo.group(1).strip(), [x.strip() for x in re.split(r"[，,]\s*", mo.group(2))]))
        else:
            out.append((item, []))
    return out


def check_name_list(c, listed, expected_names, what, pct_of=None, team_of=False):
    """Exactly the reps (or teams) the condition selects; printed percentages and teams per name."""
    probs = []
    names = [n for n, _ in listed]
    exp = set(expected_names)
    if set(names) != exp or len(names) != len(set(names)):
        missing = sorted(exp - set(names))
        extra = sorted(set(names) - exp)
        probs.append("%s lists %s; expected exactly %s%s%s" % (
            what, "、".join(names), "、".join(sorted(exp)) or "(none)",
            "; missing " + "、".join(missing) if missing else "",
            "; not selected " + "、".join(extra) if extra else ""))
    for n, extras in listed:
        row = c.rep(n) if not team_of == "team" else c.team(n)
        if row is None:
            continue
        for x in extras:
            if x.endswith("%") and pct_of:
                probs += c.frac(x, row.get(pct_of), "%s of %s" % (pct_of, n))
            elif team_of and not x.endswith("%"):
                probs += c.cond(x == row.get("team"), "%s's team printed as %s, is %s" % (n, x, row.get("team")))
    return probs


def reps_where(c, pred):
    return [r["name"] for r in c.m["reps"] if pred(r)]


def att(r):
    return r.get("attainment")


# ---- satisfaction first: its 持平 / 下降 must not be read as a change of sales

@claim("satisfaction", r"满意度平均 (?P<avg>\d+\.\d+) 分（(?P<n>{INT}) 份回复）(?:，较(?P<ref>{PREV_ZH})(?:同期)?"
                       r"(?:(?P<dir>提高|下降) (?P<chg>\d+\.\d+) 分|(?P<flat>持平)))?")
def _(g, c):
    s = c.m["satisfaction"]
    p = c.num(g["avg"], s["average"], "satisfaction.average") + c.num(g["n"], s["responses"], "satisfaction.responses")
    if g["ref"]:
        p += c.prev_ref(g["ref"])
        p += c.change(g["dir"] or g["flat"], g["chg"], s["change"], "satisfaction.change", kind="num",
                      flat_below=0.005)
    return p


@claim("satisfaction-risk", r"客户满意度 (?P<avg>\d+\.\d+) 分，较(?P<ref>{PREV_ZH})(?:同期)?(?P<dir>下降|提高) (?P<chg>\d+\.\d+) 分")
def _(g, c):
    s = c.m["satisfaction"]
    return (c.num(g["avg"], s["average"], "satisfaction.average") + c.prev_ref(g["ref"])
            + c.change(g["dir"], g["chg"], s["change"], "satisfaction.change", kind="num"))


@claim("satisfaction-diagnosis", r"客户满意度(?P<dir>下降|提高) (?P<chg>\d+\.\d+) 分")
def _(g, c):
    return c.change(g["dir"], g["chg"], c.m["satisfaction"]["change"], "satisfaction.change", kind="num")


@claim("satisfaction-brief", r"客户满意度 (?P<avg>\d+\.\d+) 分（(?P<n>{INT}) 份回访）")
def _(g, c):
    s = c.m["satisfaction"]
    return c.num(g["avg"], s["average"], "satisfaction.average") + c.num(g["n"], s["responses"], "satisfaction.responses")


@claim("satisfaction-week", r"本周回访 (?P<n>{INT}) 份，平均 (?P<avg>\d+\.\d+) 分(?:，其中 (?P<low>{INT}) 份低分)?")
def _(g, c):
    s = c.m["satisfaction"]
    return (c.num(g["avg"], s["average"], "satisfaction.average") + c.num(g["n"], s["responses"], "satisfaction.responses")
            + c.num(g["low"], s["low_scores"], "satisfaction.low_scores"))


@claim("low-scores", r"有 (?P<n>{INT}) 份低分（2 分及以下），需要逐一回访")
def _(g, c):
    return c.num(g["n"], c.m["satisfaction"]["low_scores"], "satisfaction.low_scores")


@claim("comments", r"客户提到最多的是：(?P<list>.+)$")
def _(g, c):
    items = re.findall(r"「(.*?)」（(\d+) ?次）", g["list"])
    comments = c.m["satisfaction"]["comments"]
    exp = [(x["name"], x["count"]) for x in comments[:3]]
    got = [(n, int(k)) for n, k in items]
    return c.cond(got == exp, "comments listed as %s, expected the three most frequent %s" % (got, exp))


@claim("satisfaction-en", r"Satisfaction averaged (?P<avg>\d+\.\d+) in (?P<n>{INT}) surveys?(?:, (?:(?P<dir>up|down) "
                          r"(?P<chg>\d+\.\d+) points|(?P<flat>level)) on (?P<ref>{PREV_EN}))?")
def _(g, c):
    s = c.m["satisfaction"]
    p = c.num(g["avg"], s["average"], "satisfaction.average") + c.num(g["n"], s["responses"], "satisfaction.responses")
    if g["ref"]:
        p += c.prev_en(g["ref"])
        p += c.change(g["dir"] or g["flat"], g["chg"], s["change"], "satisfaction.change", kind="num",
                      flat_below=0.005)
    return p


@claim("satisfaction-risk-en", r"Customer satisfaction is (?P<avg>\d+\.\d+), (?P<dir>down|up) (?P<chg>\d+\.\d+) points on "
                               r"(?P<ref>{PREV_EN})")
def _(g, c):
    s = c.m["satisfaction"]
    return (c.num(g["avg"], s["average"], "satisfaction.average") + c.prev_en(g["ref"])
            + c.change(g["dir"], g["chg"], s["change"], "satisfaction.change", kind="num"))


@claim("low-scores-en", r"(?P<n>{INT}) low scores? \(2 or below\): follow up with each customer")
def _(g, c):
    return c.num(g["n"], c.m["satisfaction"]["low_scores"], "satisfaction.low_scores")


@claim("comments-en", r"Most mentioned: (?P<list>.+)$")
def _(g, c):
    items = re.findall(r"“(.*?)” \((\d+)\)", g["list"])
    comments = c.m["satisfaction"]["comments"]
    exp = [(x["name"], x["count"]) for x in comments[:3]]
    got = [(n, int(k)) for n, k in items]
    return c.cond(got == exp, "comments listed as %s, expected the three most frequent %s" % (got, exp))


# ---- the period's sales, orders, aov (the opening sentences)

@claim("overview", r"(?:(?P<label>{LABEL_ZH})|(?P<a>{DATE_ZH})至(?P<b>{DATE_ZH}))，(?P<scope>[^，]+?)实现销售额(?P<s>{MONEY})，"
                   r"成交订单 (?P<o>{INT}) 笔，客单价 (?P<aov>{MONEY}|—)")
def _(g, c):
    p = c.money(g["s"], c.m["sales"], "sales") + c.num(g["o"], c.m["orders"], "orders") + c.money(g["aov"], c.m["aov"], "aov")
    p += c.label(g["label"]) + c.date(g["a"], c.m["period"]["start"], "the first day")
    p += c.through(g["b"]) if not g["label"] else c.through(None)
    return p


@claim("overview-week", r"本周（(?P<a>{DATE_ZH})至(?P<b>{DATE_ZH})，(?P<wd>{INT}) 个工作日(?:，数据截至(?P<thr>{DATE_ZH}))?）"
                        r"(?P<scope>.+?)成交 (?P<o>{INT}) 笔，销售额(?P<s>{MONEY})，客单价 (?P<aov>{MONEY}|—)")
def _(g, c):
    p = (c.money(g["s"], c.m["sales"], "sales") + c.num(g["o"], c.m["orders"], "orders")
         + c.money(g["aov"], c.m["aov"], "aov") + c.num(g["wd"], c.m["period"]["working_days"], "working days"))
    p += c.through(g["thr"]) + c.date(g["a"], c.m["period"]["start"], "the first day")
    p += c.date(g["b"], c.m["period"]["end"], "the last day")
    return p


@claim("overview-self", r"(?P<label>{LABEL_ZH})(?:（截至(?P<thr>{DATE_ZH})）)?，(?P<scope>[^，]+?)完成销售额(?P<s>{MONEY})、订单 (?P<o>{INT}) 笔")
def _(g, c):
    return (c.money(g["s"], c.m["sales"], "sales") + c.num(g["o"], c.m["orders"], "orders") + c.label(g["label"])
            + c.through(g["thr"]))


@claim("overview-rollup", r"(?P<label>{LABEL_ZH})(?:（截至(?P<thr>{DATE_ZH})）)?(?P<scope>[^，（]+?)销售额(?P<s>{MONEY})")
def _(g, c):
    return c.money(g["s"], c.m["sales"], "sales") + c.label(g["label"]) + c.through(g["thr"])


@claim("overview-en", r"(?:In (?P<label>{LABEL_EN})|From (?P<a>{DATE_EN}) to (?P<b>{DATE_EN})), (?P<scope>.+?) sold (?P<s>{MONEY}) "
                      r"in (?P<o>{INT}) orders \(average (?P<aov>{MONEY}|—)\)")
def _(g, c):
    p = c.money(g["s"], c.m["sales"], "sales") + c.num(g["o"], c.m["orders"], "orders") + c.money(g["aov"], c.m["aov"], "aov")
    p += c.label(g["label"]) + c.date(g["a"], c.m["period"]["start"], "the first day")
    p += c.through(g["b"]) if not g["label"] else c.through(None)
    return p


# ---- team lines of the roll-up (before the scope's own changes)

@claim("team-attention", r"^(?P<name>[^：]+)：(?:达成率 (?P<att>{PCT})，差 (?P<gap>{MONEY})|目标进度 (?P<att2>{PCT})，落后于时间进度 (?P<tp>{PCT}))"
                         r"(?:，(?:环比|较(?P<ref>{PREV_ZH})(?:同期)?) (?P<mom>{SIGNED}))?")
def _(g, c):
    return _team_attention(g, c)


def _team_attention(g, c):
    """A team of the roll-up below 90% of the bar: its attainment, its shortfall or the calendar, its change."""
    t = c.team(g["name"])
    if t is None:
        return None
    p = []
    if g["ref"]:
        p += c.prev_ref(g["ref"]) if c.lang == "zh" else c.prev_en(g["ref"])
    a = t.get("attainment")
    if g["att"]:
        p += c.frac(g["att"], a, "%s attainment" % g["name"])
        gap = None if t.get("target") is None else t["target"] - t["sales"]
        p += c.money(g["gap"], gap, "%s shortfall (target - sales)" % g["name"])
        p += c.cond(gap is not None and gap > 0, "says %s is short (差) of its target, but target - sales = %s" % (
            g["name"], fmt_money(gap)))
        p += c.cond(c.complete, "says 达成率 for a period in progress")
    else:
        p += c.frac(g["att2"], a, "%s attainment" % g["name"]) + c.frac(g["tp"], c.m["time_progress"], "time_progress")
        p += c.cond(a is not None and a < c.m["time_progress"], "says %s is behind the calendar, but attainment %s >= "
                    "time progress %s" % (g["name"], fmt_frac(a), fmt_frac(c.m["time_progress"])))
    if g["mom"]:
        p += c.signed(g["mom"], t.get("mom"), "%s mom" % g["name"])
    return p


@claim("team-fell", r"^(?P<name>[^：]+)：销售额较(?P<ref>{PREV_ZH})(?:同期)?(?P<dir>下降|增长) (?P<pct>{PCT})")
def _(g, c):
    t = c.team(g["name"])
    if t is None:
        return None
    return c.prev_ref(g["ref"]) + c.change(g["dir"], g["pct"], t.get("mom"), "%s mom" % g["name"])


@claim("team-attention-en", r"^(?P<name>[^:]+): (?:attainment (?P<att>{PCT}), (?P<gap>{MONEY}) (?P<w>short|to go)|progress to "
                            r"target (?P<att2>{PCT}), behind the time elapsed \((?P<tp>{PCT})\))(?:, (?P<mom>{SIGNED}) against "
                            r"(?P<ref>{PREV_EN}))?")
def _(g, c):
    p = _team_attention(g, c)
    if p is not None and g["w"]:     # attainment is said of a complete period: what it lacks is short, not to go
        p += c.cond(g["w"] == "short", "says %s's shortfall is still '%s'" % (g["name"], g["w"]))
    return p


@claim("team-fell-en", r"^(?P<name>[^:]+): sales (?P<dir>fell|rose) (?P<pct>{PCT}) against (?P<ref>{PREV_EN})")
def _(g, c):
    t = c.team(g["name"])
    if t is None:
        return None
    return c.prev_en(g["ref"]) + c.change(g["dir"], g["pct"], t.get("mom"), "%s mom" % g["name"])


# ---- the scope's change of sales: mom, yoy

@claim("mom", r"与(?P<ref>{PREV_ZH})(?:同期)?相比，销售额(?:(?P<dir>增长|下降) ?(?P<pct>{PCT})|(?P<flat>基本持平|持平))")
def _(g, c):
    return c.prev_ref(g["ref"]) + c.change(g["dir"] or g["flat"], g["pct"], c.m["mom"], "mom")


@claim("yoy", r"与去年同期相比(?:，销售额)?(?:(?P<dir>增长|下降) ?(?P<pct>{PCT})|(?P<flat>基本持平|持平))")
def _(g, c):
    return c.change(g["dir"] or g["flat"], g["pct"], c.m["yoy"], "yoy")


@claim("mom-short", r"较(?P<ref>{PREV_ZH})(?:同期)?(?:(?P<dir>增长|下降) ?(?P<pct>{PCT})|(?P<flat>持平))")
def _(g, c):
    return c.prev_ref(g["ref"]) + c.change(g["dir"] or g["flat"], g["pct"], c.m["mom"], "mom")


@claim("orders-aov-mom", r"订单数 (?P<o>{SIGNED})，客单价 (?P<a>{SIGNED})")
def _(g, c):
    return c.signed(g["o"], c.m["orders_mom"], "orders_mom") + c.signed(g["a"], c.m["aov_mom"], "aov_mom")


@claim("mom-en", r"Against (?P<ref>{PREV_EN}), sales (?:(?P<dir>rose|fell) (?P<pct>{PCT})|(?P<flat>were flat))")
def _(g, c):
    return c.prev_en(g["ref"]) + c.change(g["dir"] or g["flat"], g["pct"], c.m["mom"], "mom")


@claim("yoy-en", r"[Aa]gainst the same (?P<w>{KIND_EN}|days) last year,? (?:they|sales) (?:(?P<dir>rose|fell) (?P<pct>{PCT})|"
                 r"(?P<flat>were flat))")
def _(g, c):
    # a complete period against the same week/month/quarter of last year, one in progress against its same days
    p = c.cond(g["w"] == (c.kind if c.complete else "days"), "says 'the same %s last year', but the period is a %s%s" % (
        g["w"], c.kind, "" if c.complete else " in progress"))
    return p + c.change(g["dir"] or g["flat"], g["pct"], c.m["yoy"], "yoy")


@claim("mom-risk-en", r"Sales (?P<dir>fell|rose) (?P<pct>{PCT}) against (?P<ref>{PREV_EN})")
def _(g, c):
    return c.prev_en(g["ref"]) + c.change(g["dir"], g["pct"], c.m["mom"], "mom")


# ---- the amount of the change, and the channel / category that moved most

@claim("delta", r"较(?P<ref>{PREV_ZH})(?:同期)?(?P<dir>增加|减少) (?P<amt>{MONEY})")
def _(g, c):
    d = None if c.m["prev_sales"] is None else c.m["sales"] - c.m["prev_sales"]
    return c.prev_ref(g["ref"]) + c.change(g["dir"], g["amt"], d, "sales - prev_sales", kind="money")


@claim("delta-flat", r"销售额与(?P<ref>{PREV_ZH})(?:同期)?持平")
def _(g, c):
    d = None if c.m["prev_sales"] is None else c.m["sales"] - c.m["prev_sales"]
    return c.prev_ref(g["ref"]) + c.cond(d is not None and abs(d) < 0.005,
                                         "says sales are the same as the previous period, but sales - prev_sales = %s"
                                         % fmt_money(d))


def _largest(c, listname, name, printed, up, what):
    items = [x for x in c.m[listname] if x.get("prev_sales") is not None]
    deltas = {x["name"]: (x["sales"] - x["prev_sales"]) * (1 if up else -1) for x in items}
    if not deltas:
        return ["names %s as the %s, but no %s has a known previous figure" % (name, what, listname)]
    best = max(deltas.values())
    p = []
    if name not in deltas:
        return ["names %s as the %s, but %s has no such item (largest: %s)" % (
            name, what, listname, [k for k, v in deltas.items() if v == best])]
    if deltas[name] < best - 0.005:
        p.append("names %s as the %s (%s), but %s changed more (%s)" % (
            name, what, fmt_money(deltas[name]), [k for k, v in deltas.items() if v == best], fmt_money(best)))
    p += c.cond(deltas[name] > 0, "names %s as the %s, but its change is %s" % (name, what, fmt_money(deltas[name])))
    p += c.money(printed, deltas[name], "the change of %s" % name)
    return p


@claim("channel-up", r"(?:增量最大的是|增长主要来自|增加最多的是)(?P<name>.+?)渠道（增加 (?P<amt>{MONEY})）")
def _(g, c):
    return _largest(c, "channels", g["name"], g["amt"], True, "channel with the largest increase")


@claim("channel-down", r"(?:减少最多的是|下降主要出在)(?P<name>.+?)渠道（减少 (?P<amt>{MONEY})）")
def _(g, c):
    return _largest(c, "channels", g["name"], g["amt"], False, "channel with the largest decrease")


@claim("category-up", r"类别中增加最多的是(?P<name>.+?)（增加 (?P<amt>{MONEY})）")
def _(g, c):
    return _largest(c, "categories", g["name"], g["amt"], True, "category with the largest increase")


@claim("category-down", r"类别中减少最多的是(?P<name>.+?)（减少 (?P<amt>{MONEY})）")
def _(g, c):
    return _largest(c, "categories", g["name"], g["amt"], False, "category with the largest decrease")


@claim("delta-en", r"Sales were (?P<amt>{MONEY}) (?P<dir>higher|lower) than (?P<ref>{PREV_EN})")
def _(g, c):
    d = None if c.m["prev_sales"] is None else c.m["sales"] - c.m["prev_sales"]
    return c.prev_en(g["ref"]) + c.change(g["dir"], g["amt"], d, "sales - prev_sales", kind="money")


@claim("delta-flat-en", r"Sales were level with (?P<ref>{PREV_EN})")
def _(g, c):
    d = None if c.m["prev_sales"] is None else c.m["sales"] - c.m["prev_sales"]
    return c.prev_en(g["ref"]) + c.cond(d is not None and abs(d) < 0.005,
                                        "says sales are the same as the previous period, but sales - prev_sales = %s"
                                        % fmt_money(d))


@claim("channel-category-en", r"the largest (?P<w>increase|drop) was in the (?P<name>.+?) channel \((?P<amt>{MONEY})\)"
                              r"(?: and, among categories, in (?P<cat>.+?) \((?P<camt>{MONEY})\))?")
def _(g, c):
    up = g["w"] == "increase"
    p = _largest(c, "channels", g["name"], g["amt"], up, "channel with the largest %s" % ("increase" if up else "decrease"))
    if g["cat"]:
        p += _largest(c, "categories", g["cat"], g["camt"], up, "category with the largest %s" % (
            "increase" if up else "decrease"))
    return p


# ---- target, attainment, gap

def _att_tail(g, c):
    """超额完成 / 超出 / 超额 X (gap < 0), 正好完成(目标) / exactly on target (gap = 0), or 距目标还差 / 差 / 还差 X
    (gap > 0)."""
    p = []
    gap = c.m["gap"]
    over = g.get("over")
    short = g.get("short")
    if g.get("exact"):
        p += c.cond(gap == 0, "says the target was met exactly, but gap = %s" % fmt_money(gap))
    if over:
        p += c.cond(gap is not None and gap < 0, "says the target was exceeded (%s), but gap = %s" % (over, fmt_money(gap)))
        p += c.money(over, None if gap is None else -gap, "the amount above target (-gap)")
    if short:
        p += c.cond(gap is not None and gap > 0, "says the target is short by %s, but gap = %s" % (short, fmt_money(gap)))
        p += c.money(short, gap, "gap")
    return p


@claim("target", r"本(?P<pk>周|月|季度|年)销售目标 (?P<t>{MONEY})，(?:完成|截至(?P<d>{DATE_ZH})完成) (?P<s>{MONEY})，达成率 ?(?P<att>{PCT})，"
                 r"(?:超额完成 (?P<over>{MONEY})|(?P<exact>正好完成目标)|距目标还差 (?P<short>{MONEY}))")
def _(g, c):
    g = g.groupdict()
    p = c.kind_word("本" + g["pk"]) + c.money(g["t"], c.m["target"], "target") + c.money(g["s"], c.m["sales"], "sales")
    p += c.frac(g["att"], c.m["attainment"], "attainment") + _att_tail(g, c) + c.through(g["d"])
    return p


@claim("target-retro", r"销售目标 (?P<t>{MONEY})，(?:实际完成|截至(?P<d>{DATE_ZH})完成) (?P<s>{MONEY})，(?P<w>达成率|目标进度) ?(?P<att>{PCT})"
                       r"(?:，超出 (?P<over>{MONEY})|，(?P<exact>正好完成)|，差 (?P<short>{MONEY})|（时间进度 (?P<tp>{PCT})），还差 (?P<short2>{MONEY}))")
def _(g, c):
    g = g.groupdict()
    g["short"] = g["short"] or g["short2"]
    p = c.money(g["t"], c.m["target"], "target") + c.money(g["s"], c.m["sales"], "sales") + c.through(g["d"])
    p += c.frac(g["att"], c.m["attainment"], "attainment") + c.frac(g["tp"], c.m["time_progress"], "time_progress")
    p += c.cond((g["w"] == "达成率") == c.complete, "says %s while period.complete is %s" % (g["w"], c.complete))
    return p + _att_tail(g, c)


@claim("target-self", r"目标 (?P<t>{MONEY})，(?P<w>达成率|目标进度) ?(?P<att>{PCT})"
                      r"(?:，超额 (?P<over>{MONEY})|，(?P<exact>正好完成)|，差 (?P<short>{MONEY})|（时间进度 (?P<tp>{PCT})），还差 (?P<short2>{MONEY}))")
def _(g, c):
    g = g.groupdict()
    g["short"] = g["short"] or g["short2"]
    p = c.money(g["t"], c.m["target"], "target") + c.frac(g["att"], c.m["attainment"], "attainment")
    p += c.frac(g["tp"], c.m["time_progress"], "time_progress")
    p += c.cond((g["w"] == "达成率") == c.complete, "says %s while period.complete is %s" % (g["w"], c.complete))
    return p + _att_tail(g, c)


@claim("target-week", r"周目标 (?P<t>{MONEY})，完成 (?P<att>{PCT})(?:，还差 (?P<short>{MONEY}))?")
def _(g, c):
    g = g.groupdict()
    return (c.money(g["t"], c.m["target"], "target") + c.frac(g["att"], c.m["attainment"], "attainment")
            + _att_tail(g, c))


@claim("target-rollup", r"目标(?:达成率(?P<att>{PCT})|进度 (?P<att2>{PCT})（时间进度 (?P<tp>{PCT})）)")
def _(g, c):
    p = c.frac(g["att"] or g["att2"], c.m["attainment"], "attainment") + c.frac(g["tp"], c.m["time_progress"], "time_progress")
    p += c.cond(bool(g["att"]) == c.complete, "says 目标%s while period.complete is %s" % (
        "达成率" if g["att"] else "进度", c.complete))
    return p


# English: "Target ¥1.20M; achieved ¥1.30M, or 108.3% of target, ¥100.00K above it." is two sentences (split at ;)
@claim("target-head-en", r"^Target (?P<t>{MONEY})$")
def _(g, c):
    return c.money(g["t"], c.m["target"], "target")


@claim("target-en", r"achieved (?:by (?P<d>{DATE_EN}) )?(?P<s>{MONEY}), or (?P<att>{PCT}) of target, "
                    r"(?:(?P<over>{MONEY}) above it|(?P<exact>exactly on target)|(?P<short>{MONEY}) (?P<w>short|to go))")
def _(g, c):
    g = g.groupdict()
    p = c.money(g["s"], c.m["sales"], "sales") + c.frac(g["att"], c.m["attainment"], "attainment")
    p += _att_tail(g, c) + c.through(g["d"])
    if g["w"]:   # short once the period is over, to go while it runs
        p += c.cond((g["w"] == "short") == c.complete, "says '%s' while period.complete is %s" % (g["w"], c.complete))
    return p


@claim("partial-target", r"(?:本(?:周|月|季度|年)的|这一期的)销售目标没有完整录入（(?P<a>{INT}) 个月录入，需要 (?P<b>{INT}) 个月(?:）|，合计 (?P<p0>{MONEY})），)"
                         r"(?:，?已录入部分合计 (?P<p>{MONEY})，因此不计算达成率|不计算达成率)")
def _(g, c):
    m = c.m
    return (c.cond(m["target"] is None, "says the target is incomplete, but target = %s" % fmt_money(m["target"]))
            + c.num(g["a"], m["target_months"], "target_months") + c.num(g["b"], m["target_months_needed"], "target_months_needed")
            + c.money(g["p"] or g["p0"], m["partial_target"], "partial_target"))


@claim("partial-target-self", r"目标只录入了 (?P<a>{INT}) 个月（需要 (?P<b>{INT}) 个月），不计算达成率")
def _(g, c):
    m = c.m
    return (c.cond(m["target"] is None, "says the target is incomplete, but target = %s" % fmt_money(m["target"]))
            + c.num(g["a"], m["target_months"], "target_months") + c.num(g["b"], m["target_months_needed"], "target_months_needed"))


@claim("partial-target-en", r"The target for (?P<k>this {KIND_EN}) is incomplete \((?P<a>{INT}) of (?P<b>{INT}) months entered, "
                            r"(?P<p>{MONEY}) in all\)")
def _(g, c):
    m = c.m
    return (c.kind_en(g["k"]) + c.cond(m["target"] is None, "says the target is incomplete, but target = %s" % fmt_money(m["target"]))
            + c.num(g["a"], m["target_months"], "target_months") + c.num(g["b"], m["target_months_needed"], "target_months_needed")
            + c.money(g["p"], m["partial_target"], "partial_target"))


@claim("no-target-retro", r"(?P<pre>这一期没有录入销售目标：)?实际完成 (?P<s>{MONEY})，(?P<o>{INT}) 笔订单")
def _(g, c):
    m = c.m
    p = c.money(g["s"], m["sales"], "sales") + c.num(g["o"], m["orders"], "orders")
    if g["pre"]:
        p += c.cond(m["target"] is None and m["partial_target"] is None and m["data"]["targets"],
                    "says no target was entered, but target = %s, partial_target = %s, data.targets = %s" % (
                        fmt_money(m["target"]), fmt_money(m["partial_target"]), m["data"]["targets"]))
    return p


# ---- progress against the calendar (period in progress)

def _flat_pp(v):
    """The gap in percentage points prints as 0.0 (one decimal): level, neither ahead nor behind."""
    return v is not None and abs(v) < 0.0005


@claim("progress", r"时间进度 (?P<tp>{PCT})，目标进度 (?P<att>{PCT})，(?:领先时间进度 (?P<ahead>{PTS})|落后于时间进度 (?P<behind>{PTS})|(?P<level>与时间进度持平))")
def _(g, c):
    m = c.m
    pg = m["progress_gap"]
    p = c.frac(g["tp"], m["time_progress"], "time_progress") + c.frac(g["att"], m["target_progress"], "target_progress")
    p += c.cond(not c.complete, "compares with the calendar, but the period is complete")
    if g["level"]:
        return p + c.cond(_flat_pp(pg), "says level with the calendar, but progress_gap = %s" % fmt_frac(pg))
    p += c.cond(not _flat_pp(pg), "says ahead or behind, but progress_gap = %s prints as 0.0" % fmt_frac(pg))
    if g["ahead"]:
        p += c.cond(pg is not None and pg >= 0, "says ahead of the calendar, but progress_gap = %s" % fmt_frac(pg))
        p += c.frac(g["ahead"], pg, "progress_gap", absolute=True)
    else:
        p += c.cond(pg is not None and pg < 0, "says behind the calendar, but progress_gap = %s" % fmt_frac(pg))
        p += c.frac(g["behind"], pg, "progress_gap", absolute=True)
    return p


@claim("progress-en", r"(?P<tp>{PCT}) of the working days have passed and (?P<att>{PCT}) of the target is done: (?:(?P<pts>{PTS}) (?P<w>ahead of|behind) the calendar|(?P<level>level with the calendar))")
def _(g, c):
    m = c.m
    pg = m["progress_gap"]
    p = c.frac(g["tp"], m["time_progress"], "time_progress") + c.frac(g["att"], m["target_progress"], "target_progress")
    if g["level"]:
        return p + c.cond(_flat_pp(pg), "says level with the calendar, but progress_gap = %s" % fmt_frac(pg))
    p += c.cond(not _flat_pp(pg), "says %s, but progress_gap = %s prints as 0.0" % (g["w"], fmt_frac(pg)))
    ok = pg is not None and (pg >= 0 if g["w"] == "ahead of" else pg < 0)
    p += c.cond(ok, "says %s the calendar, but progress_gap = %s" % (g["w"], fmt_frac(pg)))
    return p + c.frac(g["pts"], pg, "progress_gap", absolute=True)


@claim("remaining", r"剩余 (?P<n>{INT}) 个工作日需日均完成 (?P<amt>{MONEY})")
def _(g, c):
    return (c.num(g["n"], c.m["period"]["remaining_working_days"], "remaining_working_days")
            + c.money(g["amt"], c.m["daily_needed"], "daily_needed"))


@claim("remaining-en", r"the remaining (?P<n>{INT}) working days need (?P<amt>{MONEY}) a day")
def _(g, c):
    return (c.num(g["n"], c.m["period"]["remaining_working_days"], "remaining_working_days")
            + c.money(g["amt"], c.m["daily_needed"], "daily_needed"))


# ---- risks and diagnoses

@claim("below-80", r"目标达成率只有 (?P<att>{PCT})，低于 80%")
def _(g, c):
    a = c.m["attainment"]
    return (c.frac(g["att"], a, "attainment") + c.cond(a is not None and a < 0.8, "says attainment below 80%%, is %s" % fmt_frac(a))
            + c.cond(c.complete, "judges attainment against 80% while the period is in progress"))


@claim("progress-behind", r"目标进度 (?P<att>{PCT}) 落后于时间进度 (?P<tp>{PCT})")
def _(g, c):
    m = c.m
    return (c.frac(g["att"], m["target_progress"], "target_progress") + c.frac(g["tp"], m["time_progress"], "time_progress")
            + c.cond(m["progress_gap"] is not None and m["progress_gap"] < 0,
                     "says behind the calendar, but progress_gap = %s" % fmt_frac(m["progress_gap"])))


@claim("diag-unmet", r"目标未完成：达成率 (?P<att>{PCT})，差 (?P<short>{MONEY})")
def _(g, c):
    a = c.m["attainment"]
    return (c.frac(g["att"], a, "attainment") + _att_tail(g.groupdict(), c)
            + c.cond(a is not None and a < 1, "says the target was not met, but attainment = %s" % fmt_frac(a))
            + c.cond(c.complete, "says 目标未完成 while the period is in progress"))


@claim("diag-behind", r"目标进度落后：完成 (?P<att>{PCT})，时间已过 (?P<tp>{PCT})")
def _(g, c):
    m = c.m
    return (c.frac(g["att"], m["attainment"], "attainment") + c.frac(g["tp"], m["time_progress"], "time_progress")
            + c.cond(m["progress_gap"] is not None and m["progress_gap"] < 0,
                     "says progress is behind, but progress_gap = %s" % fmt_frac(m["progress_gap"])))


@claim("below-80-en", r"Attainment is only (?P<att>{PCT}), below 80%")
def _(g, c):
    a = c.m["attainment"]
    return (c.frac(g["att"], a, "attainment") + c.cond(a is not None and a < 0.8, "says attainment below 80%%, is %s" % fmt_frac(a))
            + c.cond(c.complete, "judges attainment against 80% while the period is in progress"))


@claim("progress-behind-en", r"Progress to target \((?P<att>{PCT})\) trails the time elapsed \((?P<tp>{PCT})\)")
def _(g, c):
    m = c.m
    return (c.frac(g["att"], m["target_progress"], "target_progress") + c.frac(g["tp"], m["time_progress"], "time_progress")
            + c.cond(m["progress_gap"] is not None and m["progress_gap"] < 0,
                     "says behind the calendar, but progress_gap = %s" % fmt_frac(m["progress_gap"])))


@claim("diag-unmet-en", r"Target missed: (?P<att>{PCT}) attained, (?P<short>{MONEY}) (?P<w>short|to go)")
def _(g, c):
    a = c.m["attainment"]
    return (c.frac(g["att"], a, "attainment") + _att_tail(g.groupdict(), c)
            + c.cond(a is not None and a < 1, "says the target was missed, but attainment = %s" % fmt_frac(a))
            + c.cond(c.complete, "says the target was missed while the period is in progress")
            + c.cond(g["w"] == "short", "says the shortfall of a period that is over is still '%s'" % g["w"]))


def _new_vs_target(g, c, complete_claim):
    m = c.m
    n, t = m["new_customers"], m["new_customer_target"]
    p = c.num(g["n"], n, "new_customers") + c.num(g["t"], t, "new_customer_target")
    if complete_claim:
        p += c.cond(t is not None and n < t, "says new customers fell short of the target, but %s >= %s" % (n, t))
        p += c.cond(c.complete, "judges new customers against the whole target while the period is in progress")
    return p


@claim("new-short", r"新客户 (?P<n>{INT}) 家，未达到目标 (?P<t>{NUM}) 家")
def _(g, c):
    return _new_vs_target(g, c, True)


@claim("new-short-diag", r"新客户开发不足：(?P<n>{INT}) 家，目标 (?P<t>{NUM}) 家")
def _(g, c):
    return _new_vs_target(g, c, True)


@claim("new-behind", r"新客户(?:开发落后于进度：)? ?(?P<n>{INT}) 家，只完成(?:全(?:周|月|季度|年))?目标 (?P<t>{NUM}) 家的 (?P<r>{PCT})，"
                     r"(?:落后于时间进度|时间已过) (?P<tp>{PCT})")
def _(g, c):
    m = c.m
    n, t, tp = m["new_customers"], m["new_customer_target"], m["time_progress"]
    r = None if not t else n / t
    return (_new_vs_target(g, c, False) + c.frac(g["r"], r, "new_customers / new_customer_target")
            + c.frac(g["tp"], tp, "time_progress")
            + c.cond(r is not None and r < tp, "says new customers lag the calendar, but %s >= %s" % (fmt_frac(r), fmt_frac(tp))))


@claim("new-short-en", r"(?P<n>{INT}) new customers?, short of the target of (?P<t>{NUM})")
def _(g, c):
    return _new_vs_target(g, c, True)


@claim("new-behind-en", r"(?P<n>{INT}) new customers?: (?P<r>{PCT}) of the (?P<k>{KIND_EN})'s target of (?P<t>{NUM}), "
                        r"behind the time elapsed \((?P<tp>{PCT})\)")
def _(g, c):
    m = c.m
    n, t, tp = m["new_customers"], m["new_customer_target"], m["time_progress"]
    r = None if not t else n / t
    return (_new_vs_target(g, c, False) + c.kind_en(g["k"]) + c.frac(g["r"], r, "new_customers / new_customer_target")
            + c.frac(g["tp"], tp, "time_progress")
            + c.cond(r is not None and r < tp, "says new customers lag the calendar, but %s >= %s" % (fmt_frac(r), fmt_frac(tp))))


@claim("retro-new-target", r"新客户目标 (?P<t>{NUM}) 家，(?P<w>实际|至今)? ?(?P<n>{INT}) 家")
def _(g, c):
    return (_new_vs_target(g, c, False)
            + c.cond(g["w"] == ("实际" if c.complete else "至今"), "says %s while period.complete is %s" % (
                g["w"], c.complete)))


@claim("retro-order-target", r"订单目标 (?P<t>{NUM}) 笔，(?P<w>实际|至今)? ?(?P<n>{INT}) 笔")
def _(g, c):
    return (c.num(g["t"], c.m["order_target"], "order_target") + c.num(g["n"], c.m["orders"], "orders")
            + c.cond(g["w"] == ("实际" if c.complete else "至今"), "says %s while period.complete is %s" % (
                g["w"], c.complete)))


def _overdue_items(c):
    return [a for a in c.m["actions"]["items"] if a["state"] == "overdue"]


@claim("overdue-count", r"(?:有 )?(?P<n>{INT}) 项改进措施(?:已逾期|逾期未完成|逾期)")
def _(g, c):
    return c.num(g["n"], c.m["actions"]["overdue"], "actions.overdue")


@claim("overdue-item", r"(?:^|：)(?P<body>[^：；]*?)（(?P<owner>[^，（）]+)，逾期 (?P<days>{INT}) 天）")
def _(g, c):
    body = g["body"].strip()
    for a in _overdue_items(c):
        if body in (a["problem"], "%s %s" % (a["team"], a["problem"]), "%s的%s" % (a["team"], a["problem"])):
            return (c.cond(g["owner"] == a["owner"], "owner of %s printed as %s, is %s" % (body, g["owner"], a["owner"]))
                    + c.num(g["days"], a["days_overdue"], "days overdue of %s" % body))
    return ["lists %s as overdue, but no overdue action matches (overdue: %s)" % (
        body, [a["problem"] for a in _overdue_items(c)])]


@claim("actions-track", r"本期提出 (?P<r>{INT}) 项改进措施，完成 (?P<d>{INT}) 项")
def _(g, c):
    a = c.m["actions"]
    return c.num(g["r"], a["raised"], "actions.raised") + c.num(g["d"], a["done"], "actions.done")


@claim("actions-open", r"仍未完成 (?P<o>{INT}) 项(?:，其中逾期 (?P<od>{INT}) 项)?")
def _(g, c):
    a = c.m["actions"]
    p = c.num(g["o"], a["open"], "actions.open") + c.num(g["od"], a["overdue"], "actions.overdue")
    if not g["od"]:
        p += c.cond(not a["overdue"], "omits the overdue actions (%s)" % a["overdue"])
    return p


@claim("overdue-count-en", r"(?P<n>{INT}) improvement actions? (?:is|are) overdue")
def _(g, c):
    return c.num(g["n"], c.m["actions"]["overdue"], "actions.overdue")


# the items of the list are sentences of their own (split at ;): "…overdue: 新客户开发不足 (陈立峰, 31 days)",
# "大客户依赖 (李佳琪, 19 days)"; in the roll-up each starts with its team ("华东一组: 新客户开发不足 (…)")
@claim("overdue-item-en", r"(?:^(?!{INT} improvement)|: )(?:(?P<team>[^:;]+?): )?(?P<body>[^:;]*?) "
                          r"\((?P<owner>[^,()]+), (?P<days>{INT}) days?\)")
def _(g, c):
    body = g["body"].strip()
    for a in _overdue_items(c):
        if body == a["problem"] and g["team"] in (None, a["team"]):
            return (c.cond(g["owner"] == a["owner"], "owner of %s printed as %s, is %s" % (body, g["owner"], a["owner"]))
                    + c.num(g["days"], a["days_overdue"], "days overdue of %s" % body))
    return ["lists %s%s as overdue, but no overdue action matches (overdue: %s)" % (
        g["team"] + ": " if g["team"] else "", body, [(a["team"], a["problem"]) for a in _overdue_items(c)])]


@claim("actions-track-en", r"(?P<r>{INT}) improvement actions? (?:was|were) raised in this period and (?P<d>{INT}) completed")
def _(g, c):
    a = c.m["actions"]
    return c.num(g["r"], a["raised"], "actions.raised") + c.num(g["d"], a["done"], "actions.done")


@claim("actions-open-en", r"(?P<o>{INT}) (?:is|are) still open(?:, (?P<od>{INT}) of them overdue)?")
def _(g, c):
    a = c.m["actions"]
    p = c.num(g["o"], a["open"], "actions.open") + c.num(g["od"], a["overdue"], "actions.overdue")
    if not g["od"]:
        p += c.cond(not a["overdue"], "omits the overdue actions (%s)" % a["overdue"])
    return p


@claim("top-customer-risk-en", r"The largest customer, (?P<name>.+?), makes (?P<share>{PCT}) of sales: too much rests on one customer")
def _(g, c):
    return _top_customer(g, c, True)


@claim("top-customer-en", r"The largest customer was (?P<name>.+?) with (?P<amt>{MONEY}) \((?P<share>{PCT})\)")
def _(g, c):
    return _top_customer(g, c, False)


@claim("top-customer-risk", r"最大客户(?P<name>.+?)占销售额的 (?P<share>{PCT})，依赖单一客户")
def _(g, c):
    return _top_customer(g, c, True)


@claim("top-customer-diag", r"对单一客户依赖过高：(?P<name>.+?) 占 (?P<share>{PCT})")
def _(g, c):
    return _top_customer(g, c, True)


@claim("top-customer", r"最大客户是(?P<name>.+?)，贡献 (?P<amt>{MONEY})（(?P<share>{PCT})）")
def _(g, c):
    return _top_customer(g, c, False)


def _top_customer(g, c, risk):
    tc = c.m["top_customers"]
    if not tc:
        return ["names a largest customer, but there is none"]
    best = tc[0]
    p = c.cond(g["name"] in (best["name"], best["id"]), "names %s as the largest customer, is %s" % (g["name"], best["name"]))
    p += c.frac(g["share"], c.m["concentration"]["top1_share"], "top1_share")
    if g.groupdict().get("amt"):
        p += c.money(g["amt"], best["sales"], "largest customer's sales")
    if risk:
        s = c.m["concentration"]["top1_share"]
        p += c.cond(s is not None and s > 0.3, "says the largest customer is too large a share, but it is %s" % fmt_frac(s))
    return p


@claim("discount", r"平均折扣率 (?P<rate>{PCT})，让利 (?P<amt>{MONEY})(?P<high>，折扣偏高，需要检查是否以价换量)?")
def _(g, c):
    d = c.m["discount"]
    return (c.frac(g["rate"], d["rate"], "discount.rate") + c.money(g["amt"], d["amount"], "discount.amount")
            + c.cond(bool(g["high"]) == (d["rate"] is not None and d["rate"] > 0.1),
                     "says the discount is %shigh, but it is %s" % ("" if g["high"] else "not ", fmt_frac(d["rate"]))))


@claim("discount-en", r"discounts averaged (?P<rate>{PCT}) \((?P<amt>{MONEY}) in all\)")
def _(g, c):
    d = c.m["discount"]
    return c.frac(g["rate"], d["rate"], "discount.rate") + c.money(g["amt"], d["amount"], "discount.amount")


@claim("pareto", r"前 (?P<n>{INT}) 个产品贡献了 (?P<cum>{PCT}) 的销售额（累计占比在第 (?P<n3>{INT}) 个产品达到八成）"
                  r"|The top (?P<n2>{INT}) (?:products make|product makes) (?P<cum2>{PCT}) of sales, the (?:fewest|one "
                  r"product) that reach(?:es)? 80%")
def _(g, c):
    # the share printed is the running share at the n-th product, which is the first to reach 80%
    n = c.m["pareto80"]
    prods = sorted(c.m.get("products") or [], key=lambda p: -p["sales"])
    cum = prods[n - 1]["cum_share"] if 0 < n <= len(prods) else None
    before = prods[n - 2]["cum_share"] if 1 < n <= len(prods) else 0
    p = c.num(g["n"] or g["n2"], n, "pareto80")
    if g["n3"]:
        p += c.num(g["n3"], n, "pareto80 (in the parenthesis)")
    p += c.frac(g["cum"] or g["cum2"], cum, "products[pareto80 - 1].cum_share")
    p += c.cond(cum is not None and cum >= 0.8 - EPS and before < 0.8,
                "says the running share first reaches 80%% at product %s, but it is %s there and %s before" % (
                    n, fmt_frac(cum), fmt_frac(before)))
    return p


# ---- people

@claim("top-rep", r"(?:业绩第一的是|业绩最好的是)(?P<name>[^（]+)（(?P<amt>{MONEY})）|Top performer: (?P<name2>[^(]+?) \((?P<amt2>{MONEY})\)")
def _(g, c):
    name = (g["name"] or g["name2"]).strip()
    best = max(r["sales"] for r in c.m["reps"])
    r = c.rep(name)
    if r is None:
        return ["names %s as the best seller, but the metrics do not list them" % name]
    return (c.cond(r["sales"] >= best - 0.005, "names %s (%s) as the best seller, but %s sold %s" % (
        name, fmt_money(r["sales"]), [x["name"] for x in c.m["reps"] if x["sales"] == best], fmt_money(best)))
        + c.money(g["amt"] or g["amt2"], r["sales"], "%s's sales" % name))


def _below(c, threshold):
    return reps_where(c, lambda r: att(r) is not None and att(r) < threshold)


@claim("reps-below-80", r"达成率低于 80% 的(?:有 |人员：| )(?P<list>.+?)(?:，需要重点帮扶| 是下一阶段带教的重点|$)")
def _(g, c):
    p = c.cond(c.complete, "judges reps' attainment against 80% while the period is in progress")
    return p + check_name_list(c, split_names(g["list"], "、"), _below(c, 0.8), "达成率低于 80%", pct_of="attainment")


@claim("reps-below-60", r"达成率低于 60% 的：(?P<list>.+)$")
def _(g, c):
    p = c.cond(c.complete, "judges reps' attainment against 60% while the period is in progress")
    return p + check_name_list(c, split_names(g["list"], "、"), _below(c, 0.6), "达成率低于 60%", pct_of="attainment",
                               team_of=True)


@claim("reps-lagging", r"目标进度不到时间进度(?:（(?P<tp>{PCT})）)?(?P<w>八成|六成)的(?:有 |人员：|：| )(?P<list>.+?)"
                       r"(?:，需要重点帮扶| 是下一阶段带教的重点|$)")
def _(g, c):
    tp = c.m["time_progress"]
    f = 0.8 if g["w"] == "八成" else 0.6
    p = c.frac(g["tp"], tp, "time_progress") + c.cond(not c.complete, "compares with the calendar, but the period is complete")
    return p + check_name_list(c, split_names(g["list"], "、"), _below(c, f * tp), "目标进度不到时间进度%s" % g["w"],
                               pct_of="attainment", team_of=True)


@claim("reps-met", r"(?P<pre>已提前完成目标的有|完成目标的有) (?P<list>.+)$")
def _(g, c):
    p = c.cond((g["pre"] == "已提前完成目标的有") == (not c.complete), "says %s while period.complete is %s" % (
        g["pre"], c.complete))
    return p + check_name_list(c, split_names(g["list"], "、"), reps_where(c, lambda r: att(r) is not None and att(r) >= 1),
                               "完成目标")


@claim("reps-below-80-en", r"(?:Reps b|b)elow 80% of target(?:, to coach)?: (?P<list>.+)$")
def _(g, c):
    p = c.cond(c.complete, "judges reps' attainment against 80% while the period is in progress")
    return p + check_name_list(c, split_names(g["list"], ", "), _below(c, 0.8), "below 80% of target", pct_of="attainment")


@claim("reps-below-60-en", r"Below 60% of target: (?P<list>.+)$")
def _(g, c):
    p = c.cond(c.complete, "judges reps' attainment against 60% while the period is in progress")
    return p + check_name_list(c, split_names(g["list"], ", "), _below(c, 0.6), "below 60% of target", pct_of="attainment",
                               team_of=True)


@claim("reps-lagging-en", r"(?:(?:Reps m|m)ore than a fifth behind the calendar|(?P<w60>Less than 60% of the pace of the calendar))"
                          r"(?: \((?P<tp>{PCT}) gone\))?(?:, to coach)?: (?P<list>.+)$")
def _(g, c):
    tp = c.m["time_progress"]
    f = 0.6 if g["w60"] else 0.8
    p = c.frac(g["tp"], tp, "time_progress") + c.cond(not c.complete, "compares with the calendar, but the period is complete")
    return p + check_name_list(c, split_names(g["list"], ", "), _below(c, f * tp), "under %d%% of the calendar's pace" % (
        f * 100), pct_of="attainment", team_of=True)


@claim("reps-met-en", r"(?P<pre>on or above target|already at target): (?P<list>.+)$")
def _(g, c):
    p = c.cond((g["pre"] == "already at target") == (not c.complete), "says %s while period.complete is %s" % (
        g["pre"], c.complete))
    return p + check_name_list(c, split_names(g["list"], ", "), reps_where(c, lambda r: att(r) is not None and att(r) >= 1),
                               "at target")


@claim("reps-idle", r"本周既无成交也无拜访记录的：(?P<list>.+)$")
def _(g, c):
    exp = reps_where(c, lambda r: r["sales"] == 0 and r.get("activities") == 0)
    return check_name_list(c, split_names(g["list"], "、"), exp, "既无成交也无拜访")


@claim("reps-idle-en", r"No sales and no visits recorded (?P<k>this {KIND_EN}): (?P<list>.+)$")
def _(g, c):
    exp = reps_where(c, lambda r: r["sales"] == 0 and r.get("activities") == 0)
    return c.kind_en(g["k"]) + check_name_list(c, split_names(g["list"], ", "), exp, "no sales and no visits")


# ---- the roll-up's teams

@claim("teams-met", r"有目标的 (?P<n>{INT}) 个团队中 (?P<k>{INT}) 个(?P<w>完成目标|的目标进度不落后于时间进度)"
                    r"(?:，(?P<low>{INT}) 个团队(?P<w2>达成率低于 80%|不到时间进度的八成))?")
def _(g, c):
    teams = [t for t in c.m["teams"] if t.get("attainment") is not None]
    tp = c.m["time_progress"]
    p = c.num(g["n"], len(teams), "teams with a target")
    if g["w"] == "完成目标":
        p += c.cond(c.complete, "counts teams that met the whole target while the period is in progress")
        p += c.num(g["k"], len([t for t in teams if t["attainment"] >= 1]), "teams with attainment >= 100%")
        low = len([t for t in teams if t["attainment"] < 0.8])
    else:
        p += c.cond(not c.complete, "compares with the calendar, but the period is complete")
        p += c.num(g["k"], len([t for t in teams if t["attainment"] >= tp]), "teams not behind the calendar")
        low = len([t for t in teams if t["attainment"] < 0.8 * tp])
    if g["low"]:
        p += c.num(g["low"], low, "teams below the line (%s)" % g["w2"])
    else:
        p += c.cond(low == 0, "does not mention the %d team(s) below the line" % low)
    return p


@claim("top-team-sales", r"销售额最高的是(?P<name>[^（]+)（(?P<s>{MONEY})）")
def _(g, c):
    t = c.team(g["name"])
    if t is None:
        return ["names team %s, which the metrics do not list" % g["name"]]
    best = max(x["sales"] for x in c.m["teams"])
    return (c.cond(t["sales"] >= best - 0.005, "names %s as the team with the most sales, but another sold %s" % (
        g["name"], fmt_money(best))) + c.money(g["s"], t["sales"], "%s sales" % g["name"]))


@claim("top-team-att", r"(?P<w>达成率|目标进度)最高的是(?P<name>[^（]+)（(?P<att>{PCT})）")
def _(g, c):
    t = c.team(g["name"])
    if t is None:
        return ["names team %s, which the metrics do not list" % g["name"]]
    vals = [x["attainment"] for x in c.m["teams"] if x.get("attainment") is not None]
    best = max(vals) if vals else None
    return (c.cond(t.get("attainment") is not None and t["attainment"] >= best - EPS,
                   "names %s as the team with the highest attainment, but the highest is %s" % (g["name"], fmt_frac(best)))
            + c.frac(g["att"], t.get("attainment"), "%s attainment" % g["name"])
            + c.cond((g["w"] == "达成率") == c.complete, "says %s while period.complete is %s" % (g["w"], c.complete)))


# English: "Of the 3 teams with a target, 1 met it; 2 attained less than 80%." is two sentences (split at ;); that the
# second is there when it should be is checked on the paragraph (main)
def _teams_with_target(c):
    return [t for t in c.m["teams"] if t.get("attainment") is not None]


def _teams_low(c):
    bar = 1 if c.complete else c.m["time_progress"]
    return len([t for t in _teams_with_target(c) if t["attainment"] < 0.8 * bar])


@claim("teams-met-en", r"Of the (?P<n>{INT}) teams? with a target, (?P<k>{INT}) (?P<w>met it|(?:is|are) keeping pace with the calendar)")
def _(g, c):
    teams = _teams_with_target(c)
    tp = c.m["time_progress"]
    p = c.num(g["n"], len(teams), "teams with a target")
    if g["w"] == "met it":
        p += c.cond(c.complete, "counts teams that met the whole target while the period is in progress")
        p += c.num(g["k"], len([t for t in teams if t["attainment"] >= 1]), "teams with attainment >= 100%")
    else:
        p += c.cond(not c.complete, "compares with the calendar, but the period is complete")
        p += c.num(g["k"], len([t for t in teams if t["attainment"] >= tp]), "teams not behind the calendar")
    return p


@claim("teams-low-en", r"^(?P<low>{INT}) (?P<w>attained less than 80%|(?:is|are) more than a fifth behind)$")
def _(g, c):
    w80 = g["w"] == "attained less than 80%"
    return (c.cond(w80 == c.complete, "says '%s' while period.complete is %s" % (g["w"], c.complete))
            + c.num(g["low"], _teams_low(c), "teams below the line (%s)" % g["w"]))


@claim("top-team-sales-en", r"^(?P<name>.+?) sold the most \((?P<s>{MONEY})\)")
def _(g, c):
    t = c.team(g["name"])
    if t is None:
        return ["names team %s, which the metrics do not list" % g["name"]]
    best = max(x["sales"] for x in c.m["teams"])
    return (c.cond(t["sales"] >= best - 0.005, "names %s as the team with the most sales, but another sold %s" % (
        g["name"], fmt_money(best))) + c.money(g["s"], t["sales"], "%s sales" % g["name"]))


@claim("top-team-att-en", r"^(?P<name>.+?) had the highest (?P<w>attainment|progress to target) \((?P<att>{PCT})\)")
def _(g, c):
    t = c.team(g["name"])
    if t is None:
        return ["names team %s, which the metrics do not list" % g["name"]]
    vals = [x["attainment"] for x in c.m["teams"] if x.get("attainment") is not None]
    best = max(vals) if vals else None
    return (c.cond(t.get("attainment") is not None and t["attainment"] >= best - EPS,
                   "names %s as the team with the highest attainment, but the highest is %s" % (g["name"], fmt_frac(best)))
            + c.frac(g["att"], t.get("attainment"), "%s attainment" % g["name"])
            + c.cond((g["w"] == "attainment") == c.complete, "says %s while period.complete is %s" % (g["w"], c.complete)))


# ---- customers

@claim("customers", r"本(?P<pk>周|月|季度|年)(?P<sofar>至今)?成交客户 (?P<c>{INT}) 家，其中新客户 (?P<n>{INT}) 家"
                    r"(?:（(?P<full>全(?:周|月|季度|年))?目标 (?P<t>{NUM}) 家，(?:(?P<done>已完成)|(?P<still>还)?差 (?P<d>{NUM}) 家)）)?")
def _(g, c):
    m = c.m
    n, t = m["new_customers"], m["new_customer_target"]
    p = c.kind_word("本" + g["pk"]) + c.num(g["c"], m["customers"], "customers") + c.num(g["n"], n, "new_customers")
    p += c.cond(bool(g["sofar"]) == (not c.complete), "至今 is %s while period.complete is %s" % (
        "printed" if g["sofar"] else "missing", c.complete))
    if g["t"]:
        p += c.num(g["t"], t, "new_customer_target")
        if g["done"]:
            p += c.cond(t is not None and n >= t, "says the new-customer target is met, but %s < %s" % (n, t))
        else:
            d = None if t is None else t - n
            p += c.cond(d is not None and d > 0, "says new customers are short of the target, but target - actual = %s" % d)
            p += c.num(g["d"], d, "new_customer_target - new_customers")
    return p


def _iso_of(printed):
    """2025年1月1日 or 1 Jan 2025 as 2025-01-01."""
    mo = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", printed)
    if mo:
        return "%s-%02d-%02d" % (mo.group(1), int(mo.group(2)), int(mo.group(3)))
    return datetime.datetime.strptime(printed, "%d %b %Y").date().isoformat()


def _new_unknown(g, c):
    m = c.m
    return (c.num(g["c"], m["customers"], "customers")
            + c.cond(m["new_customers"] is None, "says new and returning customers cannot be told apart, but "
                     "new_customers = %s" % m["new_customers"])
            + c.cond(_iso_of(g["d"]) == get(m, "data.first_date"), "says the data begins on %s, but its first order "
                     "date is %s" % (g["d"], get(m, "data.first_date"))))


# no day of data before the period: new customers are unknown, and the sentence says why
@claim("customers-new-unknown", r"本(?P<pk>周|月|季度|年)(?P<sofar>至今)?成交客户 (?P<c>{INT}) 家（数据从(?P<d>{DATE_ZH})开始，"
                                r"无法区分新老客户）")
def _(g, c):
    return c.kind_word("本" + g["pk"]) + _new_unknown(g, c)


@claim("customers-new-unknown-en", r"(?P<c>{INT}) customers? bought (?P<k>this {KIND_EN})(?: so far)? \(the data begins on "
                                   r"(?P<d>{DATE_EN}), so new and returning customers cannot be told apart\)")
def _(g, c):
    return c.kind_en(g["k"]) + _new_unknown(g, c)


@claim("customers-brief", r"成交客户 (?P<c>{INT}) 家，新客户 (?P<n>{INT}) 家(?:，复购率 (?P<rate>{PCT}|—))?")
def _(g, c):
    m = c.m
    return (c.num(g["c"], m["customers"], "customers") + c.num(g["n"], m["new_customers"], "new_customers")
            + c.frac(g["rate"], m["repeat_rate"], "repeat_rate"))


@claim("repeat", r"复购客户 (?P<r>{INT}) 家，复购率 (?P<rate>{PCT}|—)|(?P<r2>{INT}) bought more than once \((?P<rate2>{PCT}|—)\)")
def _(g, c):
    m = c.m
    return (c.num(g["r"] or g["r2"], m["repeat_customers"], "repeat_customers")
            + c.frac(g["rate"] or g["rate2"], m["repeat_rate"], "repeat_rate"))


@claim("churn", r"(?P<ref>{PREV_ZH})(?:同期)?成交的 (?P<p>{INT}) 家客户中有 (?P<ch>{INT}) 家(?P<cur>本(?:周|月|季度|年))(?:同期)?没有再下单"
                r"（流失率 (?P<rate>{PCT})）")
def _(g, c):
    m = c.m
    return (c.prev_ref(g["ref"]) + c.kind_word(g["cur"]) + c.num(g["p"], m["prev_customers"], "prev_customers")
            + c.num(g["ch"], m["churned_customers"], "churned_customers") + c.frac(g["rate"], m["churn_rate"], "churn_rate"))


@claim("customers-en", r"(?P<c>{INT}) customers? bought (?P<k>this {KIND_EN})(?P<sofar> so far)?, (?P<n>{INT}) of them new"
                       r"(?:, (?:(?P<done>meeting)|(?P<d>{NUM}) (?P<w>short|to go) (?:of|to)) the target of (?P<t>{NUM}))?")
def _(g, c):
    m = c.m
    n, t = m["new_customers"], m["new_customer_target"]
    p = c.kind_en(g["k"]) + c.num(g["c"], m["customers"], "customers") + c.num(g["n"], n, "new_customers")
    p += c.cond(bool(g["sofar"]) == (not c.complete), "'so far' is %s while period.complete is %s" % (
        "printed" if g["sofar"] else "missing", c.complete))
    if g["t"]:
        p += c.num(g["t"], t, "new_customer_target")
        if g["done"]:
            p += c.cond(t is not None and n >= t, "says the new-customer target is met, but %s < %s" % (n, t))
        else:
            d = None if t is None else t - n
            p += c.cond(d is not None and d > 0, "says new customers are short of the target, but target - actual = %s" % d)
            p += c.num(g["d"], d, "new_customer_target - new_customers")
            p += c.cond((g["w"] == "short") == c.complete, "says '%s' while period.complete is %s" % (g["w"], c.complete))
    return p


@claim("churn-en", r"Of the (?P<p>{INT}) customers? who bought (?P<in>in )?(?P<ref>{PREV_EN}), (?P<ch>{INT}) did not buy again \((?P<rate>{PCT})\)")
def _(g, c):
    m = c.m
    return (c.prev_en(g["ref"]) + c.num(g["p"], m["prev_customers"], "prev_customers")
            + c.num(g["ch"], m["churned_customers"], "churned_customers") + c.frac(g["rate"], m["churn_rate"], "churn_rate"))


@claim("channel-mix", r"渠道结构：(?P<list>.+)$")
def _(g, c):
    p = []
    shares = {x["name"]: x["share"] for x in c.m["channels"]}
    for item in g["list"].split("，"):
        mo = re.match(r"^(.+) (%s|—)$" % PCT, item.strip())
        if not mo or mo.group(1) not in shares:
            p.append("channel share %r not recognised among %s" % (item, sorted(shares)))
            continue
        p += c.frac(mo.group(2), shares[mo.group(1)], "share of %s" % mo.group(1))
    return p


# ---- activities

def _counts(c, text, listname, what, sep="、"):
    exp = {x["name"]: x["count"] for x in get(c.m, listname)}
    got = {}
    for item in text.split(sep):
        mo = re.match(r"^(.+?) ?(\d+)(?: ?次)?$", item.strip())
        if mo:
            got[mo.group(1)] = int(mo.group(2))
    return c.cond(got == exp, "%s printed as %s, expected %s" % (what, got, exp))


@claim("visits-week", r"本周拜访 (?P<n>{INT}) 次：(?P<types>.+)$")
def _(g, c):
    return (c.num(g["n"], c.m["activities"]["total"], "activities.total")
            + _counts(c, g["types"], "activities.by_type", "activities by type"))


@claim("visit-results", r"^结果：(?P<res>.+)$")
def _(g, c):
    return _counts(c, g["res"], "activities.by_result", "activities by result")


@claim("visits-retro", r"拜访 (?P<n>{INT}) 次（(?P<types>[^）]*)），结果：(?P<res>.+)$")
def _(g, c):
    return (c.num(g["n"], c.m["activities"]["total"], "activities.total")
            + _counts(c, g["types"], "activities.by_type", "activities by type")
            + _counts(c, g["res"], "activities.by_result", "activities by result"))


@claim("visits-per-order", r"平均每笔订单对应 (?P<x>{NUM}) 次拜访")
def _(g, c):
    t = c.m["activities"]["total"]
    return c.num(g["x"], None if t is None else t / max(c.m["orders"], 1), "activities per order")


# English: "12 visits (会议 4, 拜访 5, 电话 3); outcomes: 已签约 3, 无需求 2. That is 1.5 visits per order." (split at ;)
@claim("visits-en", r"^(?P<n>{INT}) visits?(?: \((?P<types>[^)]*)\))?$")
def _(g, c):
    p = c.num(g["n"], c.m["activities"]["total"], "activities.total")
    if g["types"] is not None:
        p += _counts(c, g["types"], "activities.by_type", "activities by type", sep=", ")
    return p


@claim("visit-results-en", r"^outcomes: (?P<res>.+?)(?=\. That is |$)")
def _(g, c):
    return _counts(c, g["res"], "activities.by_result", "activities by result", sep=", ")


@claim("visits-per-order-en", r"That is (?P<x>{NUM}) visits? per order")
def _(g, c):
    t = c.m["activities"]["total"]
    return c.num(g["x"], None if t is None else t / max(c.m["orders"], 1), "activities per order")


# ---- the next period

def _next(g, c):
    m = c.m
    p = c.money(g["t"], m["next_target"], "next_target") + c.money(g["dn"], m["next_daily_needed"], "next_daily_needed")
    if g.get("label"):
        lab = get(m, "next_period.label_zh") if c.lang == "zh" else get(m, "next_period.label_en")
        p += c.cond(g["label"] == lab, "names the next period %s, is %s" % (g["label"], lab))
    if g.get("wd"):
        p += c.num(g["wd"], m["next_working_days"], "next_working_days")
    if g.get("x"):
        ds = m["daily_sales"]
        p += c.money(g["ds"], ds, "daily_sales")
        ratio = None if not ds or m["next_daily_needed"] is None else m["next_daily_needed"] / ds
        p += c.num(g["x"], ratio, "next_daily_needed / daily_sales")
    return p


@claim("next", r"(?P<label>{LABEL_ZH})销售目标 (?P<t>{MONEY})，共 (?P<wd>{INT}) 个工作日，日均需完成 (?P<dn>{MONEY})"
               r"(?:，是本(?P<pk>周|月|季度|年)(?P<sofar>至今)?日均 (?P<ds>{MONEY}) 的 (?P<x>{NUM}) 倍)?")
def _(g, c):
    p = _next(g.groupdict(), c)
    if g["pk"]:
        p += c.kind_word("本" + g["pk"])
        p += c.cond(bool(g["sofar"]) == (not c.complete), "至今 is %s while period.complete is %s" % (
            "printed" if g["sofar"] else "missing", c.complete))
    return p


@claim("next-self", r"(?P<label>{LABEL_ZH})目标 (?P<t>{MONEY})，日均需完成 (?P<dn>{MONEY})")
def _(g, c):
    return _next(g.groupdict(), c)


@claim("next-week", r"下周（(?P<a>{DATE_ZH})至(?P<b>{DATE_ZH})）目标 (?P<t>{MONEY})，(?P<wd>{INT}) 个工作日，日均需完成 (?P<dn>{MONEY})")
def _(g, c):
    return (_next(g.groupdict(), c) + c.date(g["a"], get(c.m, "next_period.start"), "the next week's first day")
            + c.date(g["b"], get(c.m, "next_period.end"), "the next week's last day"))


@claim("next-missing", r"(?P<label>{LABEL_ZH})的销售目标尚未完整录入|The target for (?P<label2>{LABEL_EN}) has not been entered in full yet")
def _(g, c):
    m = c.m
    lab = get(m, "next_period.label_zh") if g["label"] else get(m, "next_period.label_en")
    return (c.cond(m["next_target"] is None and m["data"]["targets"],
                   "says the next target is missing, but next_target = %s" % fmt_money(m["next_target"]))
            + c.cond((g["label"] or g["label2"]) == lab, "names the next period %s, is %s" % (g["label"] or g["label2"], lab)))


@claim("next-en", r"Target for (?P<label>{LABEL_EN}): (?P<t>{MONEY}) over (?P<wd>{INT}) working days, (?P<dn>{MONEY}) a day"
                  r"(?:, (?P<x>{NUM}) times the daily average of (?P<k>this {KIND_EN})(?P<sofar> so far)? \((?P<ds>{MONEY})\))?")
def _(g, c):
    p = _next(g.groupdict(), c)
    if g["k"]:
        p += c.kind_en(g["k"])
        p += c.cond(bool(g["sofar"]) == (not c.complete), "'so far' is %s while period.complete is %s" % (
            "printed" if g["sofar"] else "missing", c.complete))
    return p


# ---------------------------------------------------------------------------------------------
# Completeness: a sentence with one of these words must be recognised by a checker (in the part
# the word stands in). The first line is the brief's list; the rest are other words that make a
# comparison or a ranking in the shipped templates.

COMPARATIVE_ZH = ["增长", "下降", "持平", "增加", "减少", "超额", "差", "领先", "落后", "低于", "高于", "未达到", "完成", "提高",
                  "不到", "超出", "最高", "最大", "最多", "第一", "最好", "逾期", "倍", "偏高", "依赖", "以下", "以上", "低分"]
COMPARATIVE_EN = ["rose", "fell", "flat", "above", "below", "ahead", "behind", "short",
                  "less than", "more than", "largest", "drop", "increase", "top", "times", "overdue",
                  "higher", "lower", "level", "up", "down", "highest", "most", "trails", "met", "missed", "completed"]

# Sentences that carry no figure claim although they hold such a word. Keep this short, and
# say why each one is here.
ALLOW = [
    # (none needed by the shipped templates today: section titles, captions and cover lines are not
    # sentences of a paragraph or list item, and every such sentence holds a figure a checker reads)
]


def comparative_words(text, lang):
    words = COMPARATIVE_ZH if lang == "zh" else COMPARATIVE_EN
    low = text if lang == "zh" else text.lower()
    found = []
    for w in words:
        if lang == "en":
            if re.search(r"\b%s\b" % re.escape(w), low):
                found.append(w)
        elif w in low:
            found.append(w)
    return found


# ---------------------------------------------------------------------------------------------
# Sentences

def sentences(text, lang):
    parts = re.split(r"[。；;!?！？\n]", text)
    out = []
    for p in parts:
        if lang == "en":
            out += re.split(r"(?<=[^\d\s]\.)\s+|(?<=%\.)\s+|(?<=\)\.)\s+", p)
        else:
            out.append(p)
    return [s.strip().rstrip(".").strip() for s in out if s.strip().rstrip(".").strip()]


def same_days_problems(s, c):
    """同期 / 'the same days' when the period is in progress, never when it is complete."""
    if c.lang == "zh":
        refs = [r for r in ("上周", "上月", "上季度", "上年") if r in s]
        label = get(c.m, "prev_period.label_zh")
        if label and label in s:
            refs.append(label)
        rest = s.replace("去年同期", "")
        if c.complete and "同期" in rest:
            return ["says 同期, but the period is complete (compared with the whole previous period)"]
        if not c.complete:
            for r in refs:
                for mo in re.finditer(re.escape(r), s):
                    if not s.startswith("同期", mo.end()):
                        return ["compares with %s without 同期, but the period is in progress (through %s)" % (
                            r, c.m["period"]["through"])]
    else:
        refs = [r for r in ("last week", "last month", "last quarter", "last year", "previous") if r in s]
        if c.complete and "the same days" in s:
            return ["says 'the same days', but the period is complete"]
        if not c.complete and refs and "the same days" not in s:
            return ["compares with %s without 'the same days', but the period is in progress" % refs[0]]
    return []


def block_problems(b, c):
    """Claims a paragraph or list item makes over more than one sentence: a list of overdue actions names every
    one of them; the teams below the line are counted when there are any."""
    out = []
    text = b["text"]
    if b["kind"] == "li" and re.search(r"项改进措施(?:已)?逾期：|improvement actions? (?:is|are) overdue: ", text):
        listed = len(re.findall(r"，逾期 ?\d+ ?天）|, \d+ days?\)", text))
        if listed != len(_overdue_items(c)):
            out.append("lists %d overdue action(s), the metrics have %d" % (listed, len(_overdue_items(c))))
    if re.search(r"Of the \d+ teams? with a target, ", text) and _teams_low(c) and not re.search(
            r"; \d+ (?:attained less than 80%|(?:is|are) more than a fifth behind)", text):
        out.append("does not mention the %d team(s) below the line" % _teams_low(c))
    return out


def check_sentence(s, c, stats):
    problems = []
    claimed = []
    for name, rx, fn in CHECKERS:
        for mo in rx.finditer(s):
            a, b = mo.span()
            if a == b or any(a < y and x < b for x, y in claimed):
                continue
            found = fn(mo, c)
            if found is None:          # not this checker's claim after all (e.g. not a team's name)
                continue
            claimed.append((a, b))
            stats["claims"] += 1
            stats["hits"][name] = stats["hits"].get(name, 0) + 1
            problems += found
    problems += same_days_problems(s, c)
    rest = list(s)
    for a, b in claimed:
        for i in range(a, b):
            rest[i] = " "
    rest = "".join(rest)
    words = comparative_words(rest, c.lang)
    if words and not any(rx.search(s) for rx in ALLOW):
        problems.append("unchecked claim (%s): no checker recognises it" % "、".join(words))
    return problems


# ---------------------------------------------------------------------------------------------
# KPI cards and table cells

KPI_VALUES = {
    "销售额": "sales", "Sales": "sales", "订单数": "orders", "Orders": "orders", "客单价": "aov",
    "Average order value": "aov", "目标达成率": "attainment", "目标进度": "attainment", "周目标达成": "attainment",
    "周目标进度": "attainment", "Target attainment": "attainment", "Target progress": "attainment",
    "新客户": "new_customers", "成交客户": "customers", "复购率": "repeat_rate", "流失率": "churn_rate",
    "客户满意度": "satisfaction.average", "满意度": "satisfaction.average", "Attainment": "attainment",
    "Progress to target": "attainment", "Average order": "aov", "New customers": "new_customers",
    "Customers": "customers", "Repeat rate": "repeat_rate", "Churn rate": "churn_rate",
    "Satisfaction": "satisfaction.average",
    # while the period runs: the same days of the two periods
    "流失率（同期）": "churn_rate", "Churn rate (same days)": "churn_rate",
}
KPI_CHANGES = {
    "sales": {"环比": "mom", "同比": "yoy", "较上周": "mom", "较上年": "mom", "较上年同期": "mom", "MoM": "mom",
              "WoW": "mom", "QoQ": "mom", "vs last year": "mom", "vs last year (same days)": "mom", "YoY": "yoy"},
    "orders": {"环比": "orders_mom", "同比": "orders_yoy", "较上周": "orders_mom", "较上年": "orders_mom",
               "较上年同期": "orders_mom", "MoM": "orders_mom", "WoW": "orders_mom", "QoQ": "orders_mom",
               "vs last year": "orders_mom", "vs last year (same days)": "orders_mom", "YoY": "orders_yoy"},
    "aov": {"环比": "aov_mom", "较上年": "aov_mom", "较上年同期": "aov_mom", "MoM": "aov_mom", "WoW": "aov_mom",
            "QoQ": "aov_mom", "vs last year": "aov_mom", "vs last year (same days)": "aov_mom"},
    "satisfaction.average": {"较上期（分）": "satisfaction.change", "vs last period (points)": "satisfaction.change"},
}
KPI_NOTES = [
    (re.compile(r"^周?目标 (%s)$" % MONEY), "target", "money"),
    (re.compile(r"^Target (%s)$" % MONEY), "target", "money"),
    (re.compile(r"^目标 (%s)$" % NUM), "new_customer_target", "num"),
    (re.compile(r"^Target (%s)$" % NUM), "new_customer_target", "num"),
    (re.compile(r"^时间进度 (%s)$" % PCT), "time_progress", "frac"),
    (re.compile(r"^time elapsed (%s)$" % PCT), "time_progress", "frac"),
]


def check_value(c, printed, expected, what):
    printed = printed.strip()
    if printed == "—" or printed == "":
        return [] if expected is None or printed == "" else ["%s printed as — but is %s" % (what, expected)]
    if re.fullmatch(MONEY, printed):
        return c.money(printed, expected, what)
    if re.fullmatch(r"[+-]?" + PCT.lstrip("-"), printed):
        return c.frac(printed, expected, what)
    if re.fullmatch(r"[+-]?" + NUM, printed):
        return c.num(printed.lstrip("+"), expected, what)
    return c.cond(printed == str(expected), "%s printed as %s, is %s" % (what, printed, expected))


def check_kpi(k, c):
    probs = []
    key = KPI_VALUES.get(k["label"])
    if key is None:
        return ["KPI card %r: no checker knows this card" % k["label"]], 0
    n = 1
    probs += check_value(c, k["value"], get(c.m, key), "KPI %s" % k["label"])
    if key == "churn_rate" and (k["label"] in ("流失率（同期）", "Churn rate (same days)")) == c.complete:
        probs.append("KPI %r while period.complete is %s: churn over the same days is the running period's" % (
            k["label"], c.complete))
    for ch in k["changes"]:
        mo = re.match(r"^(?P<label>.+?) (?:(?P<arrow>[▲▼–]) ?)?(?P<val>[+-]?\d[\d,]*(?:\.\d+)?%?)$", ch["text"])
        if not mo:
            probs.append("KPI %s change %r not understood" % (k["label"], ch["text"]))
            continue
        ckey = KPI_CHANGES.get(key, {}).get(mo.group("label"))
        if ckey is None:
            probs.append("KPI %s change label %r: no checker knows it" % (k["label"], mo.group("label")))
            continue
        n += 1
        v = get(c.m, ckey)
        what = "KPI %s %s" % (k["label"], mo.group("label"))
        # a label that says 同期 (the same days) is true only while the period is in progress
        if ("同期" in mo.group("label") or "same days" in mo.group("label")) == bool(get(c.m, "period.complete")) and mo.group("label") in ("较上年", "较上年同期", "vs last year", "vs last year (same days)"):
            probs.append("%s: the label says %s, but the period is %s" % (
                what, mo.group("label"), "complete" if get(c.m, "period.complete") else "in progress"))
        if v is None:
            probs.append("%s printed as %s, but %s is unknown (null)" % (what, ch["text"], ckey))
            continue
        val = mo.group("val")
        probs += c.frac(val, v, what) if val.endswith("%") else c.num(val.lstrip("+"), v, what)
        arrow = mo.group("arrow")
        if arrow == "▲" and not v > 0:
            probs.append("%s shows ▲ but %s = %s" % (what, ckey, v))
        if arrow == "▼" and not v < 0:
            probs.append("%s shows ▼ but %s = %s" % (what, ckey, v))
    if k["note"]:
        for rx, nkey, kind in KPI_NOTES:
            mo = rx.match(k["note"])
            if mo:
                n += 1
                probs += check_value(c, mo.group(1), get(c.m, nkey), "KPI %s note" % k["label"])
                break
        else:
            probs.append("KPI %s note %r: no checker knows it" % (k["label"], k["note"]))
    return probs, n


TABLE_KEYS = [  # header of the column that names the row -> the list of the metrics
    (("姓名", "销售人员", "Rep"), "reps"), (("团队",), "teams"), (("渠道", "Channel"), "channels"),
    (("类别",), "categories"), (("产品",), "products"), (("大区",), "regions"), (("问题", "Problem"), "actions.items"),
]
TABLE_FIELDS = {
    "销售额": "sales", "实际": "sales", "Sales": "sales", "订单": "orders", "Orders": "orders", "客单价": "aov",
    "目标": "target", "Target": "target", "达成率": "attainment", "Attainment": "attainment", "新客户": "new_customers",
    "New customers": "new_customers", "拜访": "activities", "Visits": "activities", "满意度": "satisfaction",
    "环比": "mom", "较上周": "mom", "较上年": "mom", "较上年同期": "mom", "MoM": "mom", "同比": "yoy", "YoY": "yoy", "占比": "share",
    "Share": "share", "累计占比": "cum_share", "差额": "=diff", "Difference": "=diff", "大区": "region", "团队": "team",
    "负责人": "owner", "Owner": "owner", "截止日期": "due", "截止": "due", "Due": "due", "状态": "=state",
    "Status": "=state",
}


def _sum(rows, f):
    vals = [f(r) for r in rows]
    vals = [v for v in vals if isinstance(v, (int, float))]
    return sum(vals) if vals else None


def _div(a, b):
    return None if a is None or not b else a / b


def check_table(t, c):
    head = t["head"]
    listname = None
    keycol = None
    for names, lname in TABLE_KEYS:
        for i, h in enumerate(head):
            if h in names:
                listname, keycol = lname, i
                break
        if listname:
            break
    if listname is None:
        return [], 0
    items = get(c.m, listname) if "." in listname else c.m[listname]
    keyfield = "problem" if listname == "actions.items" else "name"
    by_name = {}
    for x in items:
        by_name.setdefault(x[keyfield], x)
    probs, n = [], 0
    shown = []
    for row in t["rows"]:
        if len(row) != len(head):
            continue
        name = row[keycol]["text"]
        x = by_name.get(name)
        if x is None:
            probs.append("table %r: row %s is not in the metrics' %s" % (t["caption"] or head[0], name, listname))
            continue
        shown.append(x)
        for i, h in enumerate(head):
            if i == keycol or h not in TABLE_FIELDS:
                continue
            f = TABLE_FIELDS[h]
            cell = row[i]["text"]
            what = "table %r, %s, column %s" % (t["caption"] or head[0], name, h)
            n += 1
            if f == "=diff":
                e = None if x.get("target") is None else x["sales"] - x["target"]
                probs += check_value(c, cell, e, what)
            elif f == "=state":
                st = x["state"]
                mo = re.match(r"^(?:逾期 (\d+) 天|(\d+) days overdue|overdue by (\d+) days?)$", cell)
                if mo:
                    probs += c.cond(st == "overdue", "%s says overdue, state is %s" % (what, st))
                    probs += c.num(mo.group(1) or mo.group(2) or mo.group(3), x.get("days_overdue"), what + " (days overdue)")
                else:
                    exp = {"已完成": "done", "done": "done", "进行中": "open", "open": "open"}.get(cell)
                    probs += c.cond(exp == st, "%s printed as %s, state is %s" % (what, cell, st))
            elif f in ("region", "team", "owner", "due"):
                probs += c.cond(cell == (x.get(f) or ""), "%s printed as %s, is %s" % (what, cell, x.get(f)))
            else:
                probs += check_value(c, cell, x.get(f), what)
    # the totals row: computed from the rows shown, as the templates say
    for row in t["foot"]:
        if len(row) != len(head):
            continue
        for i, h in enumerate(head):
            if i == keycol or h not in TABLE_FIELDS or not row[i]["text"]:
                continue
            f = TABLE_FIELDS[h]
            what = "table %r, totals row, column %s" % (t["caption"] or head[0], h)
            e = "skip"
            if f in ("sales", "orders", "new_customers", "activities", "target"):
                e = _sum(shown, lambda r: r.get(f))
            elif f == "=diff":
                e = _sum(shown, lambda r: None if r.get("target") is None else r["sales"] - r["target"])
            elif f == "attainment":
                e = _div(_sum(shown, lambda r: r["sales"] if r.get("target") is not None else None),
                         _sum(shown, lambda r: r.get("target")))
            elif f == "aov":
                e = _div(_sum(shown, lambda r: r["sales"]), _sum(shown, lambda r: r.get("orders")))
            elif f in ("mom", "yoy"):
                if listname in ("channels", "categories"):
                    e = c.m[f]          # total="mom" / "yoy": the scope's own change
                else:
                    base = "prev_sales" if f == "mom" else "yoy_sales"
                    s = _sum(shown, lambda r: r["sales"])
                    b = _sum(shown, lambda r: r.get(base))
                    e = None if s is None or not b else s / b - 1
            elif f == "satisfaction":
                e = _div(_sum(shown, lambda r: None if r.get("satisfaction") is None else r["satisfaction"] * r["responses"]),
                         _sum(shown, lambda r: r.get("responses") if r.get("satisfaction") is not None else None))
            if e == "skip":
                continue
            n += 1
            probs += check_value(c, row[i]["text"], e, what)
    return probs, n


# ---------------------------------------------------------------------------------------------
# Missing tables: nothing shown may mention a subject the data has no table for

MISSING_WORDS = {
    "activities": ["拜访", "visit"],
    "surveys": ["满意度", "回访", "satisfaction", "survey"],
    "targets": ["目标", "target"],
    "actions": ["措施", "逾期", "action", "overdue"],
}


# Shown text that names such a subject and is still right without its table. Keep it short.
MISSING_ALLOW = [
    # the retrospective's first step is called 回顾目标 whatever the data: the goals looked back on are
    # the manager's (notes part "goals"), not only the targets table
    ("h", re.compile(r"^[一二三四五六七八九十\d]+[、.] ?回顾目标$")),
]


def missing_problems(block, c):
    out = []
    text = block["text"]
    if any(kind == block["kind"] and rx.search(text) for kind, rx in MISSING_ALLOW):
        return out
    low = text.lower()
    for table, words in MISSING_WORDS.items():
        if c.m["data"][table]:
            continue
        for w in words:
            if (w in low) if w.isascii() else (w in text):
                out.append("mentions %s (%s) but the data has no %s table" % (w, block["kind"], table))
                break
    return out


# ---------------------------------------------------------------------------------------------
# Scenario design: the figures must go the way each scenario is meant to, or the test proves little

def design_problems(scn, m, scope):
    out = []
    def want(ok, what):
        if not ok:
            out.append("scenario not as designed: %s" % what)
    sat = m["satisfaction"]
    if scn == "rising":
        want(m["mom"] is not None and m["mom"] > 0, "mom > 0 (is %s)" % m["mom"])
        want(m["yoy"] is not None and m["yoy"] > 0, "yoy > 0 (is %s)" % m["yoy"])
        want(m["attainment"] is not None and m["attainment"] > 1, "attainment > 1 (is %s)" % m["attainment"])
        want(sat["change"] is not None and sat["change"] > 0, "satisfaction up (is %s)" % sat["change"])
    elif scn == "falling":
        want(m["mom"] is not None and m["mom"] < 0, "mom < 0 (is %s)" % m["mom"])
        want(m["yoy"] is not None and m["yoy"] < 0, "yoy < 0 (is %s)" % m["yoy"])
        want(m["attainment"] is not None and m["attainment"] < 0.8, "attainment < 0.8 (is %s)" % m["attainment"])
        want(sat["change"] is not None and sat["change"] < 0, "satisfaction down (is %s)" % sat["change"])
        want(m["new_customer_target"] is not None and m["new_customers"] < m["new_customer_target"],
             "new customers short of target (%s of %s)" % (m["new_customers"], m["new_customer_target"]))
    elif scn == "flat":
        want(m["sales"] == m["prev_sales"] == m["yoy_sales"], "sales == prev_sales == yoy_sales (%s, %s, %s)" % (
            m["sales"], m["prev_sales"], m["yoy_sales"]))
    elif scn == "inprogress":
        want(not m["period"]["complete"], "the period in progress")
        if scope == "company":
            a = [t["attainment"] >= m["time_progress"] for t in m["teams"] if t["attainment"] is not None]
            want(any(a) and not all(a), "some teams ahead of the calendar and some behind")
    elif scn == "notarget":
        want(not m["data"]["targets"] and m["target"] is None, "no targets")
    elif scn == "noprev":
        want(m["prev_sales"] is None and m["yoy_sales"] is None, "no previous period (prev %s, yoy %s)" % (
            m["prev_sales"], m["yoy_sales"]))
    elif scn == "ordersonly":
        want(not any(m["data"][k] for k in ("targets", "roster", "surveys", "activities", "actions")), "orders only")
    return out


# ---------------------------------------------------------------------------------------------
# Self-test: a false claim must fail. Every sentence that passed is changed in one place (a direction
# word swapped, one printed figure's last digit changed, one name replaced), and each change must
# make the check fail.

SWAPS = [("增长", "下降"), ("增加", "减少"), ("领先时间进度", "落后于时间进度"), ("提高", "下降"), ("超额完成", "距目标还差"),
         ("超出", "差"), ("超额", "差"), ("已完成", "差 1 家"), ("增量最大", "减少最多"), ("同期", ""), ("至今", ""),
         ("持平", "增长 1.0%"),
         ("rose", "fell"), ("ahead of", "behind"), ("higher", "lower"), ("largest increase", "largest drop"),
         (", up ", ", down "), ("trails", "is ahead of"), ("above it", "short"), ("exactly on target", "¥1.00 above it"),
         ("on or above target", "already at target"), ("met it", "are keeping pace with the calendar"),
         ("attained less than 80%", "are more than a fifth behind"), ("meeting the target", "1 short of the target"), ("were flat", "rose 1.0%"),
         ("level with", "¥1.00 higher than"), (", level on", ", up 0.10 points on"), ("the same days of ", ""),
         ("the same days", "the same month"), (" so far", ""),
         # an amount short (the period is over) or to go (it runs): "¥1.20M short", "(target 5: 2 to go)"
         (re.compile(r"(?<=[\dKMB]) (short|to go)\b"), {"short": "to go", "to go": "short"})]
FIGURE = re.compile(r"\d(?=(?:[,.]\d+)*(?:%|元|万元|亿元|个百分点| pp| 家| 笔| 分| 倍| 次| 天| 项|[KMB]?\)| a day|\b))")


def mutations(s, c):
    for a, b in SWAPS:
        if isinstance(a, re.Pattern):
            mo = a.search(s)
            if mo:
                yield s[:mo.start(1)] + b[mo.group(1)] + s[mo.end(1):], "%s -> %s" % (mo.group(1), b[mo.group(1)])
            continue
        for x, y in ((a, b), (b, a)):
            if x and x in s:
                yield s.replace(x, y, 1), "%s -> %s" % (x, y or "(nothing)")
                break
    for mo in FIGURE.finditer(s):
        i = mo.start()
        # the last digit of a printed figure (skip 80% / 60%, constants of the wording)
        if re.match(r"[86]0%", s[i - 1:i + 2]):
            continue
        d = str((int(s[i]) + 3) % 10)
        yield s[:i] + d + s[i + 1:], "figure digit %s -> %s at %d" % (s[i], d, i)
    names = [r["name"] for r in c.m["reps"]] + [t["name"] for t in c.m["teams"]]
    rec = {**c.teams, **c.reps}

    def twins(x, n):    # the same sales or attainment (within the checkers' tolerance, and float noise): a tie,
        ax, an = rec[x].get("attainment"), rec[n].get("attainment")    # the claim may hold of either
        return (abs(rec[x]["sales"] - rec[n]["sales"]) < 0.01
                or (ax is None) == (an is None) and (ax is None or abs(ax - an) <= 2 * EPS))
    for n in names:
        if n in s:
            other = next((x for x in names if x != n and x not in s and
                          (x in c.reps) == (n in c.reps) and not twins(x, n)), None)
            if other:
                yield s.replace(n, other, 1), "name %s -> %s" % (n, other)
            break


def _bump(text):
    """The text with the last digit of its figure changed, or None."""
    mo = None
    for mo in re.finditer(r"\d", text):
        pass
    if mo is None:
        return None
    i = mo.start()
    return text[:i] + str((int(text[i]) + 3) % 10) + text[i + 1:]


def self_test_figures(cards, tables, fail):
    """Each KPI card's value and changes, and one row and the totals of each table, changed one at a time."""
    import copy
    tried = caught = 0
    for where, k, c in cards:
        fields = [("value", None)] + [("changes", i) for i in range(len(k["changes"]))]
        for f, i in fields:
            m = copy.deepcopy(k)
            if i is None:
                new = _bump(m[f])
                if new is None:
                    continue
                m[f] = new
            else:
                new = _bump(m[f][i]["text"])
                if new is None:
                    continue
                m[f][i]["text"] = new
            tried += 1
            if check_kpi(m, c)[0]:
                caught += 1
            else:
                fail(where, m["text"], "self-test: a changed KPI figure passed (%s)" % new)
    for where, t, c in tables:
        rows = ([("rows", 0)] if t["rows"] else []) + ([("foot", 0)] if t["foot"] else [])
        for part, r in rows:
            for col in range(len(t[part][r])):
                m = copy.deepcopy(t)
                cell = m[part][r][col]
                if col >= len(t["head"]) or t["head"][col] not in TABLE_FIELDS or not re.search(r"\d", cell["text"]):
                    continue
                if t["head"][col] in ("截止日期", "截止", "Due"):
                    continue
                cell["text"] = _bump(cell["text"])
                tried += 1
                if check_table(m, c)[0]:
                    caught += 1
                else:
                    fail(where, "%s: %s" % (t["caption"] or t["head"][0], cell["text"]),
                         "self-test: a changed table figure passed (%s, column %s)" % (part, t["head"][col]))
    return tried, caught


def self_test(passed, fail):
    tried = caught = 0
    for where, s, c in passed:
        for mutated, how in mutations(s, c):
            if mutated == s:
                continue
            tried += 1
            stats = {"claims": 0, "hits": {}}
            if check_sentence(mutated, c, stats):
                caught += 1
            else:
                fail(where, mutated, "self-test: a false claim passed the check (%s)" % how)
    return tried, caught


# ---------------------------------------------------------------------------------------------
# Running fupan

MAX_HTML = 2_000_000     # a report of these small exports is about 100 KB; more means a runaway chart


def largest_chart(path):
    """The title and size of the largest inline chart of a (too large) report, read in chunks."""
    starts = []
    rx = re.compile(rb'<svg\b[^>]*?aria-label="([^"]*)"')
    with open(path, "rb") as f:
        pos, tail = 0, b""
        while True:
            chunk = f.read(1 << 24)
            if not chunk:
                break
            buf = tail + chunk
            base = pos - len(tail)
            for mo in rx.finditer(buf):
                if not starts or starts[-1][0] < base + mo.start():
                    starts.append((base + mo.start(), mo.group(1).decode("utf-8", "replace")))
            tail = buf[-4096:]
            pos += len(chunk)
    if not starts:
        return "?", 0
    ends = [s for s, _ in starts[1:]] + [pos]
    size, label = max((e - s, lab) for (s, lab), e in zip(starts, ends))
    return label, size


def template_periods():
    out = {}
    for t in TEMPLATES:
        root = ET.parse(os.path.join(ROOT, "templates", split_template(t)[0] + ".xml")).getroot()
        kinds = root.get("periods") or "week,month,quarter,year"
        out[t] = [k.strip() for k in kinds.split(",") if k.strip()]
    return out


def run(cmd, env, timeout):
    try:
        r = subprocess.run(cmd, capture_output=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, "", "did not finish in %g s (a report of these small exports takes about 0.1 s)" % timeout
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fupan", default=os.environ.get("FUPAN_BIN") or "", help="the fupan binary (default: build/fupan)")
    ap.add_argument("--only", action="append", help="only this scenario (repeatable)")
    ap.add_argument("--template", action="append", help="only this template (repeatable)")
    ap.add_argument("--keep", help="keep the scenarios and reports in this folder")
    ap.add_argument("--jobs", type=int, default=max(2, os.cpu_count() or 2))
    ap.add_argument("--timeout", type=float, default=3, help="seconds one fupan command may take (default 3)")
    ap.add_argument("--self-test", action="store_true",
                    help="also change every passing sentence in one place and check that the change is caught")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every sentence and which checkers fired")
    args = ap.parse_args()

    fupan = args.fupan or next((p for p in (os.path.join(ROOT, "build", "fupan"), os.path.join(ROOT, "fupan"))
                                if os.path.exists(p)), "fupan")
    fupan = os.path.abspath(fupan) if os.path.sep in fupan else fupan
    if not (shutil.which(fupan) or os.path.exists(fupan)):
        ap.error("no fupan binary at %s (build it, or give --fupan PATH)" % fupan)
    for n in args.only or []:
        if n not in scenarios.SCENARIOS:
            ap.error("unknown scenario %s (scenarios: %s)" % (n, ", ".join(scenarios.SCENARIOS)))
    for t in args.template or []:
        if t not in TEMPLATES:
            ap.error("unknown template %s (templates: %s)" % (t, ", ".join(TEMPLATES)))
    env = dict(os.environ)
    env.setdefault("FUPAN_DATADIR", os.path.join(ROOT, "templates"))
    env["SOURCE_DATE_EPOCH"] = "1767225600"
    env["LC_ALL"] = "C"

    t0 = time.time()
    work = args.keep or tempfile.mkdtemp(prefix="fupan-claims-")
    if args.keep:
        os.makedirs(work, exist_ok=True)
    periods = template_periods()
    names = args.only or list(scenarios.SCENARIOS)
    templates = args.template or TEMPLATES
    infos = {n: scenarios.generate(n, os.path.join(work, "data", n)) for n in names}

    # the queries: one metrics call per (scenario, scope, period), one render per report
    jobs_metrics = {}
    jobs_render = []
    for n in names:
        info = infos[n]
        for t in templates:
            scopes = [None] if split_template(t)[0] in COMPANY_ONLY else [None, info["team"]]
            for kind in periods[t]:
                per = info["periods"][kind]
                for sc in scopes:
                    jobs_metrics[(n, sc, per)] = None
                    out = os.path.join(work, "out", n, t, kind, sc or "company")
                    jobs_render.append((n, t, kind, per, sc, out))

    def do_metrics(key):
        n, sc, per = key
        info = infos[n]
        cmd = [fupan, "metrics", "--data", info["dir"], "--period", per, "--as-of", info["as_of"], "--format", "json"]
        if sc:
            cmd += ["--team", sc]
        return key, run(cmd, env, args.timeout)

    def do_render(job):
        n, t, kind, per, sc, out = job
        info = infos[n]
        os.makedirs(out, exist_ok=True)
        name, lang = split_template(t)
        cmd = [fupan, "render", "--template", name, "--lang", lang, "--data", info["dir"], "--period", per,
               "--as-of", info["as_of"], "--format", "html", "--out", out]
        if sc:
            cmd += ["--team", sc]
        return job, run(cmd, env, args.timeout)

    failures = []
    passed, cards, tables = [], [], []
    stats = {"claims": 0, "sentences": 0, "reports": 0, "hits": {}, "cells": 0}

    def fail(where, sentence, problem):
        failures.append("%s | %s | %s" % (where, sentence, problem))

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        metrics = {}
        for key, (rc, out, err) in ex.map(do_metrics, list(jobs_metrics)):
            n, sc, per = key
            if rc != 0:
                fail("%s | %s | %s | %s" % ("metrics", n, sc or "全公司", per), "", "fupan metrics exit %d: %s" % (rc, err.strip()))
                continue
            metrics[key] = json.loads(out)
        renders = list(ex.map(do_render, jobs_render))

    for (n, sc, per), m in sorted(metrics.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2])):
        for p in design_problems(n, m, "team" if sc else "company"):
            fail("%s | %s | %s | %s" % ("design", n, sc or "全公司", per), "", p)

    for (n, t, kind, per, sc, out), (rc, _, err) in renders:
        where = "%s | %s | %s | %s" % (t, n, sc or "全公司", per)
        if rc != 0:
            fail(where, "", "fupan render exit %d: %s" % (rc, err.strip()))
            continue
        m = metrics.get((n, sc, per))
        if m is None:
            continue
        htmls = [f for f in os.listdir(out) if f.endswith(".html")]
        if len(htmls) != 1:
            fail(where, "", "expected one HTML file in %s, found %s" % (out, htmls))
            continue
        path = os.path.join(out, htmls[0])
        size = os.path.getsize(path)
        if size > MAX_HTML:
            label, chart = largest_chart(path)
            fail(where, "", "the report is %.1f MB, of which the chart %r is %.1f MB (a report of these exports is about "
                 "0.1 MB); its text is not checked" % (size / 1e6, label, chart / 1e6))
            continue
        with open(path, encoding="utf-8") as f:
            blocks, lang = htmltext.read_report(f.read())
        stats["reports"] += 1
        c = Ctx(m, lang, t, n, sc or "company", per)
        for b in blocks:
            for p in missing_problems(b, c):
                fail(where, b["text"][:160], p)
            if b["kind"] in ("p", "li", "cover"):
                for s in sentences(b["text"], lang):
                    stats["sentences"] += 1
                    before = stats["claims"]
                    probs = check_sentence(s, c, stats)
                    if args.verbose:
                        print("  %s [%d claim(s)] %s" % (where, stats["claims"] - before, s))
                    for p in probs:
                        fail(where, s, p)
                    if not probs and stats["claims"] > before:
                        passed.append((where, s, c))
                for p in block_problems(b, c):
                    fail(where, b["text"], p)
            elif b["kind"] == "kpi":
                probs, k = check_kpi(b, c)
                stats["cells"] += k
                for p in probs:
                    fail(where, b["text"], p)
                if not probs:
                    cards.append((where, b, c))
            elif b["kind"] == "table":
                probs, k = check_table(b, c)
                stats["cells"] += k
                for p in probs:
                    fail(where, (b["caption"] or " ".join(b["head"]))[:80], p)
                if not probs and k:
                    tables.append((where, b, c))

    if args.self_test:
        tried, caught = self_test(passed, fail)
        print("self-test: %d of %d changed sentences caught" % (caught, tried))
        tried, caught = self_test_figures(cards, tables, fail)
        print("self-test: %d of %d changed KPI and table figures caught" % (caught, tried))
    for line in failures:
        print(line)
    if args.verbose:
        print("checkers fired: " + ", ".join("%s %d" % (k, v) for k, v in sorted(stats["hits"].items())))
        idle = [name for name, _, _ in CHECKERS if name not in stats["hits"]]
        if idle:
            print("checkers that recognised nothing: " + ", ".join(idle))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print("claims: %d reports, %d sentences checked, %d failures (%d claims in sentences and %d KPI/table figures "
          "checked, %.1f s)" % (stats["reports"], stats["sentences"], len(failures), stats["claims"], stats["cells"],
                                time.time() - t0))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
