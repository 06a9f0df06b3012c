#!/usr/bin/python3
"""Reads a report's Excel workbook with openpyxl (a second implementation, not fupan's) and checks it against
the same report's HTML and against `fupan metrics` JSON:

  check_xlsx_out.py REPORT.xlsx REPORT.html METRICS.json

- the first sheet: the title, then one row per KPI card of the HTML (same label), its value a number whose
  figure is the card's (94.3% ↔ 0.943, 544.67万元 ↔ 5,446,674.15 within the card's rounding);
- then one sheet per table of the HTML, in order: the same header, bold and frozen; every cell: the same
  text, or a number (a date) whose figure is the HTML cell's, with a number format of its kind (money: two
  decimals and thousands separators; percent: %; dates: yyyy-mm-dd);
- sheet names at most 31 characters, unique;
- the figures against the metrics JSON: the sales, orders and attainment cards; each table row that names a
  rep, channel, category or product: its sales (and target) are the metrics' to the cent.
Prints "xlsx: N cells checked" and exits 0, or prints each difference and exits 1."""
import datetime
import html.parser
import json
import math
import re
import sys

import openpyxl


class Html(html.parser.HTMLParser):
    """The KPI cards (label, value text) and the tables (caption, header, rows of cell texts) of a report."""

    def __init__(self):
        super().__init__()
        self.kpis, self.tables, self.title = [], [], ""
        self.stack, self.text, self.cur, self.row, self.in_cell = [], None, None, None, False
        self.kpi = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "svg":
            self.stack.append("svg")
        if self.stack and self.stack[-1] == "svg" and tag != "svg":
            return
        if tag == "div" and "kpi" in cls:
            self.kpi = {"label": "", "value": ""}
            self.kpis.append(self.kpi)
        if tag == "div" and self.kpi is not None and ("label" in cls or "value" in cls):
            self.text, self.field = "", "label" if "label" in cls else "value"
        if tag == "div" and "changes" in cls:
            self.kpi = None
        if tag == "h1":
            self.text, self.field = "", "h1"
        if tag == "table":
            self.cur = {"caption": "", "head": [], "rows": []}
            self.tables.append(self.cur)
        if tag == "caption":
            self.text, self.field = "", "caption"
        if tag == "tr" and self.cur is not None:
            self.row = []
        if tag in ("td", "th") and self.row is not None:
            self.text, self.field = "", "cell"

    def handle_endtag(self, tag):
        if tag == "svg" and self.stack:
            self.stack.pop()
            return
        if self.stack:
            return
        if self.text is not None and tag in ("div", "h1", "caption", "td", "th"):
            t = re.sub(r"\s+", " ", self.text).strip()
            if self.field in ("label", "value") and self.kpi is not None:
                self.kpi[self.field] = t
            elif self.field == "h1":
                self.title = t
            elif self.field == "caption":
                self.cur["caption"] = t
            elif self.field == "cell":
                self.row.append(t)
            self.text = None
        if tag == "tr" and self.row is not None and self.cur is not None:
            if self.cur["head"] or not self.row:
                self.cur["rows"].append(self.row)
            else:
                self.cur["head"] = self.row
            self.row = None
        if tag == "table":
            self.cur = None

    def handle_data(self, data):
        if self.text is not None and not self.stack:
            self.text += data


UNITS = [("亿", 1e8), ("万", 1e4), ("B", 1e9), ("M", 1e6), ("K", 1e3)]


def figure(text):
    """The number a cell's text shows, and how far it may be from the exact figure: (value, tolerance,
    kind) with kind money, percent, points or number; None when the text is not a figure."""
    t = text.replace(",", "").replace("−", "-").replace("▲", "").replace("▼", "").strip()
    t = re.sub(r"^(¥|US\$|HK\$|\$|€|£)", "", t)
    t = re.sub(r"^(-|\+)?(¥|US\$|HK\$|\$|€|£)", r"\1", t)
    m = re.fullmatch(r"([+-]?\d+(?:\.(\d+))?)(%|个百分点|pp| pts?)?", t)
    if m:
        v = float(m.group(1))
        dec = len(m.group(2) or "")
        tol = 0.5 * 10 ** -dec + 1e-9
        if m.group(3) == "%":
            return v / 100, tol / 100, "percent"
        if m.group(3):
            return v / 100, tol / 100, "points"
        return v, tol, "number"
    m = re.fullmatch(r"([+-]?\d+(?:\.(\d+))?)\s*(亿|万|B|M|K)?(元|美元|欧元|英镑|港元|日元)?", t)
    if m and (m.group(3) or m.group(4)):
        mult = dict(UNITS).get(m.group(3), 1)
        dec = len(m.group(2) or "")
        return float(m.group(1)) * mult, 0.5 * 10 ** -dec * mult + 1e-6, "money"
    return None


problems, checked = [], 0


def fail(msg):
    problems.append(msg)


