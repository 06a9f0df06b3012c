#!/usr/bin/env python3
"""The benchmark's order lines as an Excel workbook: bench/run calls it once to write
bench/data/crm-1m-xlsx/订单明细.xlsx from bench/data/crm-1m/订单明细.csv, with the rest of the export
copied beside it and a profile that names the workbook.

The workbook is what Excel or a CRM writes: strings in the shared-string table, numbers as numbers,
dates as serial numbers in a date-formatted cell (numFmtId 14), one sheet. The XML is written here
directly, streamed into the zip (openpyxl takes minutes for a million rows): about 40 s.

    gen-xlsx.py SRC_DIR DST_DIR PROFILE
"""
import csv
import datetime
import os
import re
import shutil
import sys
import zipfile

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
NUMERIC = {"行号", "数量", "单价", "折扣", "成交金额"}
DATES = {"下单日期"}
EPOCH = datetime.date(1899, 12, 30)


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def colname(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def main(src, dst, profile):
    tmp = dst + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for f in os.listdir(src):
        if f.endswith(".csv") and f != "订单明细.csv":
            shutil.copy(os.path.join(src, f), tmp)
    text = open(profile, encoding="utf-8").read()
    open(os.path.join(tmp, "profile.xml"), "w", encoding="utf-8").write(
        text.replace('file="订单明细.csv"', 'file="订单明细.xlsx"'))

    strings, index = [], {}
    with open(os.path.join(src, "订单明细.csv"), encoding="utf-8-sig", newline="") as f, \
            zipfile.ZipFile(os.path.join(tmp, "订单明细.xlsx"), "w", zipfile.ZIP_DEFLATED) as z:
        rows = csv.reader(f)
        header = next(rows)
        cols = [colname(i) for i in range(len(header))]
        kind = ["n" if h in NUMERIC else "d" if h in DATES else "s" for h in header]
        nrows = 0
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="%s" '
                       'xmlns:r="%s"><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetData>'
                       % (NS, RNS)).encode())
            buf = []

            def sid(v):
                i = index.get(v)
                if i is None:
                    i = index[v] = len(strings)
                    strings.append(v)
                return i

            buf.append('<row r="1">' + "".join('<c r="%s1" t="s"><v>%d</v></c>' % (cols[i], sid(h))
                                                for i, h in enumerate(header)) + "</row>")
            r = 1
            for row in rows:
                r += 1
                cells = []
                for i, v in enumerate(row):
                    if v == "":
                        continue
                    k = kind[i]
                    if k == "n":
                        cells.append('<c r="%s%d"><v>%s</v></c>' % (cols[i], r, v))
                    elif k == "d":
                        y, m, d = map(int, re.split("[-/]", v[:10]))
                        cells.append('<c r="%s%d" s="1"><v>%d</v></c>'
                                     % (cols[i], r, (datetime.date(y, m, d) - EPOCH).days))
                    else:
                        cells.append('<c r="%s%d" t="s"><v>%d</v></c>' % (cols[i], r, sid(v)))
                buf.append('<row r="%d">%s</row>' % (r, "".join(cells)))
                if len(buf) >= 2000:
                    out.write("".join(buf).encode())
                    buf = []
            out.write(("".join(buf) + "</sheetData></worksheet>").encode())
            nrows = r
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            out.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="%s" count="%d" '
                       'uniqueCount="%d">' % (NS, len(strings), len(strings))).encode())
            for k in range(0, len(strings), 5000):
                out.write("".join("<si><t>%s</t></si>" % esc(s) for s in strings[k:k + 5000]).encode())
            out.write(b"</sst>")
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="%s" xmlns:r="%s">'
                   '<workbookPr/><sheets><sheet name="订单明细" sheetId="1" r:id="rId1"/></sheets></workbook>'
                   % (NS, RNS))
        z.writestr("xl/styles.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="%s">'
                   '<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>'
                   '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
                   '<borders count="1"><border/></borders>'
                   '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                   '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                   '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
                   '</cellXfs></styleSheet>' % NS)
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="%s">'
                   '<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>'
                   '<Relationship Id="rId2" Type="%s/sharedStrings" Target="sharedStrings.xml"/>'
                   '<Relationship Id="rId3" Type="%s/styles" Target="styles.xml"/></Relationships>'
                   % (PKG, RNS, RNS, RNS))
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="%s">'
                   '<Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>'
                   % (PKG, RNS))
        ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="%s.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="%s.worksheet+xml"/>'
                   '<Override PartName="/xl/sharedStrings.xml" ContentType="%s.sharedStrings+xml"/>'
                   '<Override PartName="/xl/styles.xml" ContentType="%s.styles+xml"/></Types>' % (ct, ct, ct, ct))
    shutil.rmtree(dst, ignore_errors=True)
    os.rename(tmp, dst)
    print("%s: %d rows, %d shared strings" % (dst, nrows, len(strings)))


if __name__ == "__main__":
    main(*sys.argv[1:])
