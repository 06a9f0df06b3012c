#!/usr/bin/env python3
"""A second, independent implementation of `fupan metrics`.

Written from docs/metrics.md (the definitions and the JSON contract) and
docs/data.md (profiles, tables, value formats) alone; it shares no code with
src/. Standard library only.

As a library:

    ds = Dataset.load("samples/demo")                 # parse once
    ds.metrics("team", "华东一组", "2026-03", "2026-03-31")   # -> dict (the JSON object)
    # raises Refused for a period the data's span does not allow

As a command, mirroring fupan:

    oracle.py metrics --data DIR [--profile FILE|crm-export] --period P
              [--team T | --region R | --rep N] [--as-of YYYY-MM-DD]

prints the JSON object (exit 0) or the refusal (exit 1).
"""
import argparse
import bisect
import csv
import datetime as dt
import io
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from decimal import Decimal, ROUND_HALF_UP
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
EMPTY_NAME = "(未填)"
ONE_DAY = dt.timedelta(days=1)


class Refused(Exception):
    """The period is outside what the data allows (fupan exits with status 1)."""


class DataError(Exception):
    pass


# ============================================================== value formats
_ASCII_LOWER = {c: c + 32 for c in range(65, 91)}


def header_key(s):
    return s.strip().lstrip("\ufeff").strip().translate(_ASCII_LOWER)


UNITS = {"元": 1, "千元": 1000, "万元": 10000, "亿元": 100000000}
_SUFFIX = [("亿元", 100000000), ("万元", 10000), ("千元", 1000), ("亿", 100000000), ("万", 10000),
           ("千", 1000), ("元", 1)]
_NUM_RE = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$|^\d+(\.\d*)?$|^\.\d+$")


def round_half_away(x):
    """Round a Fraction/Decimal/int to an int, halves away from zero."""
    x = Fraction(x)
    n, d = abs(x.numerator), x.denominator
    q, r = divmod(n, d)
    if 2 * r >= d:
        q += 1
    return q if x >= 0 else -q


def rdiv(a, b):
    """a / b rounded half away from zero (b != 0)."""
    return round_half_away(Fraction(a) / Fraction(b))


# docs/data.md, currency on <profile>: the signs and codes a cell may write before or after the number,
# and the Chinese name after it
CURRENCY_SIGNS = {"CNY": ("RMB", "CNY", "¥", "￥"), "USD": ("US$", "USD", "$"), "EUR": ("€", "EUR"),
                  "GBP": ("£", "GBP"), "HKD": ("HK$", "HKD", "$"), "JPY": ("JP¥", "JPY", "¥", "￥")}
CURRENCY_ZH = {"CNY": "元", "USD": "美元", "EUR": "欧元", "GBP": "英镑", "HKD": "港元", "JPY": "日元"}
CURRENCY = ["CNY"]          # the profile's, set when a data folder is loaded


def parse_money(s, unit="元"):
    """A money cell -> hundredths of the unit (int), or None when empty."""
    t = s.strip()
    if not t:
        return None
    cur = CURRENCY[0]
    zh = CURRENCY_ZH[cur]
    for sign in CURRENCY_SIGNS[cur]:      # after the number: 12.50 USD
        if t.endswith(sign) and cur != "CNY":
            t = t[: -len(sign)].strip()
            break
    if cur != "CNY" and t.endswith(zh):   # 1.2万美元
        t = t[: -len(zh)].strip() + "元"
    neg = False
    if t.startswith("(") and t.endswith(")"):
        neg, t = True, t[1:-1].strip()
    changed = True
    while changed:
        changed = False
        if t.startswith("-"):
            neg, t, changed = not neg, t[1:].strip(), True
        for p in CURRENCY_SIGNS[cur]:
            if t.upper().startswith(p):
                t, changed = t[len(p):].strip(), True
    mult = UNITS.get(unit or "元", 1)
    for suf, m in _SUFFIX:
        if t.endswith(suf):
            mult, t = m, t[: -len(suf)].strip()
            break
    if not _NUM_RE.match(t):
        raise DataError(f"cannot read {s!r} as money")
    fen = round_half_away(Decimal(t.replace(",", "")) * mult * 100)
    return -fen if neg else fen


def parse_number(s):
    t = s.strip()
    if not t:
        return None
    neg = t.startswith("-")
    if neg:
        t = t[1:]
    if not _NUM_RE.match(t):
        raise DataError(f"cannot read {s!r} as a number")
    v = Fraction(Decimal(t.replace(",", "")))
    return -v if neg else v


_DATE_RES = [re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[\sT])"),
             re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日"),
             re.compile(r"^(\d{4})(\d{2})(\d{2})(?:$|[\sT])")]
_MONTH_RES = [re.compile(r"^(\d{4})[-/.](\d{1,2})$"), re.compile(r"^(\d{4})年(\d{1,2})月$"),
              re.compile(r"^(\d{4})(\d{2})$")]


def parse_date(s):
    t = s.strip()
    if not t:
        return None
    for r in _DATE_RES:
        m = r.match(t)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    raise DataError(f"cannot read {s!r} as a date")


def parse_month(s):
    t = s.strip()
    if not t:
        return None
    for r in _MONTH_RES:
        m = r.match(t)
        if m:
            y, mo = int(m.group(1)), int(m.group(2))
            if 1 <= mo <= 12:
                return (y, mo)
    d = parse_date(t)
    return (d.year, d.month)


# ============================================================== profile and CSV
class TableSpec:
    def __init__(self, el, default_encoding):
        self.table = el.tag
        self.file = el.get("file")
        self.encoding = el.get("encoding", default_encoding)
        self.delimiter = el.get("delimiter")
        self.required = el.get("required")
        self.columns = {}       # canonical -> [header alternatives]
        self.units = {}
        for c in el.findall("column"):
            self.columns[c.get("name")] = [h for h in (x.strip() for x in c.get("header", "").split("|")) if h]
            if c.get("unit"):
                self.units[c.get("name")] = c.get("unit").strip()
        self.won = [(w.text or "").strip() for w in el.findall("won")]
        self.done = [(w.text or "").strip() for w in el.findall("done")]
        self.stages = [(w.text or "").strip() for w in el.findall("stage")]


