#!/usr/bin/python3
"""A real SMTP server for the mail tests (Debian's python3-aiosmtpd), on 127.0.0.1.

usage: smtp_sink.py DIR PORTFILE [--refuse ADDRESS] [--drop] [--tls CERT KEY] [--auth-log FILE]
                    [--slow SECONDS MARKFILE]

Each accepted message is saved as DIR/<n>.eml with its envelope in DIR/<n>.rcpt. --refuse answers
550 to RCPT TO for that address; --drop closes the connection when the client sends DATA. The port
it listens on is written to PORTFILE once it is ready. Stops on SIGTERM. --tls offers STARTTLS with that
certificate; --auth-log offers AUTH (even without TLS) and writes every attempt's mechanism and user to FILE,
so a test can see whether a client sent its login in the clear. --slow keeps each message, touches MARKFILE and
only then, SECONDS later, answers 250 (a test can kill the client while the server holds the message).
"""
import asyncio
import os
import signal
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class Handler:
    def __init__(self, out, refuse, drop, slow=None):
        self.out, self.refuse, self.drop, self.n, self.slow = out, refuse, drop, 0, slow

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse and address.lower() == self.refuse.lower():
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.slow:  # the message is kept first, then the answer is slow (the server's queue has it)
            self.save(envelope)
            open(self.slow[1], "a").close()
            await asyncio.sleep(self.slow[0])
            return "250 Message accepted for delivery"
        if self.drop:
            session.transport.close()  # the connection dies in the middle of the transaction
            return "421 closing"
        self.save(envelope)
        return "250 Message accepted for delivery"

    def save(self, envelope):
        self.n += 1
        base = os.path.join(self.out, "%03d" % self.n)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".rcpt", "w") as f:
            f.write(envelope.mail_from + "\n" + "\n".join(envelope.rcpt_tos) + "\n")


class LoggingAuth:
    def __init__(self, path):
        self.path = path

    def __call__(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult
        with open(self.path, "a") as f:
            f.write("%s %s tls=%s\n" % (mechanism, getattr(auth_data, "login", b"?"), session.ssl is not None))
        return AuthResult(success=True)


def main():
    out, portfile = sys.argv[1], sys.argv[2]
    refuse = sys.argv[sys.argv.index("--refuse") + 1] if "--refuse" in sys.argv else None
    drop = "--drop" in sys.argv
    kw = {}
    if "--tls" in sys.argv:
        import ssl
        i = sys.argv.index("--tls")
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(sys.argv[i + 1], sys.argv[i + 2])
        kw["tls_context"] = ctx
    if "--auth-log" in sys.argv:
        kw["authenticator"] = LoggingAuth(sys.argv[sys.argv.index("--auth-log") + 1])
        kw["auth_require_tls"] = False
    os.makedirs(out, exist_ok=True)
    import socket
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))  # a free port
    port = probe.getsockname()[1]
    probe.close()
    slow = None
    if "--slow" in sys.argv:
        i = sys.argv.index("--slow")
        slow = (float(sys.argv[i + 1]), sys.argv[i + 2])
    c = Controller(Handler(out, refuse, drop, slow), hostname="127.0.0.1", port=port, **kw)
    c.start()
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(port))
    os.rename(tmp, portfile)
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    while not stop:
        signal.pause() if hasattr(signal, "pause") else None
    c.stop()


if __name__ == "__main__":
    main()
