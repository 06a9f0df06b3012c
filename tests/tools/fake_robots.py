#!/usr/bin/python3
"""A local stand-in for the three chat services' robot webhooks, for tests/test_push.c: 企业微信 group robots
(send and upload_media), 钉钉 custom robots and 飞书 custom bots, on 127.0.0.1.

    fake_robots.py CONFIG.json LOG.jsonl PORTFILE

CONFIG: {"now": 1793577600, "scale": 0.05,
         "robots": {"K1": {"service": "wecom"}, "T2": {"service": "dingtalk", "secret": "S2", "mode": "flaky:2"},
                    "H3": {"service": "feishu", "secret": "S3"}}}
A robot is its WeCom key, DingTalk access_token or Feishu hook id. Each request is checked as the service
would: the path and method, the JSON shape of its message type, the text length limit, the signature
(timestamp within an hour of "now", HMAC-SHA256 as each service documents), the media_id of a WeCom file
message (one this robot's upload_media gave), and the rate limits (WeCom and DingTalk 20 a minute, Feishu
100 a minute and 5 a second; a minute is 60 × scale seconds). A request that breaks a rule gets the
service's error code, and a {"violation": …} line in the log; an accepted message gets a line with what it
said. Modes, for the first N requests to the robot: flaky:N (HTTP 500), ratecode:N (the service's rate-limit
code), timeout:N (accept the message, answer after 3 s), drop:N (close the connection without reading it),
refuse (always the service's permanent error)."""
import base64
import hashlib
import hmac
import json
import re
import socketserver
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONFIG = json.load(open(sys.argv[1]))
LOG = sys.argv[2]
LOCK = threading.Lock()
SCALE = CONFIG.get("scale", 1.0)
NOW = CONFIG.get("now", time.time())
SENT = {}      # robot -> [monotonic times of accepted-or-refused requests]
COUNT = {}     # robot -> requests seen
MEDIA = {}     # robot -> {media_id: sha256}
RATE_CODE = {"wecom": 45009, "dingtalk": 130101, "feishu": 11232}
REFUSE = {"wecom": (93000, "invalid webhook url"), "dingtalk": (300001, "token is not exist"),
          "feishu": (19001, "param invalid: incoming webhook access token invalid")}
LIMITS = {"wecom": [(20, 60)], "dingtalk": [(20, 60)], "feishu": [(100, 60), (5, 1)]}


def log(obj):
    with LOCK:
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps(obj, ensure_ascii=False) + "\n")


