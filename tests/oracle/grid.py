#!/usr/bin/env python3
"""Compare `fupan metrics` with the oracle over a grid of exports, scopes, periods and as-of dates.

    python3 tests/oracle/grid.py --fupan ./fupan        (or FUPAN_BIN=./fupan python3 tests/oracle/grid.py)

Exports: A "full", B "minimal" and C "people" from gen_export.py (generated into a temporary folder),
samples/demo, and, when ../shared/bench/gen-crm-export exists relative to the repository, a
gen-crm-export export of 20,000 lines read with --profile crm-export.

Every key of the JSON is compared recursively: the same keys on both sides, arrays of the same
length compared element by element, money to the fen, other numbers within 2e-6, text, bools and
null exactly. Periods the data's span refuses must make fupan exit with status 1.
Prints one line per mismatch, a summary, and exits 1 when there is any.
"""
import argparse
import datetime as dt
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import gen_export  # noqa: E402
import oracle  # noqa: E402
from oracle import Period  # noqa: E402

D = dt.date.fromisoformat
TOL = 2e-6
MONEY = {"sales", "aov", "prev_sales", "prev_aov", "yoy_sales", "yoy_aov", "target", "gap", "remaining_target",
         "daily_needed", "forecast", "next_target", "next_daily_needed", "daily_sales", "partial_target",
         "list_amount", "amount"}
ID_KEYS = ("name", "label", "id")


