#!/usr/bin/python3
"""GET a URL for the tests: prints the HTTP status on the first line, then the body.
    http_get.py URL [--user NAME:PASSWORD | --token TOKEN | --host HOST]"""
import base64
import sys
import urllib.error
import urllib.request

req = urllib.request.Request(sys.argv[1])
if len(sys.argv) > 3 and sys.argv[2] == "--user":
    req.add_header("Authorization", "Basic " + base64.b64encode(sys.argv[3].encode()).decode())
if len(sys.argv) > 3 and sys.argv[2] == "--token":
    req.add_header("Authorization", "Bearer " + sys.argv[3])
if len(sys.argv) > 3 and sys.argv[2] == "--host":
    req.add_header("Host", sys.argv[3])
try:
    r = urllib.request.urlopen(req, timeout=30)
    status, body = r.status, r.read()
except urllib.error.HTTPError as e:
    status, body = e.code, e.read()
sys.stdout.write("%d\n" % status)
sys.stdout.flush()
sys.stdout.buffer.write(body)
