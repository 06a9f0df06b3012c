#!/usr/bin/env python3
"""A long fuzzing campaign: every target (or those named) runs until it has used --cpu-minutes of CPU
time (user + system, measured with wait4, so a busy machine does not shorten it), in chunks of
--chunk seconds, from its committed corpus in tests/fuzz/corpus/TARGET. New inputs are kept in a work
folder; at the end `-merge=1` adds to the committed corpus only those that reach new code, so the corpus
in the repository grows with each campaign and stays small. Crashes are copied to tests/fuzz/crashes/ and
stop that target. A table row per target is printed (and appended to --table) in the form
docs/robustness.md records.

    make fuzz-build && python3 tests/fuzz/campaign.py --cpu-minutes 30 --jobs 2 [TARGET ...]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_chunk(binary, args, log):
    with open(log, "ab") as lf:
        p = subprocess.Popen([binary] + args, stdout=lf, stderr=lf, env=dict(os.environ, FUPAN_SRC=SRC))
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, ru.ru_utime + ru.ru_stime


def last_stats(log):
    execs = cov = ft = None
    with open(log, "rb") as f:
        for line in f.read().decode("utf-8", "replace").splitlines():
            m = re.match(r"#(\d+)\s+\S+\s+cov: (\d+) ft: (\d+)", line)
            if m:
                cov, ft = int(m.group(2)), int(m.group(3))
            m = re.match(r"stat::number_of_executed_units: (\d+)", line)
            if m:
                execs = (execs or 0) + int(m.group(1))
    return execs, cov, ft


def campaign(name, a, out_rows, lock):
    binary = os.path.join(a.bin, name)
    corpus = os.path.join(SRC, "tests", "fuzz", "corpus", name)
    work = os.path.join(a.work, name)
    os.makedirs(work, exist_ok=True)
    log = os.path.join(a.work, name + ".log")
    open(log, "wb").close()
    before = len(os.listdir(corpus))
    cpu, chunks, crash, execs = 0.0, 0, None, 0
    dict_path = os.path.join(SRC, "tests", "fuzz", name + ".dict")
    extra = ["-dict=" + dict_path] if os.path.exists(dict_path) else []
    start = time.time()
    while cpu < a.cpu_minutes * 60:
        left = a.cpu_minutes * 60 - cpu
        chunk_log = log + ".chunk"
        open(chunk_log, "wb").close()
        rc, used = run_chunk(binary, ["-max_total_time=%d" % max(10, min(a.chunk, int(left) + 5)), "-timeout=20",
                                      "-rss_limit_mb=2048", "-print_final_stats=1", "-seed=%d" % (chunks + 1),
                                      "-artifact_prefix=%s/%s-" % (a.work, name)] + extra + [work, corpus],
                             chunk_log)
        cpu += used
        chunks += 1
        e, cov, ft = last_stats(chunk_log)
        execs += e or 0
        with open(log, "ab") as lf, open(chunk_log, "rb") as cf:
            lf.write(cf.read())
        with lock:
            print("%s: chunk %d, %.1f CPU-min so far, %d runs, cov %s ft %s, exit %d" %
                  (name, chunks, cpu / 60, execs, cov, ft, rc), flush=True)
        if rc != 0:
            arts = [f for f in os.listdir(a.work) if f.startswith(name + "-")]
            os.makedirs(os.path.join(SRC, "tests", "fuzz", "crashes"), exist_ok=True)
            for f in arts:
                shutil.copy(os.path.join(a.work, f), os.path.join(SRC, "tests", "fuzz", "crashes", f))
            crash = ", ".join(arts) or "exit %d" % rc
            break
    # keep what reaches new code: the committed corpus and the new inputs, merged on edges (not hit counts)
    # into a fresh set, so the corpus in the repository grows with coverage and stays small; the named
    # seeds (not libFuzzer's hash names) always stay
    mlog = log + ".merge"
    fresh = os.path.join(a.work, name + ".merged")
    shutil.rmtree(fresh, ignore_errors=True)
    os.makedirs(fresh)
    subprocess.run([binary, "-merge=1", "-use_counters=0", "-timeout=20", "-rss_limit_mb=2048", fresh, corpus, work],
                   stdout=open(mlog, "wb"), stderr=subprocess.STDOUT, env=dict(os.environ, FUPAN_SRC=SRC))
    if os.listdir(fresh):
        for f in os.listdir(corpus):
            if re.fullmatch(r"[0-9a-f]{40}", f):
                os.unlink(os.path.join(corpus, f))
        for f in os.listdir(fresh):
            shutil.copy(os.path.join(fresh, f), os.path.join(corpus, f))
    after = len(os.listdir(corpus))
    _, cov, ft = last_stats(log)
    row = "| %s | %.1f | %d | %s | %s | %d → %d | %s |" % (
        name, cpu / 60, execs, cov, ft, before, after, crash or "none")
    with lock:
        out_rows.append(row)
        print(row, flush=True)
        if a.table:
            with open(a.table, "a") as t:
                t.write(row + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("targets", nargs="*")
    ap.add_argument("--cpu-minutes", type=float, default=30)
    ap.add_argument("--chunk", type=int, default=600)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--bin", default=os.path.join(SRC, "build", "fuzz", "bin"))
    ap.add_argument("--work", default=os.path.join(SRC, "build", "fuzz", "campaign"))
    ap.add_argument("--table")
    a = ap.parse_args()
    targets = a.targets or sorted(f for f in os.listdir(a.bin) if f.startswith("fuzz_"))
    os.makedirs(a.work, exist_ok=True)
    rows, lock, queue = [], threading.Lock(), list(targets)

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                name = queue.pop(0)
            campaign(name, a, rows, lock)

    threads = [threading.Thread(target=worker) for _ in range(max(1, a.jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("| target | CPU-minutes | runs | cov | ft | corpus | crashes |")
    for r in rows:
        print(r)
    return 1 if any(not r.endswith("| none |") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