# ============================================================== the grid
def auto_periods(first, last, level="full"):
    """Periods and as-of dates chosen from the data's span.

    light: the first week and quarter of the data (finished), the month and year holding
           the data's last day (counted to it, in progress);
    core:  for each kind (week, month, quarter, year) the first period of the data (finished)
           and the period holding the data's last day (in progress);
    full:  core plus, for each kind, a period in the middle of the data: finished, in progress,
           and with as-of on its first day."""
    out = []
    mid_day = first + (last - first) / 2
    for kind in ("week", "month", "quarter", "year"):
        pf = Period.containing(kind, first)
        pl = Period.containing(kind, last)
        pm = Period.containing(kind, mid_day)
        if level == "light":
            out += [(pf.label, pf.end)] if kind in ("week", "quarter") else [(pl.label, last)]
            continue
        out += [(pf.label, pf.end), (pl.label, last)]
        if level == "full":
            out += [(pm.label, pm.end), (pm.label, pm.start + (pm.end - pm.start) // 2), (pm.label, pm.start)]
    seen, res = set(), []
    for p, a in out:
        if (p, a) not in seen:
            seen.add((p, a))
            res.append((p, a.isoformat()))
    return res


def refusals(first, last):
    """Periods the data's span refuses: before the data, after it, starting after as-of, counted
    only over days before the data."""
    out = []
    for kind in ("week", "month"):
        before = Period.containing(kind, first).shift(-1)
        out.append((before.label, before.end.isoformat()))
        after = Period.containing(kind, last).shift(1)
        out.append((after.label, after.end.isoformat()))
    y = Period.containing("year", last).shift(1)
    out.append((y.label, y.end.isoformat()))
    mid = Period.containing("month", first + (last - first) / 2)
    out.append((mid.label, (mid.start - dt.timedelta(days=1)).isoformat()))
    q = Period.containing("quarter", first + (last - first) / 2)
    out.append((q.label, (q.start - dt.timedelta(days=1)).isoformat()))
    # counted (to as-of) only over days before the data's first order date
    y = Period.containing("year", first)
    if y.start < first:
        out.append((y.label, (first - dt.timedelta(days=1)).isoformat()))
    return out


# Awkward cases per export, run for the company and the "all" scopes.
EXTRAS = {
    "A-full": [
        ("2015-W53", "2016-01-03"), ("2015-W53", "2015-12-30"), ("2016-W05", "2016-02-07"), ("2016-W06", "2016-02-14"),
        ("2016-W14", "2016-04-04"), ("2016-W18", "2016-05-08"), ("2016-W52", "2017-01-01"), ("2017-W01", "2017-01-08"),
        ("2017-W01", "2017-01-04"), ("2017-W05", "2017-02-05"),
        ("2015-11", "2015-11-30"), ("2015-12", "2015-12-31"), ("2016-02", "2016-02-29"), ("2016-02", "2016-02-15"),
        ("2016-03", "2016-03-30"), ("2016-04", "2016-04-30"), ("2016-05", "2016-05-31"), ("2016-08", "2016-08-30"),
        ("2017-02", "2017-02-28"), ("2017-03", "2017-03-01"),
        ("2016-Q1", "2016-02-29"), ("2016-Q2", "2016-06-30"), ("2016-Q2", "2016-05-31"), ("2016-Q3", "2016-07-01"),
        ("2016-Q4", "2016-11-15"), ("2017-Q1", "2017-02-28"),
        ("2016", "2016-12-31"), ("2016", "2016-02-29"), ("2016", "2016-10-31"), ("2017", "2017-01-01"),
        ("2017", "2017-12-31"),
    ],
    "B-minimal": [
        ("2021-08", "2021-08-31"), ("2021-08", "2021-08-16"), ("2021-09", "2021-09-30"), ("2021-09", "2021-09-15"),
        ("2021-W33", "2021-08-22"), ("2021-W35", "2021-09-05"), ("2021-Q3", "2021-09-30"), ("2021-Q3", "2021-08-31"),
        ("2022-02", "2022-02-28"), ("2022-03", "2022-03-31"), ("2022-W01", "2022-01-09"), ("2021-W52", "2022-01-02"),
        ("2021", "2021-12-31"),
    ],
    "C-people": [
        ("2020-W53", "2021-01-03"), ("2020-W53", "2020-12-30"), ("2021-W01", "2021-01-10"), ("2020-W05", "2020-02-02"),
        ("2020-W10", "2020-03-08"), ("2019-W23", "2019-06-09"),
        ("2020-02", "2020-02-29"), ("2020-03", "2020-03-30"), ("2021-02", "2021-02-01"), ("2020-07", "2020-07-15"),
        ("2019-12", "2019-12-31"), ("2020-01", "2020-01-31"), ("2020-10", "2020-10-31"),
        ("2019-Q4", "2019-12-31"), ("2020-Q1", "2020-02-29"), ("2020-Q3", "2020-09-30"), ("2020-Q3", "2020-08-15"),
        ("2020-Q4", "2020-11-30"),
        ("2020", "2020-12-31"), ("2020", "2020-02-29"), ("2019", "2019-12-31"),
    ],
    "demo": [
        ("2025-W01", "2025-01-05"), ("2025-W52", "2025-12-28"), ("2026-W01", "2026-01-04"), ("2025-02", "2025-02-28"),
        ("2025-03", "2025-03-31"), ("2026-03", "2026-03-30"), ("2026-02", "2026-02-16"), ("2025-Q4", "2025-11-15"),
        ("2026-Q1", "2026-03-31"), ("2025", "2025-12-31"),
    ],
    "bench": [
        ("2025-W01", "2025-01-05"), ("2026-W01", "2026-01-04"), ("2026-03", "2026-03-30"), ("2025-04", "2025-04-30"),
        ("2025-Q4", "2025-11-15"),
    ],
}


def pick_scopes(ds):
    """Scopes of an export whose names are not known in advance (gen-crm-export): a rep hired
    after the data begins, the two reps who sold most, two regions and two teams."""
    regions = sorted({l.region for l in ds.won if l.region})
    teams = sorted({l.team for l in ds.won if l.team})
    joined = sorted((h, p) for p, (t, h, lv) in ds.roster.items() if h and h > ds.first_date)
    sold = Counter(l.rep for l in ds.won)
    reps = [joined[0][1]] if joined else []
    reps += [p for p, _ in sold.most_common(3) if p not in reps][:3 - len(reps)]
    return {"full": [("company", "")],
            "core": [("region", regions[0]), ("team", teams[0]), ("rep", reps[0])],
            "light": [("region", regions[1]), ("team", teams[1])] + [("rep", r) for r in reps[1:]]}


def build_exports(tmp, with_bench=True):
    exps = []
    for name, variant in (("A-full", "full"), ("B-minimal", "minimal"), ("C-people", "people"), ("D-shop", "shop")):
        out = os.path.join(tmp, name)
        gen_export.generate(variant, out)
        exps.append((name, out, None))
    exps.append(("demo", os.path.join(REPO, "samples", "demo"), None))
    bench = os.path.join(os.path.dirname(REPO), "shared", "bench", "gen-crm-export")
    if with_bench and os.path.exists(bench):
        out = os.path.join(tmp, "bench")
        subprocess.run([sys.executable, bench, "--orders", "20000", out], check=True,
                       stdout=subprocess.DEVNULL)
        exps.append(("bench", out, "crm-export"))
    return exps


# Per export: the scopes that run the full grid (the automatic periods and the awkward
# extras), those that run the core periods and those that run the light ones (see
# auto_periods): every kind of scope meets every kind of period, finished and in progress.
SCOPES = {
    "A-full": {"full": [("company", ""), ("rep", "王浩然")],
               "core": [("region", "华东"), ("team", "华南二组"), ("rep", "吴俊杰")],
               "light": [("region", "华南"), ("team", "华东二组"), ("team", "华北一组"), ("rep", "韩立"),
                         ("rep", "黄晓明")]},
    "B-minimal": {"full": [("company", "")],
                  "core": [("region", "南区"), ("team", "一部"), ("rep", "赵磊")],
                  "light": [("team", "三部"), ("rep", "吴静"), ("rep", "王丽")]},
    "C-people": {"full": [("company", ""), ("rep", "高翔")],
                 "core": [("region", "西北"), ("team", "重庆一组"), ("rep", "宋佳")],
                 "light": [("region", "西南"), ("team", "西安一组"), ("rep", "胡静"), ("rep", "王芳"),
                           ("rep", "林琳")]},
    "D-shop": {"full": [("company", "")], "core": [("region", "East")], "light": [("region", "South")]},
    "demo": {"full": [("company", "")],
             "core": [("region", "西南"), ("team", "西南一组"), ("rep", "冯欣怡")],
             "light": [("region", "华东"), ("team", "华东一组"), ("rep", "何磊"), ("rep", "唐伟")]},
}


# ============================================================== comparing
def ident(x):
    if isinstance(x, dict):
        for k in ID_KEYS:
            if isinstance(x.get(k), str):
                return x[k]
    return None


def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def same_value(key, a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if is_num(a) and is_num(b):
        if key in MONEY:
            return round(a * 100) == round(b * 100)
        return abs(a - b) <= TOL
    return type(a) is type(b) and a == b


def short(v):
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= 120 else s[:117] + "..."


def compare(f, o, path, key, out):
    if isinstance(f, dict) and isinstance(o, dict):
        for k in f:
            if k not in o:
                out.append((f"{path}.{k}" if path else k, "present", "(no such key)"))
        for k in o:
            if k not in f:
                out.append((f"{path}.{k}" if path else k, "(no such key)", short(o[k])))
        fk, ok = [k for k in f if k in o], [k for k in o if k in f]
        if fk != ok:   # the contract fixes the order of the keys
            i = next(i for i, (x, y) in enumerate(zip(fk, ok)) if x != y)
            out.append((f"{path}.(key order)" if path else "(key order)", f"{fk[i:i + 3]}...", f"{ok[i:i + 3]}..."))
        for k in f:
            if k in o:
                compare(f[k], o[k], f"{path}.{k}" if path else k, k, out)
    elif isinstance(f, list) and isinstance(o, list):
        if len(f) != len(o):
            fi, oi = [ident(x) for x in f], [ident(x) for x in o]
            extra = ""
            if all(x is not None for x in fi + oi):
                extra = f" only fupan: {sorted(set(fi) - set(oi))} only oracle: {sorted(set(oi) - set(fi))}"
            out.append((f"{path}.length", f"{len(f)}", f"{len(o)}{extra}"))
            if fi and all(x is not None for x in fi + oi):
                om = {ident(x): x for x in o}
                for x in f:
                    if ident(x) in om:
                        compare(x, om[ident(x)], f"{path}[{ident(x)}]", key, out)
            return
        for i, (x, y) in enumerate(zip(f, o)):
            tag = ident(y) if ident(x) == ident(y) and ident(y) is not None else None
            compare(x, y, f"{path}[{i}{':' + tag if tag else ''}]", key, out)
    elif isinstance(f, (dict, list)) or isinstance(o, (dict, list)):
        out.append((path, short(f), short(o)))
    elif not same_value(key, f, o):
        out.append((path, short(f), short(o)))


# ============================================================== running
DATASETS = {}
CTX = {}


def fupan_cmd(exp, kind, name, period, as_of):
    _, data, profile = exp
    cmd = [CTX["fupan"], "metrics", "--data", data]
    if profile:
        cmd += ["--profile", profile]
    cmd += ["--period", period, "--as-of", as_of]
    if kind != "company":
        cmd += [f"--{kind}", name]
    return cmd


def query_text(kind, name, period, as_of):
    s = f"{period} as-of {as_of}"
    return s if kind == "company" else f"{s} --{kind} {name}"


def run_job(job):
    exp, kind, name, period, as_of, expect_refusal = job
    cmd = fupan_cmd(exp, kind, name, period, as_of)
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=60)
        rc, stdout, stderr = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        rc, stdout, stderr = -1, b"", b"timeout"
    ds = DATASETS[exp[0]]
    mism = []
    try:
        o = ds.metrics(kind, name, period, as_of)
        refused = False
    except oracle.Refused:
        o, refused = None, True
    if expect_refusal and not refused:
        mism.append(("(grid)", "-", "the oracle did not refuse a period outside the data"))
    if refused:
        if rc != 1:
            mism.append(("(exit status)", str(rc), "1 (the period is outside the data's span)"))
        return job, mism
    if rc != 0:
        err = stderr.decode("utf-8", "replace").strip().splitlines()
        mism.append(("(exit status)", f"{rc}: {err[0] if err else ''}"[:160], "0"))
        return job, mism
    try:
        f = json.loads(stdout)
    except ValueError as e:
        mism.append(("(json)", f"invalid JSON: {e}", "-"))
        return job, mism
    out = []
    compare(f, o, "", "", out)
    mism += out
    return job, mism


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fupan", default=os.environ.get("FUPAN_BIN"), help="the fupan binary (or FUPAN_BIN)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel workers (default 2)")
    ap.add_argument("--only", help="run only the exports whose name contains this text")
    ap.add_argument("--no-bench", action="store_true", help="skip the gen-crm-export export")
    ap.add_argument("--keep", help="generate the exports into this folder and keep them")
    ap.add_argument("--limit", type=int, default=0, help="print at most this many mismatch lines (0: all)")
    ap.add_argument("--list", action="store_true", help="list the queries and exit")
    a = ap.parse_args()
    if not a.fupan and not a.list:
        ap.error("give the binary with --fupan PATH or FUPAN_BIN=PATH")
    t0 = time.time()
    if a.fupan:
        CTX["fupan"] = os.path.abspath(a.fupan) if os.sep in a.fupan else (shutil.which(a.fupan) or a.fupan)
    if "FUPAN_DATADIR" not in os.environ and a.fupan:
        # a copied binary does not find the templates next to itself
        if not os.path.exists(os.path.join(os.path.dirname(CTX["fupan"]), "templates", "profile.rng")):
            os.environ["FUPAN_DATADIR"] = os.path.join(REPO, "templates")

    tmp = a.keep or tempfile.mkdtemp(prefix="fupan-oracle-")
    try:
        exps = build_exports(tmp, with_bench=not a.no_bench)
        if a.only:
            exps = [e for e in exps if a.only in e[0]]
        jobs = []
        for exp in exps:
            ds = oracle.Dataset.load(exp[1], exp[2])
            DATASETS[exp[0]] = ds
            scopes = SCOPES[exp[0]] if exp[0] in SCOPES else pick_scopes(ds)
            extra_p = []
            for p, a_of in EXTRAS.get(exp[0], []):
                extra_p.append((p, a_of or Period.parse(p).end.isoformat()))
            for level in ("full", "core", "light"):
                periods = auto_periods(ds.first_date, ds.last_date, level)
                if level == "full":
                    periods += [x for x in extra_p if x not in periods]
                for sc in scopes[level]:
                    for p, a_of in periods:
                        jobs.append((exp, sc[0], sc[1], p, a_of, False))
            for p, a_of in refusals(ds.first_date, ds.last_date):
                jobs.append((exp, "company", "", p, a_of, True))
        if a.list:
            for j in jobs:
                print(j[0][0], query_text(*j[1:5]), "(refused)" if j[5] else "")
            print(f"{len(jobs)} queries")
            return 0
        t1 = time.time()
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(a.jobs) as pool:
            results = pool.map(run_job, jobs, chunksize=4)
        n_mis, printed = 0, 0
        groups = Counter()
        examples = {}
        for job, mism in results:
            exp, kind, name, period, as_of, _ = job
            for path, fv, ov in mism:
                n_mis += 1
                pat = re.sub(r"\[[^\]]*\]", "[]", path)
                groups[(exp[0], pat)] += 1
                examples.setdefault((exp[0], pat), (query_text(kind, name, period, as_of), path, fv, ov))
                if not a.limit or printed < a.limit:
                    printed += 1
                    print(f"MISMATCH {exp[0]} | {query_text(kind, name, period, as_of)} | {path} | "
                          f"fupan={fv} | oracle={ov}")
        if groups:
            print("\nmismatches by export and JSON path:")
            for (e, pat), n in sorted(groups.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1])):
                q, path, fv, ov = examples[(e, pat)]
                print(f"  {n:6d}  {e}  {pat}   e.g. {q} | {path} | fupan={fv} | oracle={ov}")
        n_q = len(jobs)
        bad_q = sum(1 for _, m in results if m)
        print(f"\n{n_q} queries over {len(exps)} exports ({', '.join(e[0] for e in exps)}), "
              f"{bad_q} with differences, {n_mis} mismatches; "
              f"{time.time() - t0:.1f} s (generating and parsing {t1 - t0:.1f} s)")
        return 1 if n_mis else 0
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