def load_profile(path):
    root = ET.parse(path).getroot()
    enc = root.get("encoding", "auto")
    specs = {}
    for el in root:
        if el.tag in ("orders", "targets", "roster", "surveys", "activities", "actions", "calendar"):
            specs[el.tag] = TableSpec(el, enc)
    # the profile's currency (data.currency): an ISO code, CNY when not given
    return specs, (root.get("currency") or "CNY").upper()


def decode(raw, encoding):
    enc = (encoding or "auto").lower()
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    if raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"):
        return raw.decode("utf-16")
    if enc == "auto":
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("gb18030")
    if enc in ("gbk", "gb2312", "gb18030"):
        return raw.decode("gb18030")
    return raw.decode(enc)


def sniff_delimiter(text):
    line = text.split("\n", 1)[0]
    counts = {d: 0 for d in ",;|\t"}
    inq = False
    for ch in line:
        if ch == '"':
            inq = not inq
        elif not inq and ch in counts:
            counts[ch] += 1
    best = max(counts.values())
    if best == 0:
        return ","
    for d in ",;|\t":
        if counts[d] == best:
            return d


class Table:
    """The rows of one CSV file, as dicts canonical column -> trimmed text."""

    def __init__(self, spec, data_dir):
        path = spec.file if os.path.isabs(spec.file) else os.path.join(data_dir, spec.file)
        self.path = path
        with open(path, "rb") as fh:
            text = decode(fh.read(), spec.encoding)
        delim = {"tab": "\t", None: None}.get(spec.delimiter, spec.delimiter)
        delim = delim or sniff_delimiter(text)
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
        if not rows:
            raise DataError(f"{path}: empty")
        header = [header_key(h) for h in rows[0]]
        self.index = {}
        for canon, alts in spec.columns.items():
            for alt in alts:
                k = header_key(alt)
                if k in header:
                    self.index[canon] = header.index(k)
                    break
        self.rows = []
        for r in rows[1:]:
            cells = [c.strip() for c in r]
            if not any(cells):
                continue
            self.rows.append({canon: (cells[i] if i < len(cells) else "") for canon, i in self.index.items()})

    def has(self, col):
        return col in self.index


# ============================================================== periods
def add_months(y, m, n):
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def month_end(y, m):
    ny, nm = add_months(y, m, 1)
    return dt.date(ny, nm, 1) - ONE_DAY


def iso_weeks(y):
    return dt.date(y, 12, 28).isocalendar()[1]


