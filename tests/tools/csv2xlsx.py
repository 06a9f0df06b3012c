#!/usr/bin/python3
"""Turns a CSV export (a data folder with its profile.xml) into one .xlsx workbook per table, written
by openpyxl, the way a CRM's Excel export holds the data: numbers as numbers, dates as date-formatted
serials, everything else as strings. The profile is copied with file= pointing at the workbooks.

    csv2xlsx.py [options] SRC DST

  --shared        strings in the shared-string table (as Excel, WPS and most CRMs write them; openpyxl
                  writes inline strings), every third as rich text runs
  --date1904      the 1904 date system
  --dates-as-text dates stay text ("2025/1/1")
  --header-row N  the header on row N: the rows above are empty, and so are the first two columns
  --sheet NAME    the data on a sheet of that name, after a first sheet of notes; the profile names it
  --gaps          a blank row after every 7th row, and empty cells left out of the XML

Used by tests/test_xlsx.c (make check). Needs python3-openpyxl (Debian).
"""
import csv
import datetime
import html
import io
import os
import re
import sys
import xml.etree.ElementTree as ET
import zipfile
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

NUM = re.compile(r"-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,9})?$")
DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")


def read_csv(path):
    raw = open(path, "rb").read()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    return list(csv.reader(io.StringIO(text, newline="")))


def typed(v, opts):
    if v == "":
        return None
    if NUM.match(v) and not (len(v.lstrip("-").split(".")[0]) > 1 and v.lstrip("-")[0] == "0"):
        f = float(v)
        return int(v) if re.match(r"-?\d+$", v) else f
    m = DATE.match(v)
    if m and not opts["dates_as_text"]:
        return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return v


def write_book(rows, dst, opts):
    wb = openpyxl.Workbook(write_only=True)
    if opts["date1904"]:
        wb.epoch = CALENDAR_MAC_1904
    if opts["sheet"]:
        notes = wb.create_sheet("说明")
        notes.append(["这一页是说明, 数据在另一页"])
    ws = wb.create_sheet(opts["sheet"] or "Sheet1")
    lead = 0
    if opts["header_row"] > 1:
        for _ in range(opts["header_row"] - 1):
            ws.append([])
        lead = 2
    for i, row in enumerate(rows):
        ws.append([None] * lead + [typed(v, opts) for v in row])
        if opts["gaps"] and i and i % 7 == 0:
            ws.append([])
    wb.save(dst)


def to_shared(path):
    """Rewrites the workbook's inline strings as shared strings, every third as rich text runs."""
    zin = zipfile.ZipFile(path)
    items = {n: zin.read(n) for n in zin.namelist()}
    zin.close()
    strings, index = [], {}

    def sub(m):
        attrs, text = m.group(1), m.group(2)
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return '<c%s t="s"><v>%d</v></c>' % (attrs, index[text])

    for name in list(items):
        if name.startswith("xl/worksheets/sheet"):
            xml = items[name].decode("utf-8")
            xml = re.sub(r'<c([^>]*?) t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>', sub, xml)
            items[name] = xml.encode("utf-8")
    si = []
    for k, s in enumerate(strings):
        s = html.unescape(s)
        if k % 3 == 0 and len(s) >= 2:
            # rich text: the string in two runs, and a phonetic run that is not part of it
            h = len(s) // 2
            si.append('<si><r><t>%s</t></r><r><rPr><b/></rPr><t xml:space="preserve">%s</t></r>'
                      '<rPh sb="0" eb="1"><t>ふりがな</t></rPh></si>' % (escape(s[:h]), escape(s[h:])))
        else:
            si.append('<si><t xml:space="preserve">%s</t></si>' % escape(s))
    items["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
        % (len(strings), len(strings), "".join(si))).encode("utf-8")
    rels = items["xl/_rels/workbook.xml.rels"].decode("utf-8")
    rels = rels.replace("</Relationships>",
                        '<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    items["xl/_rels/workbook.xml.rels"] = rels.encode("utf-8")
    ct = items["[Content_Types].xml"].decode("utf-8")
    ct = ct.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    items["[Content_Types].xml"] = ct.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items.items():
            z.writestr(name, data)


def drop_empty_cells(path):
    """Leaves cells without a value out of the sheets, as Excel does (openpyxl writes none either; this
    also removes rows that have no cell left)."""
    zin = zipfile.ZipFile(path)
    items = {n: zin.read(n) for n in zin.namelist()}
    zin.close()
    for name in list(items):
        if name.startswith("xl/worksheets/sheet"):
            xml = items[name].decode("utf-8")
            xml = re.sub(r'<c r="[A-Z]+\d+"[^>]*/>', "", xml)
            xml = re.sub(r'<row r="\d+"[^>]*/>|<row r="\d+"[^>]*></row>', "", xml)
            items[name] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items.items():
            z.writestr(name, data)


def main(argv):
    opts = {"shared": False, "date1904": False, "dates_as_text": False, "header_row": 1, "sheet": None,
            "gaps": False}
    args = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--header-row":
            opts["header_row"] = int(argv[i + 1])
            i += 1
        elif a == "--sheet":
            opts["sheet"] = argv[i + 1]
            i += 1
        elif a.startswith("--"):
            opts[a[2:].replace("-", "_")] = True
        else:
            args.append(a)
        i += 1
    src, dst = args
    os.makedirs(dst, exist_ok=True)
    tree = ET.parse(os.path.join(src, "profile.xml"))
    for table in tree.getroot():
        f = table.get("file")
        if not f or not os.path.exists(os.path.join(src, f)):
            continue
        name = os.path.splitext(f)[0] + ".xlsx"
        out = os.path.join(dst, name)
        write_book(read_csv(os.path.join(src, f)), out, opts)
        if opts["shared"]:
            to_shared(out)
        if opts["gaps"]:
            drop_empty_cells(out)
        table.set("file", name)
        if opts["sheet"]:
            table.set("sheet", opts["sheet"])
    tree.write(os.path.join(dst, "profile.xml"), encoding="UTF-8", xml_declaration=True)


if __name__ == "__main__":
    main(sys.argv[1:])