def mode_of(robot, n):
    m = CONFIG["robots"].get(robot, {}).get("mode", "ok")
    k, _, cnt = m.partition(":")
    if not cnt:  # a mode without a count holds for every request
        return k
    return k if n <= int(cnt) else "ok"


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, service, code, msg="ok", extra=None, status=200):
        key = "code" if service == "feishu" else "errcode"
        body = {key: code, ("msg" if service == "feishu" else "errmsg"): msg}
        if extra:
            body.update(extra)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def violation(self, service, robot, what, code, msg):
        log({"violation": what, "service": service, "robot": robot})
        self.answer(service, code, msg)

    def do_POST(self):
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        if u.path == "/cgi-bin/webhook/send":
            service, robot = "wecom", q.get("key", "")
        elif u.path == "/cgi-bin/webhook/upload_media":
            service, robot = "wecom", q.get("key", "")
        elif u.path == "/robot/send":
            service, robot = "dingtalk", q.get("access_token", "")
        elif u.path.startswith("/open-apis/bot/v2/hook/"):
            service, robot = "feishu", u.path.rsplit("/", 1)[1]
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        conf = CONFIG["robots"].get(robot)
        with LOCK:
            COUNT[robot] = COUNT.get(robot, 0) + 1
            n = COUNT[robot]
        mode = mode_of(robot, n)
        if mode == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if mode == "partial":
            # the message is taken, the status line and half an answer sent, then nothing more
            length = int(self.headers.get("Content-Length", "0"))
            self.rfile.read(length)
            log({"service": conf["service"] if conf else "?", "robot": robot, "msgtype": "partial"})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b'{"errcode"')
            self.wfile.flush()
            time.sleep(3)
            self.close_connection = True
            return
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if conf is None or conf["service"] != service:
            return self.violation(service, robot, "unknown robot", *REFUSE[service])
        if mode == "flaky":
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode == "ratecode":
            return self.answer(service, RATE_CODE[service], "api freq out of limit")
        if mode == "refuse":
            return self.answer(service, *REFUSE[service])
        if mode == "badrequest":  # Feishu's 9499 is "Bad Request": a permanent error, not a rate
            return self.answer(service, 9499, "Bad Request")
        # the rate limits, in scaled minutes and seconds
        t = time.monotonic()
        with LOCK:
            times = SENT.setdefault(robot, [])
            over = any(sum(1 for x in times if t - x < w * SCALE) >= cnt for cnt, w in LIMITS[service])
            times.append(t)
        if over:
            return self.violation(service, robot, "rate", RATE_CODE[service], "too many messages")
        ok, rec = self.check(service, robot, conf, u, q, body)
        if not ok:
            return
        if mode == "timeout":
            log(rec)
            time.sleep(3)
            try:
                self.answer(service, 0, "ok" if service != "feishu" else "success", rec.pop("_extra", None))
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        extra = rec.pop("_extra", None)
        log(rec)
        self.answer(service, 0, "ok" if service != "feishu" else "success", extra)

    def check(self, service, robot, conf, u, q, body):
        """the request as the service documents it: True and the log record, or False (answered)"""
        ctype = self.headers.get("Content-Type", "")
        rec = {"service": service, "robot": robot}
        if u.path == "/cgi-bin/webhook/upload_media":
            m = re.match(r"multipart/form-data; boundary=(.+)$", ctype)
            if not m or q.get("type") != "file":
                self.violation(service, robot, "upload: not multipart with type=file", 40004, "invalid media type")
                return False, None
            b = m.group(1).encode()
            parts = body.split(b"--" + b)
            media = [p for p in parts if b'name="media"' in p]
            if len(media) != 1:
                self.violation(service, robot, "upload: no part named media", 40004, "invalid media")
                return False, None
            head, _, data = media[0].partition(b"\r\n\r\n")
            data = data[:-2] if data.endswith(b"\r\n") else data
            fl = re.search(rb"filelength=(\d+)", head)
            if not re.search(rb'filename="[^"]+"', head) or not fl or int(fl.group(1)) != len(data) or len(data) < 5:
                self.violation(service, robot, "upload: filename or filelength wrong", 40004, "invalid media")
                return False, None
            mid = "M%d-%s" % (len(MEDIA.setdefault(robot, {})) + 1, robot)
            MEDIA[robot][mid] = hashlib.sha256(data).hexdigest()
            rec.update({"upload": True, "sha256": MEDIA[robot][mid],
                        "_extra": {"type": "file", "media_id": mid, "created_at": "1380000000"}})
            return True, rec
        if not ctype.startswith("application/json"):
            self.violation(service, robot, "not JSON", 40008 if service == "wecom" else 43004, "invalid content type")
            return False, None
        try:
            j = json.loads(body.decode("utf-8"))
        except ValueError:
            self.violation(service, robot, "body not JSON", 40008, "invalid json")
            return False, None
        # signatures
        secret = conf.get("secret")
        if service == "dingtalk" and secret:
            ts, sign = q.get("timestamp"), q.get("sign")
            want = base64.b64encode(hmac.new(secret.encode(), ("%s\n%s" % (ts, secret)).encode(),
                                             hashlib.sha256).digest()).decode()
            if not ts or not sign or abs(int(ts) / 1000 - NOW) > 3600 or sign != want:
                self.violation(service, robot, "signature", 310000, "sign not match")
                return False, None
        if service == "feishu" and secret:
            ts, sign = j.get("timestamp"), j.get("sign")
            want = base64.b64encode(hmac.new(("%s\n%s" % (ts, secret)).encode(), b"", hashlib.sha256).digest()).decode()
            if not ts or not sign or abs(int(ts) - NOW) > 3600 or sign != want:
                self.violation(service, robot, "signature", 19021, "sign match fail or timestamp is not within one hour")
                return False, None
        if service == "wecom":
            if j.get("msgtype") == "markdown":
                c = (j.get("markdown") or {}).get("content")
                if not isinstance(c, str) or not c:
                    self.violation(service, robot, "markdown without content", 40008, "invalid message type")
                    return False, None
                if len(c.encode()) > 4096:
                    self.violation(service, robot, "markdown over 4096 bytes", 40058, "content exceed max length")
                    return False, None
                rec.update({"msgtype": "markdown", "text": c})
            elif j.get("msgtype") == "file":
                mid = (j.get("file") or {}).get("media_id")
                if mid not in MEDIA.get(robot, {}):
                    self.violation(service, robot, "file message with an unknown media_id", 40007, "invalid media_id")
                    return False, None
                rec.update({"msgtype": "file", "sha256": MEDIA[robot][mid]})
            else:
                self.violation(service, robot, "wecom msgtype", 40008, "invalid message type")
                return False, None
        elif service == "dingtalk":
            md = j.get("markdown") or {}
            if j.get("msgtype") != "markdown" or not isinstance(md.get("title"), str) or not isinstance(md.get("text"), str):
                self.violation(service, robot, "dingtalk markdown shape", 40035, "missing parameter")
                return False, None
            if len(md["text"].encode()) > 5000:
                self.violation(service, robot, "dingtalk text over 5000 bytes", 460101, "message too long")
                return False, None
            rec.update({"msgtype": "markdown", "title": md["title"], "text": md["text"]})
        else:
            if len(body) > 20 * 1024:
                self.violation(service, robot, "feishu body over 20 KB", 9499, "request too large")
                return False, None
            card = j.get("card") or {}
            title = ((card.get("header") or {}).get("title") or {}).get("content")
            els = card.get("elements")
            if j.get("msg_type") != "interactive" or not isinstance(title, str) or not isinstance(els, list) or not els:
                self.violation(service, robot, "feishu card shape", 19002, "params error, msg_type need")
                return False, None
            text = "".join(((e.get("text") or {}).get("content") or "") for e in els if e.get("tag") == "div")
            links = [a.get("url") for e in els if e.get("tag") == "action" for a in e.get("actions", [])]
            rec.update({"msgtype": "card", "title": title, "text": text, "links": links})
        return True, rec


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


srv = Server(("127.0.0.1", 0), H)
with open(sys.argv[3] + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os
os.rename(sys.argv[3] + ".tmp", sys.argv[3])
srv.serve_forever()
