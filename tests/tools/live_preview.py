#!/usr/bin/python3
"""Opens a report page of `fupan serve` in headless Chromium, appends a sentence to the report's notes file,
and waits, reading the page's DOM through the DevTools protocol, until the open page shows it (the page
reloads itself on the server's event). Prints "shown after N ms" and exits 0, or exits 1.

    live_preview.py PAGE-URL NOTES-FILE SENTENCE

Standard library only: the DevTools protocol's WebSocket is spoken by the small client below."""
import base64
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request


class WS:
    """a minimal WebSocket client (RFC 6455): text frames, client-masked, no extensions"""

    def __init__(self, url):
        m = re.match(r"ws://([^:/]+):(\d+)(/.*)", url)
        self.s = socket.create_connection((m.group(1), int(m.group(2))), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall(("GET %s HTTP/1.1\r\nHost: %s:%s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
                        % (m.group(3), m.group(1), m.group(2), key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.s.recv(1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("no WebSocket: %r" % head[:100])
        self.n = 0

    def send(self, obj):
        data = json.dumps(obj).encode()
        mask = os.urandom(4)
        n = len(data)
        hdr = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n))
        self.s.sendall(hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _exact(self, k):
        b = b""
        while len(b) < k:
            c = self.s.recv(k - len(b))
            if not c:
                raise RuntimeError("closed")
            b += c
        return b

    def recv(self):
        h = self._exact(2)
        n = h[1] & 0x7F
        if n == 126:
            n = struct.unpack(">H", self._exact(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", self._exact(8))[0]
        return json.loads(self._exact(n).decode("utf-8", "replace")) if h[0] & 0x0F == 1 else None

    def call(self, method, **params):
        self.n += 1
        self.send({"id": self.n, "method": method, "params": params})
        while True:
            r = self.recv()
            if r and r.get("id") == self.n:
                return r.get("result", {})


def main():
    url, notes, sentence = sys.argv[1:4]
    prof = tempfile.mkdtemp()
    chrome = subprocess.Popen(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                               "--disable-background-networking", "--remote-debugging-port=0",
                               "--user-data-dir=" + prof, "about:blank"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        port = None
        t0 = time.time()
        while port is None and time.time() - t0 < 30:
            line = chrome.stderr.readline().decode("utf-8", "replace")
            m = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = int(m.group(1))
        if port is None:
            print("chromium did not start")
            return 1
        req = urllib.request.Request("http://127.0.0.1:%d/json/new?%s" % (port, url), method="PUT")
        target = json.load(urllib.request.urlopen(req, timeout=10))
        ws = WS(target["webSocketDebuggerUrl"])

        def shows(text):
            r = ws.call("Runtime.evaluate", expression="document.body ? document.body.innerText : ''",
                        returnByValue=True)
            return text in ((r.get("result") or {}).get("value") or "")

        t0 = time.time()
        while not shows("销售") and time.time() - t0 < 20:  # the report is open
            time.sleep(0.1)
        if shows(sentence):
            print("the sentence was there before the edit")
            return 1
        time.sleep(0.5)  # the page's event stream is open
        with open(notes, "a", encoding="utf-8") as f:
            f.write("\n" + sentence + "\n")
        t0 = time.time()
        while time.time() - t0 < 10:
            if shows(sentence):
                print("shown after %d ms" % ((time.time() - t0) * 1000))
                return 0
            time.sleep(0.02)
        print("not shown within 10 s")
        return 1
    finally:
        chrome.kill()
        chrome.wait()
        shutil.rmtree(prof, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
