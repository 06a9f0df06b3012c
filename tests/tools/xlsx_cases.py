#!/usr/bin/python3
"""Workbooks for tests/test_xlsx.c, written by openpyxl (Debian python3-openpyxl).

    xlsx_cases.py kinds OUT.xlsx [--1904] [--shared]
        sheets "旧" (hidden), "数据" and "其他". "数据" has its header on row 3 from column B, and one
        row of every kind of cell: strings, numbers, money as numbers and as text, dates as serials
        (with and without a time) and as text, empty and missing cells, a gap, a row of empty cells,
        a boolean, a formula's text result. --shared moves the strings into the shared-string table
        (the first as rich text runs with a phonetic run), as Excel writes them.
    xlsx_cases.py big OUT.xlsx ROWS
        one sheet of ROWS order lines (shared strings), for the parallel reader.
"""
import datetime
import os
import re
import sys
import zipfile

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from csv2xlsx import to_shared  # noqa: E402

HEADER = ["单号", "日期", "客户", "销售", "金额", "渠道", "折扣", "数量", "备注"]


def rewrite(path, fn):
    zin = zipfile.ZipFile(path)
    items = {n: zin.read(n) for n in zin.namelist()}
    zin.close()
    for name in list(items):
        if name.startswith("xl/worksheets/sheet"):
            items[name] = fn(name, items[name].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items.items():
            z.writestr(name, data)


def kinds(out, date1904, shared):
    wb = openpyxl.Workbook()
    if date1904:
        wb.epoch = CALENDAR_MAC_1904
    old = wb.active
    old.title = "旧"
    old.sheet_state = "hidden"
    old.append(["这一页藏起来了"])
    ws = wb.create_sheet("数据")
    ws["A1"].number_format = "0.00"  # a cell with a style and no value: row 1 stays empty
    for i, h in enumerate(HEADER):
        ws.cell(row=3, column=2 + i, value=h)
    rows = {
        4: ["A1", datetime.date(2026, 10, 3), "C1", "张三", 1234.5, "线上", 0.05, 3, None],
        5: ["A2", "2026/10/4", 10023, "李四", "¥1,234.50", None, "5%", 2.5, "  "],
        7: ["A3", datetime.datetime(2026, 10, 5, 14, 30), "C3", "王五", -5, "线下", 0, 1, True],
        9: ["A4", datetime.date(1904, 1, 2) if date1904 else datetime.date(1900, 3, 1), "C4", " 赵六 ", 0.125, "FORMULA", None, None, None],
        10: ["A5", datetime.date(2026, 10, 31), "C5", "张三", 1e-3, "线上", 0.15, 12345678901234, False],
    }
    for r, vals in rows.items():
        for i, v in enumerate(vals):
            if v is not None:
                ws.cell(row=r, column=2 + i, value=v)
    ws.cell(row=8, column=3).number_format = "yyyy-mm-dd"  # row 8: styled, no value
    ws["C4"].number_format = 'yyyy"年"m"月"d"日"'
    ws["C7"].number_format = "yyyy/m/d h:mm"
    ws["C9"].number_format = "[$-804]yyyy/m/d;@"
    ws["C10"].number_format = "m/d/yy"
    other = wb.create_sheet("其他")
    other.append(HEADER[:5])
    other.append(["B1", datetime.date(2026, 9, 1), "C9", "钱七", 99])
    wb.save(out)

    def formula(name, xml):
        # openpyxl cannot write a formula's cached value; Excel writes t="str" with the text in <v>
        return re.sub(r'<c r="G9" t="inlineStr"><is><t>FORMULA</t></is></c>|<c r="G9" t="s"><v>\d+</v></c>',
                      '<c r="G9" t="str"><f>IF(1,"线上","")</f><v>线上</v></c>', xml)
    if shared:
        to_shared(out)
    rewrite(out, formula)
    # openpyxl writes strings inline in write-only mode only; make the normal mode's shared table honest
    z = zipfile.ZipFile(out)
    assert "FORMULA" not in z.read("xl/worksheets/sheet2.xml").decode()
    z.close()


def big(out, rows):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("订单")
    ws.append(HEADER[:8])
    reps = ["张三", "李四", "王五", "赵六", "钱七"]
    for i in range(rows):
        ws.append(["SO%07d" % (i // 3), datetime.date(2026, 1 + i % 12, 1 + i % 28), "C%05d" % (i % 997),
                   reps[i % 5], round(100 + (i * 37) % 10000 / 7, 2), ["线上", "线下", "代理"][i % 3],
                   [0, 0.05, 0.1][i % 3], 1 + i % 9])
    wb.save(out)
    to_shared(out)


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "kinds":
        kinds(a[1], "--1904" in a, "--shared" in a)
    elif a[0] == "big":
        big(a[1], int(a[2]))
    else:
        sys.exit("unknown case " + a[0])
