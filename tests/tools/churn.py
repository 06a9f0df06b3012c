#!/usr/bin/python3
"""Many requests at once against a small cache, for the tests: every answer must come whole while entries are
evicted under it (an answer is sent from the entry's bytes in place).
    churn.py BASE_URL THREADS ROUNDS PATH...   prints "ok N" or the first bad answer"""
import re
import sys
import threading
import urllib.request

base, threads, rounds, paths = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
bad, count, lock = [], [0], threading.Lock()
nonces = set()


def work(k):
    for i in range(rounds):
        path = paths[(k + i) % len(paths)]
        try:
            body = urllib.request.urlopen(base + path, timeout=120).read()
        except Exception as e:  # noqa: BLE001 - any failure is reported
            with lock:
                bad.append("%s: %s" % (path, e))
            return
        ok = True
        if "/report.pdf" in path:
            ok = body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
        else:
            text = body.decode("utf-8")
            m = re.findall(r"<script nonce=\"([^\"]+)\">", text)
            ok = text.endswith("</html>\n") and len(m) == 1 and ("'nonce-%s'" % m[0]) in text
            with lock:
                nonces.update(m)
        with lock:
            count[0] += 1
            if not ok:
                bad.append("%s: %d bytes, not whole: %r" % (path, len(body), body[-80:]))


ts = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
for t in ts:
    t.start()
for t in ts:
    t.join()
if bad:
    print(bad[0])
    sys.exit(1)
pages = sum(1 for k in range(threads) for i in range(rounds) if "/report.pdf" not in paths[(k + i) % len(paths)])
# every page its own nonce
print("ok %d %s" % (count[0], "nonces-unique" if len(nonces) == pages else "nonces-repeat %d/%d" % (len(nonces), pages)))
