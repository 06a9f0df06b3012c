"""Reads a report's HTML (as fupan render writes it) into what a reader sees.

Blocks, in document order, each a dict with "kind" and "text":
  p, li, h (headings), cover (the cover's lines and subtitle), figcaption,
  svg (a text label inside a chart), kpi (a KPI card: label, value, changes,
  note, cls) and table (caption, head, rows, foot, empty). Standard library only.
"""

import re
from html.parser import HTMLParser

VOID = {"br", "meta", "img", "hr", "link", "input", "wbr", "col", "source", "area", "base"}
TEXT_TAGS = {"p": "p", "li": "li", "h1": "h", "h2": "h", "h3": "h", "h4": "h", "figcaption": "figcaption"}


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []          # (tag, classes)
        self.blocks = []
        self.buf = None          # [kind, parts, depth] of the text being collected
        self.kpi = None          # the card being read, and its stack depth
        self.kpi_field = None    # [field, parts, depth]
        self.table = None
        self.row = None
        self.cell = None         # [parts, classes, depth]
        self.section = None      # thead / tbody / tfoot
        self.caption = None
        self.svg_depth = None
        self.svg_text = None
        self.skip_depth = None   # inside <style>, <script>, <head>

    # -- helpers
    def _classes(self, attrs):
        for k, v in attrs:
            if k == "class" and v:
                return v.split()
        return []

    def _in(self, tag, cls=None):
        for t, c in self.stack:
            if t == tag and (cls is None or cls in c):
                return True
        return False

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self.handle_data("\n")

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            if tag == "br":
                self.handle_data("\n")
            return
        cls = self._classes(attrs)
        self.stack.append((tag, cls))
        depth = len(self.stack)
        if self.skip_depth is not None:
            return
        if tag in ("style", "script", "head", "title") and self.svg_depth is None:
            self.skip_depth = depth
            return
        if tag == "svg" and self.svg_depth is None:
            self.svg_depth = depth
            return
        if self.svg_depth is not None:
            if tag == "text":
                self.svg_text = [[], depth]
            return
        if tag == "div" and "kpi" in cls:
            self.kpi = {"kind": "kpi", "cls": [c for c in cls if c != "kpi"], "label": "", "value": "",
                        "changes": [], "note": "", "_depth": depth}
            return
        if self.kpi is not None:
            if tag == "div" and cls and cls[0] in ("label", "value", "note"):
                self.kpi_field = [cls[0], [], depth]
            elif tag == "span" and "chg" in cls:
                self.kpi_field = ["changes", [], depth, [c for c in cls if c != "chg"]]
            return
        if tag == "table":
            self.table = {"kind": "table", "caption": "", "head": [], "rows": [], "foot": [], "empty": None}
            return
        if self.table is not None:
            if tag in ("thead", "tbody", "tfoot"):
                self.section = tag
            elif tag == "caption":
                self.caption = [[], depth]
            elif tag == "tr":
                self.row = []
            elif tag in ("td", "th"):
                self.cell = [[], cls, depth]
            return
        if tag in TEXT_TAGS or (tag == "p" and "subtitle" in cls):
            kind = TEXT_TAGS.get(tag, "p")
            if self._in("header", "cover"):
                kind = "h" if kind == "h" else "cover"
            if self.buf is None:
                self.buf = [kind, [], depth]

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        # pop to the matching tag (tolerates stray end tags)
        idx = None
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                idx = i
                break
        if idx is None:
            return
        depth = idx + 1
        del self.stack[idx:]
        if self.skip_depth is not None:
            if depth <= self.skip_depth:
                self.skip_depth = None
            return
        if self.svg_depth is not None:
            if self.svg_text is not None and depth <= self.svg_text[1]:
                t = _clean("".join(self.svg_text[0]))
                if t:
                    self.blocks.append({"kind": "svg", "text": t})
                self.svg_text = None
            if depth <= self.svg_depth:
                self.svg_depth = None
            return
        if self.kpi is not None:
            if self.kpi_field is not None and depth <= self.kpi_field[2]:
                f = self.kpi_field
                t = _clean("".join(f[1]))
                if f[0] == "changes":
                    self.kpi["changes"].append({"text": t, "cls": f[3]})
                else:
                    self.kpi[f[0]] = t
                self.kpi_field = None
            if depth <= self.kpi["_depth"]:
                k = self.kpi
                del k["_depth"]
                k["text"] = " ".join(x for x in [k["label"], k["value"]] + [c["text"] for c in k["changes"]]
                                     + [k["note"]] if x)
                self.blocks.append(k)
                self.kpi = None
            return
        if self.table is not None:
            if self.caption is not None and depth <= self.caption[1]:
                self.table["caption"] = _clean("".join(self.caption[0]))
                self.caption = None
            elif self.cell is not None and depth <= self.cell[2]:
                parts, cls, _ = self.cell
                cell = {"text": _clean("".join(parts)), "cls": cls}
                if self.row is not None:
                    self.row.append(cell)
                self.cell = None
            elif tag == "tr" and self.row is not None:
                row = self.row
                self.row = None
                if self.section == "thead":
                    self.table["head"] = [c["text"] for c in row]
                elif self.section == "tfoot":
                    self.table["foot"].append(row)
                elif len(row) == 1 and "empty" in row[0]["cls"]:
                    self.table["empty"] = row[0]["text"]
                else:
                    self.table["rows"].append(row)
            elif tag == "table":
                t = self.table
                t["text"] = " ".join([t["caption"]] + t["head"] + [c["text"] for r in t["rows"] + t["foot"]
                                                                    for c in r] + [t["empty"] or ""])
                self.blocks.append(t)
                self.table = None
            return
        if self.buf is not None and depth <= self.buf[2]:
            kind, parts, _ = self.buf
            t = _clean("".join(parts), keep_newlines=True)
            if t:
                self.blocks.append({"kind": kind, "text": t})
            self.buf = None

    def handle_data(self, data):
        if self.skip_depth is not None:
            return
        if self.svg_depth is not None:
            if self.svg_text is not None:
                self.svg_text[0].append(data)
            return
        if self.kpi_field is not None:
            self.kpi_field[1].append(data)
        elif self.caption is not None:
            self.caption[0].append(data)
        elif self.cell is not None:
            self.cell[0].append(data)
        elif self.buf is not None:
            self.buf[1].append(data)


def _clean(s, keep_newlines=False):
    if keep_newlines:
        lines = [" ".join(x.split()) for x in s.split("\n")]
        return "\n".join(x for x in lines if x).strip()
    return " ".join(s.split())


SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def read_report(html_text):
    """The blocks of a report, and its language ("zh" or "en"). Charts (inline SVG) are left out:
    their figcaption is read, their axis labels are not."""
    p = _Parser()
    p.feed(SVG.sub("", html_text))
    p.close()
    lang = "en" if '<html lang="en' in html_text[:400] else "zh"
    return p.blocks, lang