class Period:
    __slots__ = ("kind", "y", "n", "start", "end")

    def __init__(self, kind, y, n):
        self.kind, self.y, self.n = kind, y, n
        if kind == "week":
            self.start = dt.date.fromisocalendar(y, n, 1)
            self.end = self.start + dt.timedelta(days=6)
        elif kind == "month":
            self.start, self.end = dt.date(y, n, 1), month_end(y, n)
        elif kind == "quarter":
            self.start, self.end = dt.date(y, 3 * n - 2, 1), month_end(y, 3 * n)
        else:
            self.start, self.end = dt.date(y, 1, 1), dt.date(y, 12, 31)

    @staticmethod
    def parse(s):
        s = s.strip()
        m = re.match(r"^(\d{4})-?W(\d{1,2})$", s)
        if m:
            y, w = int(m.group(1)), int(m.group(2))
            if not 1 <= w <= iso_weeks(y):
                raise ValueError(s)
            return Period("week", y, w)
        m = re.match(r"^(\d{4})-Q([1-4])$", s)
        if m:
            return Period("quarter", int(m.group(1)), int(m.group(2)))
        m = re.match(r"^(\d{4})-(\d{1,2})$", s)
        if m and 1 <= int(m.group(2)) <= 12:
            return Period("month", int(m.group(1)), int(m.group(2)))
        m = re.match(r"^(\d{4})$", s)
        if m:
            return Period("year", int(m.group(1)), 0)
        raise ValueError(f"bad period {s!r}")

    @staticmethod
    def containing(kind, d):
        if kind == "week":
            y, w, _ = d.isocalendar()
            return Period("week", y, w)
        if kind == "month":
            return Period("month", d.year, d.month)
        if kind == "quarter":
            return Period("quarter", d.year, (d.month - 1) // 3 + 1)
        return Period("year", d.year, 0)

    def shift(self, k):
        if self.kind == "week":
            return Period.containing("week", self.start + dt.timedelta(days=7 * k))
        if self.kind == "month":
            y, m = add_months(self.y, self.n, k)
            return Period("month", y, m)
        if self.kind == "quarter":
            y, m = add_months(self.y, 3 * self.n - 2, 3 * k)
            return Period("quarter", y, (m - 1) // 3 + 1)
        return Period("year", self.y + k, 0)

    def year_ago(self):
        if self.kind == "week":
            y = self.y - 1
            return Period("week", y, min(self.n, iso_weeks(y)) if self.n == 53 else self.n)
        if self.kind == "year":
            return Period("year", self.y - 1, 0)
        return Period(self.kind, self.y - 1, self.n)

    @property
    def label(self):
        return {"week": f"{self.y}-W{self.n:02d}", "month": f"{self.y}-{self.n:02d}",
                "quarter": f"{self.y}-Q{self.n}", "year": f"{self.y}"}[self.kind]

    @property
    def label_zh(self):
        return {"week": f"{self.y}年第{self.n}周", "month": f"{self.y}年{self.n}月",
                "quarter": f"{self.y}年第{self.n}季度", "year": f"{self.y}年"}[self.kind]

    @property
    def label_en(self):
        if self.kind == "week":
            return f"week {self.n} of {self.y}"
        if self.kind == "month":
            return ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                    "October", "November", "December"][self.n - 1] + f" {self.y}"
        if self.kind == "quarter":
            return f"Q{self.n} {self.y}"
        return f"{self.y}"

    def months(self):
        out = []
        y, m = self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append((y, m))
            y, m = add_months(y, m, 1)
        return out

    def head(self):
        return {"kind": self.kind, "label": self.label, "label_zh": self.label_zh, "label_en": self.label_en,
                "start": self.start.isoformat(), "end": self.end.isoformat()}

    def key(self):
        return (self.kind, self.y, self.n)


def window_through(cur, through, cmp):
    """Last day of the comparison window `cmp` for the current period `cur` counted to `through`."""
    if through >= cur.end:
        return cmp.end
    if cur.kind == "week":
        return cmp.start + (through - cur.start)
    k = (through.year - cur.start.year) * 12 + through.month - cur.start.month
    y, m = add_months(cmp.start.year, cmp.start.month, k)
    return dt.date(y, m, min(through.day, month_end(y, m).day))


# ============================================================== data
class Line:
    __slots__ = ("idx", "date", "order", "cust", "cname", "rep", "team", "region", "channel", "category",
                 "product", "qty", "price", "amount", "won", "wteam", "wregion")


class TargetRow:
    __slots__ = ("month", "team", "rep", "fen", "nc", "oc", "eff_team")


def d_iso(d):
    return None if d is None else d.isoformat()


def money(fen):
    if fen is None:
        return None
    return fen // 100 if fen % 100 == 0 else fen / 100


def frac(x):
    return None if x is None else float(x)


def num(x):
    if x is None:
        return None
    x = Fraction(x)
    return int(x) if x.denominator == 1 else float(x)


def ratio(a, b):
    """a / b (a float for whole numbers, exact for Fractions), None when either is unknown or b is 0."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def change(a, b):
    r = ratio(a, b)
    return None if r is None else r - 1


def ranked(counter):
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


class Dataset:
    def __init__(self):
        self.cache = {}

    # ---------------------------------------------------------- loading
    @classmethod
    def load(cls, data_dir, profile=None):
        ds = cls()
        if profile is None:
            profile = os.path.join(data_dir, "profile.xml")
        elif not os.path.exists(profile) and re.match(r"^[\w-]+$", profile):
            profile = os.path.join(REPO, "templates", "profiles", profile + ".xml")
        specs, ds.currency = load_profile(profile)
        CURRENCY[0] = ds.currency
        tables = {}
        for name, spec in specs.items():
            path = spec.file if os.path.isabs(spec.file) else os.path.join(data_dir, spec.file)
            if name != "orders" and not os.path.exists(path) and spec.required != "yes":
                continue
            tables[name] = Table(spec, data_dir)
        ds.specs, ds.tables = specs, tables
        ds._load_calendar()
        ds._load_orders()
        ds._load_roster()
        ds._derive_people()
        ds._load_targets()
        ds._load_surveys()
        ds._load_activities()
        ds._load_actions()
        return ds

    def _load_calendar(self):
        self.cal = {}
        t = self.tables.get("calendar")
        if t:
            for r in t.rows:
                d = parse_date(r["date"])
                k = r["kind"].strip().lower()
                if k in ("休", "holiday", "off"):
                    self.cal[d] = False
                elif k in ("班", "workday"):
                    self.cal[d] = True
        self.base = dt.date(1900, 1, 1)
        n = (dt.date(2200, 1, 1) - self.base).days
        pre = [0] * (n + 1)
        acc = 0
        d = self.base
        wd = d.weekday()
        for i in range(n):
            w = self.cal.get(d, wd < 5)
            acc += 1 if w else 0
            pre[i + 1] = acc
            d += ONE_DAY
            wd = (wd + 1) % 7
        self.wd_prefix = pre

    def wd(self, a, b):
        """Working days from a to b inclusive (0 when b < a)."""
        if b < a:
            return 0
        return self.wd_prefix[(b - self.base).days + 1] - self.wd_prefix[(a - self.base).days]

    def _load_orders(self):
        spec, t = self.specs["orders"], self.tables["orders"]
        self.has = {c: t.has(c) for c in ("rep", "team", "region", "channel", "category", "product", "quantity",
                                          "unit_price", "customer_name", "status")}
        won = set(spec.won)
        lines = []
        for i, r in enumerate(t.rows):
            ln = Line()
            ln.idx = i
            ln.date = parse_date(r["date"])
            ln.order = r["order_id"]
            ln.cust = r["customer_id"]
            ln.cname = r.get("customer_name", "")
            ln.rep = r.get("rep", "")
            ln.wteam = r.get("team", "")
            ln.wregion = r.get("region", "")
            ln.channel = r.get("channel", "")
            ln.category = r.get("category", "")
            ln.product = r.get("product", "")
            ln.qty = parse_number(r["quantity"]) if "quantity" in r else None
            if ln.qty is not None and ln.qty.denominator == 1:
                ln.qty = int(ln.qty)
            ln.price = parse_money(r["unit_price"], spec.units.get("unit_price")) if "unit_price" in r else None
            ln.amount = parse_money(r["amount"], spec.units.get("amount"))
            ln.won = (r["status"] in won) if "status" in r else True
            lines.append(ln)
        self.all_lines = lines
        self.first_date = min(l.date for l in lines)
        self.last_date = max(l.date for l in lines)

    def _load_roster(self):
        self.roster = {}            # name -> (team, hire, leave)
        self.roster_region = {}     # team -> region
        t = self.tables.get("roster")
        if not t:
            return
        for r in t.rows:
            self.roster[r["name"]] = (r["team"], parse_date(r.get("hire_date", "")),
                                      parse_date(r.get("leave_date", "")))
            if r.get("region"):
                self.roster_region[r["team"]] = r["region"]

    def _derive_people(self):
        # a person's team: the roster, else their latest order line with a team
        latest_team = {}
        first_region = {}
        for l in self.all_lines:
            if l.wteam:
                k = (l.date, l.idx)
                cur = latest_team.get(l.rep)
                if cur is None or k > cur[0]:
                    latest_team[l.rep] = (k, l.wteam)
                if l.wregion and l.wteam not in first_region:
                    first_region[l.wteam] = l.wregion
        self._latest_team = {p: v[1] for p, v in latest_team.items()}
        self._first_region = first_region
        for l in self.all_lines:
            l.team = l.wteam if self.has["team"] else (self.person_team(l.rep) or "")
            l.region = l.wregion if self.has["region"] else (self.team_region(l.team) or "")
        won = [l for l in self.all_lines if l.won]
        won.sort(key=lambda l: (l.date, l.idx))
        self.won = won
        self.first_line = {}     # customer -> its first won line
        self.last_line = {}      # customer -> its latest won line
        for l in won:
            if l.cust not in self.first_line:
                self.first_line[l.cust] = l
            self.last_line[l.cust] = l

    def person_team(self, p):
        if p is None:
            return None
        if p in self.roster:
            return self.roster[p][0]
        return self._latest_team.get(p)

    def team_region(self, team):
        if team is None:
            return None
        if team in self.roster_region:
            return self.roster_region[team]
        return self._first_region.get(team)

    def _load_targets(self):
        t = self.tables.get("targets")
        self.trows_by_month = {}
        self.target_rows = []
        if not t:
            return
        spec = self.specs["targets"]
        for r in t.rows:
            tr = TargetRow()
            tr.month = parse_month(r["period"])
            tr.team = r.get("team", "")
            tr.rep = r.get("rep", "")
            tr.fen = parse_money(r["sales_target"], spec.units.get("sales_target")) or 0
            tr.nc = parse_number(r["new_customer_target"]) if "new_customer_target" in r else None
            tr.oc = parse_number(r["order_target"]) if "order_target" in r else None
            tr.eff_team = tr.team or (self.person_team(tr.rep) if tr.rep else None)
            self.target_rows.append(tr)
            self.trows_by_month.setdefault(tr.month, []).append(tr)

    def _load_surveys(self):
        t = self.tables.get("surveys")
        self.surveys = None
        if not t:
            return
        out = []
        for r in t.rows:
            rep = r.get("rep", "")
            if not rep:
                cl = self.last_line.get(r.get("customer_id", ""))
                rep = cl.rep if cl is not None else None
            out.append((parse_date(r["date"]), rep, parse_number(r["score"]), r.get("comment", "")))
        out.sort(key=lambda a: a[0])
        self.surveys = out
        self.survey_dates = [a[0] for a in out]

    def _load_activities(self):
        t = self.tables.get("activities")
        self.activities = None
        self.stages = []
        if not t:
            return
        self.stages = self.specs["activities"].stages
        out = [(parse_date(r["date"]), r["rep"], r.get("type", ""), r.get("result", "")) for r in t.rows]
        out.sort(key=lambda a: a[0])
        self.activities = out
        self.activity_dates = [a[0] for a in out]

    def _load_actions(self):
        t = self.tables.get("actions")
        self.actions = None
        if not t:
            return
        self.actions_have_team = t.has("team")
        done = set(self.specs["actions"].done)
        out = []
        for r in t.rows:
            out.append({"id": r.get("id", ""), "month": parse_month(r["period"]), "team": r.get("team", ""),
                        "problem": r["problem"], "action": r["action"], "owner": r.get("owner", ""),
                        "due": parse_date(r.get("due", "")), "status": r.get("status", ""),
                        "done_date": parse_date(r.get("done_date", "")),
                        "status_done": r.get("status", "") in done})
        self.actions = out

    # ---------------------------------------------------------- scopes
    def line_pred(self, kind, name):
        if kind == "company":
            return None
        attr = {"region": "region", "team": "team", "rep": "rep"}[kind]
        return lambda l: getattr(l, attr) == name

    def scope_lines(self, kind, name):
        key = ("lines", kind, name)
        if key not in self.cache:
            pred = self.line_pred(kind, name)
            ls = self.won if pred is None else [l for l in self.won if pred(l)]
            self.cache[key] = (ls, [l.date for l in ls])
        return self.cache[key]

    def lines_in(self, kind, name, a, b):
        ls, dates = self.scope_lines(kind, name)
        return ls[bisect.bisect_left(dates, a):bisect.bisect_right(dates, b)]

    def person_in(self, kind, name, person):
        if kind == "company":
            return True
        if person is None:
            return False
        if kind == "rep":
            return person == name
        team = self.person_team(person)
        if kind == "team":
            return team == name
        return team is not None and self.team_region(team) == name

    def team_in(self, kind, name, team):
        if kind == "company":
            return True
        if team is None:
            return False
        if kind == "team":
            return team == name
        if kind == "region":
            return self.team_region(team) == name
        return False

    # ---------------------------------------------------------- targets
    def _team_rows(self, rows, team):
        own = [r for r in rows if r.eff_team == team and not r.rep]
        return own or [r for r in rows if r.rep and r.eff_team == team]

    def target_rows_for(self, kind, name, month):
        key = ("trows", kind, name, month)
        if key in self.cache:
            return self.cache[key]
        rows = self.trows_by_month.get(month, [])
        if kind == "rep":
            out = [r for r in rows if r.rep == name]
        elif kind == "team":
            out = self._team_rows(rows, name)
        else:
            teams = sorted({r.eff_team for r in rows if r.eff_team is not None
                            and (kind == "company" or self.team_region(r.eff_team) == name)})
            out = [r for t in teams for r in self._team_rows(rows, t)]
        self.cache[key] = out
        return out

    def target(self, kind, name, period):
        """dict(sales, months, needed, partial, nc, oc) of the Targets rules."""
        key = ("target", kind, name, period.key())
        if key in self.cache:
            return self.cache[key]
        res = {"sales": None, "months": None, "needed": None, "partial": None, "nc": None, "oc": None}
        if "targets" in self.tables and kind in ("company", "region", "team", "rep"):
            hire = leave = None
            if kind == "rep" and name in self.roster:
                _, hire, leave = self.roster[name]
            needed, covered = 0, 0
            total = 0
            cov_total = 0
            nc_sum, oc_sum = Fraction(0), Fraction(0)
            nc_ok = oc_ok = True
            any_row = any_nc = any_oc = False
            for (y, m) in period.months():
                ms, me = dt.date(y, m, 1), month_end(y, m)
                win = self.wd(max(ms, period.start), min(me, period.end))
                wmon = self.wd(ms, me)
                need = win >= 1
                if hire is not None and (y, m) < (hire.year, hire.month):
                    need = False
                if leave is not None and (y, m) > (leave.year, leave.month):
                    need = False
                rows = self.target_rows_for(kind, name, (y, m))
                if period.kind == "week":
                    share = sum(rdiv(r.fen * win, wmon) if wmon else 0 for r in rows)
                    factor = Fraction(win, wmon) if wmon else Fraction(0)
                else:
                    share = sum(r.fen for r in rows)
                    factor = Fraction(1)
                total += share
                if rows:
                    cov_total += share
                    any_row = True
                has_nc = any(r.nc is not None for r in rows)
                has_oc = any(r.oc is not None for r in rows)
                any_nc |= has_nc
                any_oc |= has_oc
                nc_sum += sum((r.nc for r in rows if r.nc is not None), Fraction(0)) * factor
                oc_sum += sum((r.oc for r in rows if r.oc is not None), Fraction(0)) * factor
                if need:
                    needed += 1
                    covered += bool(rows)
                    nc_ok &= has_nc
                    oc_ok &= has_oc
            res["months"], res["needed"] = covered, needed
            # Known when every needed month is covered. A period that needs no month (a week
            # without working days, a rep outside their employment) has a target only when some
            # row counts toward it (then usually 0); without any row it is unknown.
            if covered == needed and (needed > 0 or any_row):
                res["sales"] = total
            elif covered > 0:
                res["partial"] = cov_total
            if nc_ok and (needed > 0 or any_nc):
                res["nc"] = round1(nc_sum)
            if oc_ok and (needed > 0 or any_oc):
                res["oc"] = round1(oc_sum)
        self.cache[key] = res
        return res

    # ---------------------------------------------------------- the figures
    def metrics(self, kind, name, period, as_of):
        if isinstance(period, str):
            period = Period.parse(period)
        if isinstance(as_of, str):
            as_of = dt.date.fromisoformat(as_of)
        kind = kind or "company"
        name = name or ""
        P = period
        if P.end < self.first_date or P.start > self.last_date or P.start > as_of:
            raise Refused(f"the data covers {self.first_date} to {self.last_date}")
        # an export says nothing about the days after it was taken: count up to its last date
        through = min(P.end, as_of, self.last_date)
        if through < self.first_date:
            raise Refused(f"{P.label} counted to {through} lies before the data, "
                          f"which covers {self.first_date} to {self.last_date}")
        complete = through == P.end
        prevP = P.shift(-1)
        yoyP = P.year_ago()
        prev_thr = window_through(P, through, prevP)
        yoy_thr = window_through(P, through, yoyP)
        prev_known = prev_thr >= self.first_date
        yoy_known = yoy_thr >= self.first_date

        cur = self.lines_in(kind, name, P.start, through)
        prev = self.lines_in(kind, name, prevP.start, prev_thr) if prev_known else None
        yoy = self.lines_in(kind, name, yoyP.start, yoy_thr) if yoy_known else None

        o = {"schema": 1}
        wd_all = self.wd(P.start, P.end)
        wd_el = self.wd(P.start, through)
        wd_rem = wd_all - wd_el
        o["period"] = dict(P.head(), as_of=as_of.isoformat(), through=through.isoformat(), working_days=wd_all,
                           elapsed_working_days=wd_el, remaining_working_days=wd_rem, complete=complete)
        if kind == "company":
            s_team, s_region = "", ""
        elif kind == "region":
            s_team, s_region = "", name
        elif kind == "team":
            s_team, s_region = name, self.team_region(name) or ""
        else:
            s_team = self.person_team(name) or ""
            s_region = self.team_region(s_team) or "" if s_team else ""
        o["scope"] = {"kind": kind, "name": name, "team": s_team, "region": s_region}

        sales = sum(l.amount for l in cur)
        orders = len({l.order for l in cur})
        custs = {l.cust for l in cur}
        o["sales"] = money(sales)
        o["orders"] = orders
        o["lines"] = len(cur)
        aov = rdiv(sales, orders) if orders else None
        o["aov"] = money(aov)
        o["quantity"] = num(sum(l.qty for l in cur if l.qty is not None)) \
            if self.has["quantity"] else None
        o["customers"] = len(custs)
        # new: the data holds no earlier order of the customer's; with no day of data before the period, new
        # and returning cannot be told apart (docs/metrics.md): unknown
        history = self.first_date < P.start
        new_c = sum(1 for l in cur if self.first_line[l.cust] is l) if history else None
        o["new_customers"] = new_c
        o["returning_customers"] = sum(1 for c in custs if self.first_line[c].date < P.start) if history else None
        per_c = {}
        for l in cur:
            per_c.setdefault(l.cust, set()).add(l.order)
        rep_c = sum(1 for s in per_c.values() if len(s) >= 2)
        o["repeat_customers"] = rep_c
        o["repeat_rate"] = frac(ratio(rep_c, len(custs)))
        if prev is not None:
            pc = {l.cust for l in prev}
            churned = len(pc - custs)
            o["prev_customers"], o["churned_customers"] = len(pc), churned
            o["churn_rate"] = frac(ratio(churned, len(pc)))
        else:
            o["prev_customers"] = o["churned_customers"] = o["churn_rate"] = None

        tg = self.target(kind, name, P)
        target = tg["sales"]
        att = ratio(sales, target)
        o["target"] = money(target)
        o["target_months"] = tg["months"]
        o["target_months_needed"] = tg["needed"]
        o["partial_target"] = money(tg["partial"])
        o["attainment"] = frac(att)
        o["gap"] = money(None if target is None else target - sales)
        if wd_all > 0:
            tp = Fraction(wd_el, wd_all)
        else:
            tp = Fraction((through - P.start).days + 1, (P.end - P.start).days + 1)
        o["time_progress"] = frac(tp)
        o["target_progress"] = frac(att)
        o["progress_gap"] = frac(None if att is None else att - tp)
        remaining = None if target is None else max(0, target - sales)
        o["remaining_target"] = money(remaining)
        o["daily_needed"] = money(rdiv(remaining, wd_rem) if remaining is not None and wd_rem > 0 else None)
        if wd_all > 0:
            forecast = rdiv(sales * wd_all, wd_el) if wd_el > 0 else None
        else:
            forecast = rdiv(sales * ((P.end - P.start).days + 1), (through - P.start).days + 1)
        o["forecast"] = money(forecast)
        o["forecast_attainment"] = frac(ratio(forecast, target))
        o["daily_sales"] = money(rdiv(sales, wd_el) if wd_el > 0 else None)
        o["new_customer_target"] = num(tg["nc"])
        o["new_customer_attainment"] = frac(ratio(new_c, tg["nc"])) if new_c is not None else None
        o["order_target"] = num(tg["oc"])
        o["order_attainment"] = frac(ratio(orders, tg["oc"]))

        o["prev_period"] = dict(prevP.head(), through=prev_thr.isoformat())
        if prev is not None:
            p_sales = sum(l.amount for l in prev)
            p_orders = len({l.order for l in prev})
            p_aov = rdiv(p_sales, p_orders) if p_orders else None
        else:
            p_sales = p_orders = p_aov = None
        o["prev_sales"], o["prev_orders"], o["prev_aov"] = money(p_sales), p_orders, money(p_aov)
        o["mom"] = frac(change(sales, p_sales))
        o["orders_mom"] = frac(change(orders, p_orders))
        o["aov_mom"] = frac(change(aov, p_aov))
        o["yoy_period"] = dict(yoyP.head(), through=yoy_thr.isoformat())
        if yoy is not None:
            y_sales = sum(l.amount for l in yoy)
            y_orders = len({l.order for l in yoy})
            y_aov = rdiv(y_sales, y_orders) if y_orders else None
        else:
            y_sales = y_orders = y_aov = None
        o["yoy_sales"], o["yoy_orders"], o["yoy_aov"] = money(y_sales), y_orders, money(y_aov)
        o["yoy"] = frac(change(sales, y_sales))
        o["orders_yoy"] = frac(change(orders, y_orders))
        o["comparison_days"] = (through - P.start).days + 1

        nextP = P.shift(1)
        ntg = self.target(kind, name, nextP)["sales"]
        nwd = self.wd(nextP.start, nextP.end)
        o["next_period"] = nextP.head()
        o["next_target"] = money(ntg)
        o["next_working_days"] = nwd
        o["next_daily_needed"] = money(rdiv(ntg, nwd) if ntg is not None and nwd > 0 else None)

        # discount
        disc = {"list_amount": None, "amount": None, "rate": None}
        if self.has["quantity"] and self.has["unit_price"] and cur and \
                all(l.qty is not None and l.price is not None for l in cur):
            lst = round_half_away(sum(l.qty * l.price for l in cur))
            disc = {"list_amount": money(lst), "amount": money(lst - sales), "rate": frac(ratio(lst - sales, lst))}
        o["discount"] = disc

        # breakdowns
        def bd(attr, with_target=None):
            if attr in ("channel", "category", "product") and not self.has[attr]:
                return []
            items = {}

            def get(v):
                v = v or EMPTY_NAME
                if v not in items:
                    items[v] = {"sales": 0, "orders": set(), "prev": 0, "yoy": 0, "has": False}
                return items[v]
            for l in cur:
                it = get(getattr(l, attr))
                it["sales"] += l.amount
                it["orders"].add(l.order)
                it["has"] = True
            for ls, k in ((prev, "prev"), (yoy, "yoy")):
                if ls is None:
                    continue
                for l in ls:
                    get(getattr(l, attr))[k] += l.amount
            keep = [(v, it) for v, it in items.items() if it["has"] or it["prev"] != 0 or it["yoy"] != 0]
            keep.sort(key=lambda kv: (-kv[1]["sales"], kv[0]))
            out = []
            cum = 0
            for v, it in keep:
                share = ratio(it["sales"], sales)
                if share is not None:
                    cum += share
                ps = it["prev"] if prev is not None else None
                ys = it["yoy"] if yoy is not None else None
                row = {"name": v}
                if attr == "team":
                    row["region"] = (self.team_region(v) or "") if v != EMPTY_NAME else ""
                row.update({"sales": money(it["sales"]), "orders": len(it["orders"]), "share": frac(share),
                            "cum_share": frac(cum) if share is not None else None, "prev_sales": money(ps),
                            "mom": frac(change(it["sales"], ps)), "yoy_sales": money(ys),
                            "yoy": frac(change(it["sales"], ys))})
                if with_target:
                    t = self.target(with_target, v, P)["sales"] if v != EMPTY_NAME else None
                    row["target"] = money(t)
                    row["attainment"] = frac(ratio(it["sales"], t))
                out.append(row)
            return out

        o["channels"] = bd("channel")
        o["categories"] = bd("category")
        o["products"] = bd("product")
        # the products list, largest first: how many until the running share reaches 80 %;
        # all of them when it never does (no sales in the period), 0 for an empty list
        p80 = len(o["products"])
        if sales != 0 and o["products"]:
            psales = Counter()
            for l in cur:
                psales[l.product or EMPTY_NAME] += l.amount
            cum = 0
            for i, v in enumerate(sorted(psales.values(), reverse=True)):
                cum += v
                if Fraction(cum, sales) >= Fraction(4, 5):
                    p80 = i + 1
                    break
        o["pareto80"] = p80
        # the levels the data has (docs/metrics.md, data.reps / teams / regions): no level, no breakdown
        levels = self.levels()
        o["regions"] = bd("region", "region") if levels["regions"] else []
        o["teams"] = bd("team", "team") if levels["teams"] else []

        # top customers
        cs = {}
        for l in cur:
            c = cs.setdefault(l.cust, {"sales": 0, "orders": set(), "name": ""})
            c["sales"] += l.amount
            c["orders"].add(l.order)
        for l in sorted(cur, key=lambda l: l.idx):
            if l.cname and not cs[l.cust]["name"]:
                cs[l.cust]["name"] = l.cname
        top = [(cid, c) for cid, c in cs.items() if c["sales"] != 0]
        top.sort(key=lambda kv: (-kv[1]["sales"], kv[1]["name"] or kv[0], kv[0]))
        o["top_customers"] = [{"id": cid, "name": c["name"] or cid, "sales": money(c["sales"]),
                               "orders": len(c["orders"]), "share": frac(ratio(c["sales"], sales))}
                              for cid, c in top[:10]]
        if top and sales != 0:
            o["concentration"] = {"top1_share": frac(ratio(top[0][1]["sales"], sales)),
                                  "top10_share": frac(sum(ratio(c["sales"], sales) for _, c in top[:10]))}
        else:
            o["concentration"] = {"top1_share": None, "top10_share": None}

        o["reps"] = self._reps(kind, name, P, through, cur, prev, prevP, prev_thr)
        o["trend"] = self._trend(kind, name, P, through, complete)
        o["satisfaction"] = self._satisfaction(kind, name, P, through, prevP, prev_thr, prev_known)
        o["activities"] = self._activities(kind, name, P, through)
        o["actions"] = self._actions(kind, name, P, through)
        o["data"] = {"currency": self.currency, "first_date": self.first_date.isoformat(), "last_date": self.last_date.isoformat(),
                     "targets": "targets" in self.tables, "roster": "roster" in self.tables,
                     "reps": levels["reps"], "teams": levels["teams"], "regions": levels["regions"],
                     "surveys": "surveys" in self.tables, "activities": "activities" in self.tables,
                     "actions": "actions" in self.tables}
        return order_keys(o)

    def levels(self):
        """data.reps: the orders have a rep column; data.teams: a team column, or a roster for the reps;
        data.regions: a region column, or regions in the roster (for lines that have teams)."""
        roster = self.tables.get("roster")
        reps = self.has["rep"]
        teams = self.has["team"] or (roster is not None and reps)
        regions = self.has["region"] or (roster is not None and roster.has("region") and teams)
        return {"reps": reps, "teams": teams, "regions": regions}

    # ---------------------------------------------------------- parts
    def _people_answers(self, kind, name, a, b):
        if self.surveys is None:
            return None
        lo, hi = bisect.bisect_left(self.survey_dates, a), bisect.bisect_right(self.survey_dates, b)
        return [s for s in self.surveys[lo:hi] if self.person_in(kind, name, s[1])]

    def _people_activities(self, kind, name, a, b):
        if self.activities is None:
            return None
        lo, hi = bisect.bisect_left(self.activity_dates, a), bisect.bisect_right(self.activity_dates, b)
        return [s for s in self.activities[lo:hi] if self.person_in(kind, name, s[1])]

    def _reps(self, kind, name, P, through, cur, prev, prevP, prev_thr):
        if not self.has["rep"]:
            return []          # no rep column: nobody's sales are known
        if kind == "rep":
            people = {name}
        else:
            people = {l.rep for l in cur}
            months = set(P.months())
            for r in self.target_rows:
                if r.rep and r.month in months and (kind == "company" or self.team_in(kind, name, r.eff_team)):
                    people.add(r.rep)
            for p, (team, hire, leave) in self.roster.items():
                if not self.team_in(kind, name, team):
                    continue
                if hire is not None and hire > through:
                    continue
                if leave is not None and leave < P.start:
                    continue
                people.add(p)
        stats = {p: {"sales": 0, "orders": set(), "custs": set(), "new": 0, "prev": 0} for p in people}
        for l in cur:
            s = stats.get(l.rep)
            if s is None:
                continue
            s["sales"] += l.amount
            s["orders"].add(l.order)
            s["custs"].add(l.cust)
            if self.first_line[l.cust] is l:
                s["new"] += 1
        if prev is not None:
            for l in prev:
                if l.rep in stats:
                    stats[l.rep]["prev"] += l.amount
        # "activities of the period" and "survey answers of the period": those in scope (as the
        # period's lines are), counted per person
        acts = self._people_activities(kind, name, P.start, through)
        act_n = Counter(a[1] for a in acts) if acts is not None else None
        ans = self._people_answers(kind, name, P.start, through)
        ans_by = {}
        if ans is not None:
            for a in ans:
                ans_by.setdefault(a[1], []).append(a[2])
        rows = []
        for p in people:
            s = stats[p]
            n_orders = len(s["orders"])
            t = self.target("rep", p, P)["sales"]
            ps = s["prev"] if prev is not None else None
            sc = ans_by.get(p, [])
            rows.append({"rank": 0, "name": p, "team": self.person_team(p) or "", "sales": s["sales"],
                         "orders": n_orders, "aov": money(rdiv(s["sales"], n_orders) if n_orders else None),
                         "target": money(t), "attainment": frac(ratio(s["sales"], t)),
                         "new_customers": s["new"] if self.first_date < P.start else None,
                         "customers": len(s["custs"]),
                         "activities": act_n.get(p, 0) if act_n is not None else None,
                         "satisfaction": frac(Fraction(sum(sc), len(sc))) if ans is not None and sc else None,
                         "responses": len(sc) if ans is not None else None,
                         "prev_sales": money(ps), "mom": frac(change(s["sales"], ps))})
        rows.sort(key=lambda r: (-r["sales"], r["name"]))
        for i, r in enumerate(rows):
            r["rank"] = i + 1
            r["sales"] = money(r["sales"])
        return rows

    def _trend(self, kind, name, P, through, complete):
        out = []
        for k in range(-12, 1):
            Q = P.shift(k)
            thr = through if k == 0 else Q.end
            known = Q.end >= self.first_date
            t = self.target(kind, name, Q)["sales"]
            pt = {"kind": Q.kind, "label": Q.label, "label_zh": Q.label_zh, "label_en": Q.label_en, "start": Q.start.isoformat(),
                  "end": Q.end.isoformat(), "partial": (k == 0 and not complete), "through": thr.isoformat()}
            if known:
                ls = self.lines_in(kind, name, Q.start, thr)
                s = sum(l.amount for l in ls)
                pt.update({"sales": money(s), "target": money(t), "attainment": frac(ratio(s, t)),
                           "orders": len({l.order for l in ls}), "customers": len({l.cust for l in ls}),
                           "new_customers": sum(1 for l in ls if self.first_line[l.cust] is l)
                           if self.first_date < Q.start else None})
            else:
                pt.update({"sales": None, "target": money(t), "attainment": None, "orders": None,
                           "customers": None, "new_customers": None})
            out.append(pt)
        return out

    def _satisfaction(self, kind, name, P, through, prevP, prev_thr, prev_known):
        ans = self._people_answers(kind, name, P.start, through)
        if ans is None:
            return {"available": False, "responses": None, "average": None, "prev_average": None,
                    "change": None, "low_scores": None, "distribution": [], "comments": []}
        scores = [a[2] for a in ans]
        avg = Fraction(sum(scores), len(scores)) if scores else None
        pavg = None
        if prev_known:
            pans = self._people_answers(kind, name, prevP.start, prev_thr)
            if pans:
                pavg = Fraction(sum(a[2] for a in pans), len(pans))
        comments = Counter(a[3] for a in ans if a[3])
        return {"available": True, "responses": len(ans), "average": frac(avg), "prev_average": frac(pavg),
                "change": frac(avg - pavg) if avg is not None and pavg is not None else None,
                "low_scores": sum(1 for s in scores if s <= 2),
                "distribution": [sum(1 for s in scores if s == k) for k in range(1, 6)],
                "comments": [{"name": c, "count": n} for c, n in ranked(comments)]}

    def _activities(self, kind, name, P, through):
        acts = self._people_activities(kind, name, P.start, through)
        if acts is None:
            return {"available": False, "total": None, "by_type": [], "by_result": [], "funnel": []}
        types = Counter(a[2] for a in acts if a[2])
        results = Counter(a[3] for a in acts if a[3])
        funnel = []
        if self.stages:
            pos = {s: i for i, s in enumerate(self.stages)}
            prev_n = None
            for i, st in enumerate(self.stages):
                n = sum(1 for a in acts if a[3] in pos and pos[a[3]] >= i)
                funnel.append({"name": st, "count": n, "conversion": frac(ratio(n, prev_n)) if i else None})
                prev_n = n
        return {"available": True, "total": len(acts),
                "by_type": [{"name": k, "count": v} for k, v in ranked(types)],
                "by_result": [{"name": k, "count": v} for k, v in ranked(results)],
                "funnel": funnel}

    def _actions(self, kind, name, P, through):
        if self.actions is None:
            return {"available": False, "raised": None, "done": None, "open": None, "overdue": None, "items": []}
        months = set(P.months())
        tm = (through.year, through.month)
        raised = done_n = open_n = overdue_n = 0
        items = []
        for a in self.actions:
            if a["month"] > tm:
                continue
            if kind != "company":
                if not self.actions_have_team:
                    continue
                if kind == "rep":
                    if a["owner"] != name:
                        continue
                elif kind == "team":
                    if a["team"] != name:
                        continue
                elif self.team_region(a["team"]) != name:
                    continue
            dd = a["done_date"]
            is_done = (dd <= through) if dd is not None else a["status_done"]
            r_in = a["month"] in months
            d_in = dd is not None and P.start <= dd <= through
            overdue = (not is_done) and a["due"] is not None and a["due"] < through
            raised += r_in
            done_n += d_in
            open_n += not is_done
            overdue_n += overdue
            if r_in or d_in or not is_done:
                state = "overdue" if overdue else ("open" if not is_done else "done")
                items.append({"id": a["id"], "raised": "%04d-%02d" % a["month"], "team": a["team"],
                              "problem": a["problem"], "action": a["action"], "owner": a["owner"],
                              "due": d_iso(a["due"]),
                              "done_date": d_iso(dd) if (dd is not None and dd <= through) else None,
                              "status": a["status"], "state": state, "raised_in_period": r_in,
                              "done_in_period": d_in,
                              "days_overdue": (through - a["due"]).days if overdue else 0})
        order = {"overdue": 0, "open": 1, "done": 2}
        items.sort(key=lambda it: (order[it["state"]], it["due"] is not None, it["due"] or "", it["id"]))
        return {"available": True, "raised": raised, "done": done_n, "open": open_n, "overdue": overdue_n,
                "items": items}


def round1(x):
    """Round a non-negative Fraction to one decimal, halves up."""
    v = Fraction(x) * 10
    q = (v + Fraction(1, 2)).__floor__()
    return Fraction(q, 10)


KEY_ORDER = ["schema", "period", "scope", "sales", "orders", "lines", "aov", "daily_sales", "quantity", "customers",
             "new_customers", "returning_customers", "repeat_customers", "repeat_rate", "prev_customers",
             "churned_customers", "churn_rate", "target", "target_months", "target_months_needed", "partial_target",
             "attainment", "gap", "time_progress", "target_progress", "progress_gap", "remaining_target",
             "daily_needed", "forecast", "forecast_attainment", "new_customer_target", "new_customer_attainment",
             "order_target", "order_attainment", "prev_period", "prev_sales", "prev_orders", "prev_aov", "mom",
             "orders_mom", "aov_mom", "yoy_period", "yoy_sales", "yoy_orders", "yoy_aov", "yoy", "orders_yoy",
             "comparison_days", "next_period", "next_target", "next_working_days", "next_daily_needed", "discount",
             "channels", "categories", "products", "pareto80", "regions", "teams", "top_customers", "concentration",
             "reps", "trend", "satisfaction", "activities", "actions", "data"]


def order_keys(o):
    out = {k: o[k] for k in KEY_ORDER if k in o}
    for k in o:
        if k not in out:
            out[k] = o[k]
    return out


# ============================================================== command line
def main(argv=None):
    ap = argparse.ArgumentParser(description="the metrics oracle (mirrors `fupan metrics`)")
    ap.add_argument("command", choices=["metrics"])
    ap.add_argument("--data", required=True)
    ap.add_argument("--profile")
    ap.add_argument("--period", required=True)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--team")
    g.add_argument("--region")
    g.add_argument("--rep")
    ap.add_argument("--as-of", default=dt.date.today().isoformat())
    ap.add_argument("--format", default="json", choices=["json"])
    a = ap.parse_args(argv)
    kind, name = "company", ""
    for k in ("team", "region", "rep"):
        if getattr(a, k) is not None:
            kind, name = k, getattr(a, k)
    try:
        ds = Dataset.load(a.data, a.profile)
        out = ds.metrics(kind, name, a.period, a.as_of)
    except Refused as e:
        print(f"oracle: {e}", file=sys.stderr)
        return 1
    except (DataError, ValueError) as e:
        print(f"oracle: {e}", file=sys.stderr)
        return 1
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