def same_figure(where, text, cell):
    """the HTML text and the workbook cell show the same figure"""
    global checked
    checked += 1
    f = figure(text)
    v = cell.value
    if f is None:
        if isinstance(v, datetime.datetime):
            if v.strftime("%Y-%m-%d") not in text and text not in (v.strftime("%Y年%-m月%-d日"),):
                fail("%s: date %s vs %r" % (where, v.date(), text))
            if "yy" not in cell.number_format:
                fail("%s: a date with number format %r" % (where, cell.number_format))
            return
        if (v or "") != text and not (text in ("—", "") and v is None):
            fail("%s: text %r in the workbook, %r in the report" % (where, v, text))
        return
    value, tol, kind = f
    if not isinstance(v, (int, float)):
        fail("%s: %r is a figure in the report but %r (not a number) in the workbook" % (where, text, v))
        return
    if kind == "points":
        v = v / 100 if "%" not in cell.number_format else v
    if abs(v - value) > tol * 1.0001:
        fail("%s: %r in the report, %r in the workbook" % (where, text, v))
    fmt = cell.number_format
    if kind == "percent" and "%" not in fmt:
        fail("%s: a percentage with number format %r" % (where, fmt))
    if kind == "money" and "#,##0.00" not in fmt:
        fail("%s: an amount with number format %r (want two decimals, thousands separators)" % (where, fmt))


def main():
    xlsx, page, mpath = sys.argv[1:4]
    h = Html()
    h.feed(open(page, encoding="utf-8").read())
    m = json.load(open(mpath, encoding="utf-8"))
    wb = openpyxl.load_workbook(xlsx)
    names = [ws.title for ws in wb.worksheets]
    if len(set(n.lower() for n in names)) != len(names):
        fail("sheet names not unique: %r" % names)
    for n in names:
        if len(n) > 31 or re.search(r"[\[\]:*?/\\]", n):
            fail("sheet name %r: over 31 characters or a character Excel refuses" % n)

    # the first sheet: title and KPI rows
    s0 = wb.worksheets[0]
    if s0.cell(1, 1).value != h.title:
        fail("first sheet: title %r, the report's is %r" % (s0.cell(1, 1).value, h.title))
    rows = {}
    for r in s0.iter_rows(min_row=2):
        if r[0].value and len(r) > 1 and r[1].value is not None:
            rows.setdefault(r[0].value, r[1])
    for k in h.kpis:
        if k["label"] not in rows:
            fail("first sheet: no row for the KPI %r" % k["label"])
            continue
        same_figure("KPI %s" % k["label"], k["value"], rows[k["label"]])
    by_label = {k["label"]: rows.get(k["label"]) for k in h.kpis}
    for label, key in (("销售额", "sales"), ("Sales", "sales"), ("订单数", "orders"), ("Orders", "orders"),
                       ("目标达成率", "attainment"), ("Attainment", "attainment")):
        c = by_label.get(label)
        if c is not None and m.get(key) is not None and isinstance(c.value, (int, float)):
            tol = 0.005 if key == "sales" else 1e-9 if key == "orders" else 1e-6
            if abs(c.value - m[key]) > tol:
                fail("KPI %s: %r in the workbook, %r in the metrics" % (label, c.value, m[key]))

    # the tables, in order
    sheets = wb.worksheets[1:]
    if len(sheets) != len(h.tables):
        fail("%d table sheets, the report has %d tables" % (len(sheets), len(h.tables)))
    lists = {}
    for key in ("reps", "channels", "categories", "products", "teams", "regions"):
        for it in m.get(key) or []:
            lists.setdefault(it.get("name"), it)
    for ws, t in zip(sheets, h.tables):
        where = "sheet %r" % ws.title
        head = [c.value for c in ws[1]]
        if head[:len(t["head"])] != t["head"]:
            fail("%s: header %r, the report's %r" % (where, head, t["head"]))
        if ws.freeze_panes != "A2":
            fail("%s: the header row is not frozen (%r)" % (where, ws.freeze_panes))
        if t["head"] and not ws.cell(1, 1).font.b:
            fail("%s: the header is not bold" % where)
        body = [r for r in t["rows"] if len(r) == len(t["head"])]
        for i, row in enumerate(body):
            for j, text in enumerate(row):
                same_figure("%s row %d col %d" % (where, i + 2, j + 1), text, ws.cell(i + 2, j + 1))
            # against the metrics: a row naming a rep, channel, category, product, team or region
            name = next((x for x in row if x in lists), None)
            if name is None:
                continue
            it = lists[name]
            for j, label in enumerate(t["head"]):
                v = ws.cell(i + 2, j + 1).value
                if not isinstance(v, (int, float)):
                    continue
                key = {"销售额": "sales", "Sales": "sales", "实际": "sales", "Actual": "sales",
                       "目标": "target", "Target": "target"}.get(label)
                if key and it.get(key) is not None and abs(v - it[key]) > 0.005:
                    fail("%s row %d: %s %r in the workbook, %r in the metrics (%s)" % (where, i + 2, label, v,
                                                                                    it[key], name))
    for p in problems[:40]:
        print(p)
    print("xlsx: %d cells checked, %d problems" % (checked, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
