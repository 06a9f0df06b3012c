#!/usr/bin/python3
"""Many requests at once against a small cache, for the tests: every answer must come whole while entries are
evicted under it (an answer is sent from the entry's bytes in place). Every other request asks for gzip, as
browsers do; a page's script carries the nonce its CSP names.
    churn.py BASE_URL THREADS ROUNDS PATH...   prints "ok N gzip-as-asked" or the first bad answer"""
import gzip
import re
import sys
import threading
import urllib.request

base, threads, rounds, paths = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
bad, count, gz, lock = [], [0], [0], threading.Lock()


def work(k):
    for i in range(rounds):
        path = paths[(k + i) % len(paths)]
        req = urllib.request.Request(base + path)
        if (k + i) // 2 % 2:
            req.add_header("Accept-Encoding", "gzip, deflate")
        try:
            r = urllib.request.urlopen(req, timeout=120)
            body = r.read()
            if r.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
                with lock:
                    gz[0] += 1
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
asked = sum(1 for k in range(threads) for i in range(rounds)
            if (k + i) // 2 % 2 and "/report.pdf" not in paths[(k + i) % len(paths)])
# every page asked for with gzip came gzipped (a PDF is sent as it is)
print("ok %d %s" % (count[0], "gzip-as-asked" if gz[0] == asked and asked > 0 else "gzip %d of %d" % (gz[0], asked)))
