#!/usr/bin/python3
"""Reads the messages an SMTP sink saved (DIR/*.eml) with Python's email parser and checks them
against the reports (REPORTS/*.pdf): a UTF-8 subject, a plain and an HTML body, one PDF attachment
whose file name is the report's (Chinese and all) and whose bytes are the report's.

usage: check_mail.py DIR REPORTS      prints one line a message: "subject<TAB>filename<TAB>ok"
"""
import email
import email.policy
import glob
import os
import sys

out, reports = sys.argv[1], sys.argv[2]
bad = 0
for path in sorted(glob.glob(os.path.join(out, "*.eml"))):
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    subject = str(msg["subject"])
    assert msg["message-id"] and msg["date"], "headers"
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    atts = list(msg.iter_attachments())
    assert len(atts) == 1, "one attachment"
    a = atts[0]
    name = a.get_filename()
    data = a.get_content()
    with open(os.path.join(reports, name), "rb") as f:
        same = f.read() == data
    ok = same and a.get_content_type() == "application/pdf" and "您好" in text and "<p>" in html
    bad += not ok
    print("%s\t%s\t%s" % (subject, name, "ok" if ok else "BAD"))
sys.exit(1 if bad else 0)
