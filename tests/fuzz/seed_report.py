#!/usr/bin/env python3
"""Writes the seeds of the fuzz_report target (tests/fuzz/fuzz_report.c explains the format) into
tests/fuzz/corpus/fuzz_report: the small fixture and a cut of the demo export, each with profiles
users write — every optional column left out in turn, no people, one header for two columns, GBK and
UTF-16 files, 万元 targets, dollars with a decimal comma, semicolons — and requests over every template,
language, scope and period kind. Run from the source tree: python3 tests/fuzz/seed_report.py"""
import os
import re
import sys

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(SRC, "tests", "fuzz", "corpus", "fuzz_report")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def archive(request, profile, files):
    parts = [request.encode(), profile.encode() if isinstance(profile, str) else profile]
    for name, data in files:
        parts.append(name.encode() + b"\n" + data)
    return b"\n%%\n".join(parts)


def small():
    d = os.path.join(SRC, "tests", "data", "small")
    prof = read(os.path.join(d, "profile.xml")).decode()
    files = [(n, read(os.path.join(d, n))) for n in sorted(os.listdir(d)) if n.endswith(".csv")]
    return prof, files


def demo(lines=120):
    d = os.path.join(SRC, "samples", "demo")
    prof = read(os.path.join(d, "profile.xml")).decode()
    prof = re.sub(r"<!--.*?-->", "", prof, flags=re.S)
    files = []
    for i, n in enumerate(sorted(os.listdir(d))):
        if not n.endswith(".csv"):
            continue
        ascii_name = "f%d.csv" % i
        prof = prof.replace('file="%s"' % n, 'file="%s"' % ascii_name)
        data = b"\n".join(read(os.path.join(d, n)).split(b"\n")[:lines]) + b"\n"
        files.append((ascii_name, data))
    return prof, files


def drop_column(prof, table, col):
    block = re.search(r"<%s\b.*?</%s>" % (table, table), prof, flags=re.S)
    if not block:
        return prof
    b = re.sub(r'\s*<column name="%s"[^>]*/>' % col, "", block.group(0))
    return prof.replace(block.group(0), b)


def drop_table(prof, table):
    return re.sub(r"\s*<%s\b.*?</%s>" % (table, table), "", prof, flags=re.S)


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = {}
    prof, files = small()
    reqs = ["review zh team A 2026-10 2026-10-31", "review en company - 2026-Q4 2026-11-02",
            "weekly zh rep a1 2026-W41 2026-10-14", "retrospective zh region North 2026 2026-10-31",
            "self-review en rep a2 2026-10 2026-10-20", "rollup zh company - 2026-10 2026-10-31"]
    for i, r in enumerate(reqs):
        seeds["small-%d" % i] = archive(r, prof, files)
    # every optional column of the orders left out, one at a time
    for col in ["order_id", "line_no", "customer_id", "customer_name", "rep", "team", "region", "channel",
                "category", "product", "quantity", "unit_price", "discount", "status"]:
        seeds["small-no-%s" % col] = archive("review zh company - 2026-10 2026-10-31",
                                             drop_column(prof, "orders", col), files)
    # no people at all; optional tables missing
    p = prof
    for col in ["rep", "team", "region"]:
        p = drop_column(p, "orders", col)
    for t in ["roster", "targets", "surveys", "activities", "actions", "calendar"]:
        p = drop_table(p, t)
    seeds["small-company-only"] = archive("rollup en company - 2026-Q4 2026-10-31", p, files)
    # one header for two columns
    seeds["small-one-header-twice"] = archive(
        "review zh team A 2026-10 2026-10-31",
        prof.replace('<column name="customer_name" header="customer_name"/>',
                     '<column name="customer_name" header="customer"/>'), files)
    # GBK and UTF-16 files, 万元 targets, dollars with a decimal comma and semicolons
    gbk = [(n, d.replace(b"Customer One", "客户一".encode("gbk"))) for n, d in files]
    seeds["small-gbk"] = archive("review zh team A 2026-10 2026-10-31",
                                 prof.replace('<profile name="small-fixture">',
                                              '<profile name="small-fixture" encoding="gbk">'), gbk)
    u16 = [(n, b"\xff\xfe" + d.decode().encode("utf-16-le")) for n, d in files]
    seeds["small-utf16"] = archive("weekly en team B 2026-W42 2026-10-31",
                                   prof.replace('<profile name="small-fixture">',
                                                '<profile name="small-fixture" encoding="utf-16">'), u16)
    seeds["small-wan"] = archive("review zh company - 2026-10 2026-10-31",
                                 prof.replace('header="sales_target"/>', 'header="sales_target" unit="万元"/>'),
                                 files)
    semi = []
    for n, d in files:
        rows = []
        for line in d.decode().split("\n"):
            cells = line.split(",")
            if n == "orders.csv" and cells and cells[0].startswith("O"):
                cells[-2] = "$%s,50" % cells[-2]
            rows.append(";".join(cells))
        semi.append((n, "\n".join(rows).encode()))
    usd = re.sub(r'(file="[a-z]+\.csv")', r'\1 delimiter=";"', prof.replace(
        '<profile name="small-fixture">', '<profile name="small-fixture" currency="USD" decimal=",">'))
    seeds["small-usd-semicolon"] = archive("review en team A 2026-10 2026-10-31", usd, semi)
    # the demo export, cut to its first lines, Chinese headers
    dprof, dfiles = demo()
    seeds["demo-monthly"] = archive("review zh team 华东一组 2025-01 2025-01-09", dprof, dfiles)
    seeds["demo-en-rollup"] = archive("weekly en company - 2025-W02 2025-01-09", dprof, dfiles)
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(seeds), OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
