/* Tests of mail (mail.c, `fupan mail`) against a real SMTP server started on 127.0.0.1
 * (tests/tools/smtp_sink.py, Debian's python3-aiosmtpd), the messages read back with Python's email
 * parser (tests/tools/check_mail.py): delivered, attachments byte-identical, Chinese file names and
 * subjects readable; a rerun sends nothing twice; a refused recipient or a dropped connection leaves
 * the message in the outbox and the next run delivers it; header injection is refused. */
#include "testutil.h"

#include "mail.h"

#include <signal.h>
#include <stdbool.h>
#include <time.h>

static void nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static char *tmp;

static int setup(void **state)
{
    (void)state;
    if (system("/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null")) {
        fprintf(stderr, "test_mail needs python3-aiosmtpd (make deps installs it)\n");
        return -1;
    }
    tmp = tu_tmpdir();
    /* a batch of the demo's teams to mail */
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && SOURCE_DATE_EPOCH=1793577600 '%s' batch --template monthly --data samples/demo --period 2026-10 "
             "--as-of 2026-10-31 --out '%s/reports' --quiet >/dev/null",
             tu_src(), tu_bin(), tmp);
    if (system(cmd))
        return -1;
    char rc[2048];
    snprintf(rc, sizeof rc,
             "scope,to,cc\n"
             "华东一组,chenlf@mingyuan.example,boss@mingyuan.example;cfo@mingyuan.example\n"
             "华北一组,hexx@mingyuan.example,boss@mingyuan.example\n"
             "华南一组,linzq@mingyuan.example,\n");
    tu_writes(tmp, "recipients.csv", rc);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmrf(tmp);
    free(tmp);
    return 0;
}

typedef struct sink {
    int pid;
    int port;
    char dir[512];
} sink;

static void sink_start(sink *s, const char *name, const char *extra)
{
    snprintf(s->dir, sizeof s->dir, "%s/%s", tmp, name);
    char cmd[4096], pidf[600], portf[600];
    snprintf(pidf, sizeof pidf, "%s/%s.pid", tmp, name);
    snprintf(portf, sizeof portf, "%s/%s.port", tmp, name);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/tests/tools/smtp_sink.py' '%s' '%s' %s >/dev/null 2>&1 & echo $! > '%s'",
             tu_src(), s->dir, portf, extra ? extra : "", pidf);
    assert_int_equal(system(cmd), 0);
    char *port = NULL;
    for (int i = 0; i < 100 && !port; i++) {
        nap_ms(50);
        port = tu_read(portf);
    }
    assert_non_null(port);
    s->port = atoi(port);
    free(port);
    char *pid = tu_read(pidf);
    s->pid = atoi(pid);
    free(pid);
}

static void sink_stop(sink *s)
{
    kill(s->pid, SIGTERM);
    nap_ms(200);
    kill(s->pid, SIGKILL);
}

static int mail(const sink *s, char **err)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "SOURCE_DATE_EPOCH=1793577600 '%s' mail --manifest '%s/reports/manifest.json' --recipients "
             "'%s/recipients.csv' --from fupan@mingyuan.example --smtp smtp://127.0.0.1:%d --plain",
             tu_bin(), tmp, tmp, s->port);
    return tu_run(cmd, NULL, err);
}

static int files_in(const char *dir, const char *suffix)
{
    char cmd[2048], *out;
    snprintf(cmd, sizeof cmd, "ls '%s' 2>/dev/null | grep -c '%s$'", dir, suffix);
    tu_run(cmd, &out, NULL);
    int n = atoi(out);
    free(out);
    return n;
}

static void delivers_then_never_twice(void **state)
{
    (void)state;
    sink s;
    sink_start(&s, "ok", NULL);
    char *err;
    assert_int_equal(mail(&s, &err), 0);
    assert_contains(err, "3 sent, 0 already sent, 0 not sent, 2 without recipients");
    free(err);
    assert_int_equal(files_in(s.dir, ".eml"), 3);
    /* read back with a real MIME parser: subjects, Chinese file names, byte-identical PDFs */
    char cmd[2048], *out;
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/tests/tools/check_mail.py' '%s' '%s/reports'", tu_src(), s.dir,
             tmp);
    assert_int_equal(tu_run(cmd, &out, NULL), 0);
    assert_contains(out, "华东一组2026年10月销售月度总结\t华东一组-2026-10.pdf\tok");
    assert_contains(out, "华北一组2026年10月销售月度总结\t华北一组-2026-10.pdf\tok");
    free(out);
    /* the envelope carries the cc recipients too */
    char p[1024];
    snprintf(p, sizeof p, "%s/001.rcpt", s.dir);
    char *rc = tu_read(p);
    assert_contains(rc, "fupan@mingyuan.example\n");
    free(rc);
    /* a rerun sends nothing again */
    assert_int_equal(mail(&s, &err), 0);
    assert_contains(err, "0 sent, 3 already sent");
    free(err);
    assert_int_equal(files_in(s.dir, ".eml"), 3);
    snprintf(p, sizeof p, "%s/reports/outbox", tmp);
    assert_int_equal(files_in(p, ".eml"), 0);
    sink_stop(&s);
    /* start again from an empty outbox for the other tests */
    snprintf(cmd, sizeof cmd, "rm -rf '%s/reports/outbox'", tmp);
    assert_int_equal(system(cmd), 0);
}

static void refused_and_dropped_stay_in_the_outbox(void **state)
{
    (void)state;
    char outbox[1024];
    snprintf(outbox, sizeof outbox, "%s/reports/outbox", tmp);
    /* a server that refuses one recipient: that message stays, with its reason; the others go */
    sink s;
    sink_start(&s, "refuse", "--refuse hexx@mingyuan.example");
    char *err;
    assert_int_equal(mail(&s, &err), 1);
    assert_contains(err, "2 sent, 0 already sent, 1 not sent");
    assert_contains(err, "not sent: 华北一组");
    free(err);
    sink_stop(&s);
    assert_int_equal(files_in(outbox, ".eml"), 1);
    assert_int_equal(files_in(outbox, ".err"), 1);
    char cmd[2048], *reason;
    snprintf(cmd, sizeof cmd, "cat '%s'/*.err", outbox);
    tu_run(cmd, &reason, NULL);
    assert_contains(reason, "550");
    free(reason);
    /* a server that drops the connection at DATA: still there */
    sink_start(&s, "drop", "--drop");
    assert_int_equal(mail(&s, &err), 1);
    assert_contains(err, "0 sent, 2 already sent, 1 not sent");
    free(err);
    sink_stop(&s);
    assert_int_equal(files_in(outbox, ".eml"), 1);
    /* the server is well again: the retry delivers it, and only it */
    sink_start(&s, "retry", NULL);
    assert_int_equal(mail(&s, &err), 0);
    assert_contains(err, "1 sent, 2 already sent, 0 not sent");
    free(err);
    assert_int_equal(files_in(s.dir, ".eml"), 1);
    assert_int_equal(files_in(outbox, ".eml"), 0);
    assert_int_equal(files_in(outbox, ".err"), 0);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/tests/tools/check_mail.py' '%s' '%s/reports'", tu_src(), s.dir,
             tmp);
    char *out;
    assert_int_equal(tu_run(cmd, &out, NULL), 0);
    assert_contains(out, "华北一组-2026-10.pdf\tok");
    free(out);
    sink_stop(&s);
}

static void no_header_injection(void **state)
{
    (void)state;
    /* addresses: anything but one plain address is refused */
    assert_true(fp_mail_address_ok("a.b@example.com"));
    assert_false(fp_mail_address_ok("a@example.com\r\nBcc: x@evil.example"));
    assert_false(fp_mail_address_ok("a@example.com, x@evil.example"));
    assert_false(fp_mail_address_ok("\"x\" <a@example.com>"));
    assert_false(fp_mail_address_ok("a@localhost"));
    assert_false(fp_mail_address_ok(""));
    /* a subject with a line break is encoded, not a new header */
    const char *to[] = {"a@example.com"};
    fp_mail_msg m = {.from = "f@example.com", .to = to, .nto = 1, .subject = "月报\r\nBcc: x@evil.example",
                     .text = "t", .html = "<p>t</p>", .date = 0, .message_id = "1@fupan.report"};
    fp_buf b;
    fp_buf_init(&b);
    fp_error e = {0};
    assert_int_equal(fp_mail_build(&m, &b, &e), FP_OK);
    assert_not_contains(b.data, "\r\nBcc:");
    assert_contains(b.data, "Subject: =?UTF-8?B?");
    fp_buf_free(&b);
    /* issue 15.8: a right-to-left override does not reach a header: the subject is the name without it */
    m.subject = "T_华南\xE2\x80\xAE" "gpj.exe";
    fp_buf_init(&b);
    assert_int_equal(fp_mail_build(&m, &b, &e), FP_OK);
    {
        fp_buf want;
        fp_buf_init(&want);
        fp_buf_adds(&want, "Subject: =?UTF-8?B?");
        /* base64 of "T_华南gpj.exe" */
        fp_buf_adds(&want, "VF/ljY7ljZdncGouZXhl?=");
        assert_contains(b.data, want.data);
        fp_buf_free(&want);
    }
    fp_buf_free(&b);
    /* a bad address in a message is an error, not a header */
    const char *bad[] = {"a@example.com\nBcc: x@evil.example"};
    m.to = bad;
    fp_buf_init(&b);
    assert_int_not_equal(fp_mail_build(&m, &b, &e), FP_OK);
    fp_buf_free(&b);
    /* and in the recipients file: the line is named, nothing is sent */
    tu_writes(tmp, "evil.csv", "scope,to,cc\n华东一组,\"a@example.com\nBcc: x@evil.example\",\n");
    char cmd[4096], *err;
    snprintf(cmd, sizeof cmd,
             "'%s' mail --manifest '%s/reports/manifest.json' --recipients '%s/evil.csv' --from f@example.com "
             "--dry-run '%s/evil-out'",
             tu_bin(), tmp, tmp, tmp);
    assert_int_equal(tu_run(cmd, NULL, &err), 1);
    assert_contains(err, "evil.csv:2: ");
    assert_contains(err, "not one plain e-mail address");
    free(err);
    /* no password on the command line */
    snprintf(cmd, sizeof cmd,
             "'%s' mail --manifest x --recipients y --from f@example.com --smtp smtp://user:pw@127.0.0.1:25",
             tu_bin());
    assert_int_equal(tu_run(cmd, NULL, &err), 2);
    assert_contains(err, "FUPAN_SMTP_USER");
    free(err);
}

/* issue 15.11: TLS is required. A server that does not offer STARTTLS gets nothing, not even the login (the sink
 * offers AUTH in the clear and logs any attempt); one that does, with a certificate the test makes, gets the
 * reports with the certificate verified (--ca-file), and refuses to be trusted without it; --plain carries no
 * login */
static void tls_is_required(void **state)
{
    (void)state;
    char cmd[4096], *err, auth[600];
    sink s;
    snprintf(auth, sizeof auth, "%s/plain-auth.log", tmp);
    char extra[700];
    snprintf(extra, sizeof extra, "--auth-log '%s'", auth);
    sink_start(&s, "notls", extra);
    snprintf(cmd, sizeof cmd,
             "FUPAN_SMTP_USER=u FUPAN_SMTP_PASSWORD=secret SOURCE_DATE_EPOCH=1793577600 '%s' mail --manifest "
             "'%s/reports/manifest.json' --recipients '%s/recipients.csv' --from fupan@mingyuan.example --smtp "
             "smtp://127.0.0.1:%d --outbox '%s/notls-outbox'", tu_bin(), tmp, tmp, s.port, tmp);
    assert_int_equal(tu_run(cmd, NULL, &err), 1);
    assert_contains(err, "does not offer STARTTLS");
    sink_stop(&s);
    char *log = tu_read(auth);
    if (log)
        fail_msg("the login went to a server without TLS: %s", log);
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -c eml || true", s.dir);
    char *n;
    char wrapped[4200];
    snprintf(wrapped, sizeof wrapped, "(%s)", cmd);
    assert_int_equal(tu_run(wrapped, &n, NULL), 0);
    assert_string_equal(n, "0\n");
    free(n);
    free(err);
    /* a server with STARTTLS and a certificate for 127.0.0.1 made here */
    snprintf(cmd, sizeof cmd,
             "cd '%s' && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 "
             "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1", tmp);
    assert_int_equal(system(cmd), 0);
    snprintf(extra, sizeof extra, "--tls '%s/cert.pem' '%s/key.pem' --auth-log '%s/tls-auth.log'", tmp, tmp, tmp);
    sink_start(&s, "tls", extra);
    /* not trusted without its CA: nothing sent */
    snprintf(cmd, sizeof cmd,
             "FUPAN_SMTP_USER=u FUPAN_SMTP_PASSWORD=secret SOURCE_DATE_EPOCH=1793577600 '%s' mail --manifest "
             "'%s/reports/manifest.json' --recipients '%s/recipients.csv' --from fupan@mingyuan.example --smtp "
             "smtp://127.0.0.1:%d --outbox '%s/tls-outbox'", tu_bin(), tmp, tmp, s.port, tmp);
    assert_int_equal(tu_run(cmd, NULL, &err), 1);
    assert_contains(err, "certificate");
    free(err);
    /* with it: delivered, the login over TLS */
    char with[4400];
    snprintf(with, sizeof with, "%s --ca-file '%s/cert.pem'", cmd, tmp);
    assert_int_equal(tu_run(with, NULL, &err), 0);
    free(err);
    sink_stop(&s);
    snprintf(cmd, sizeof cmd, "(ls '%s' | grep -c eml)", s.dir);
    assert_int_equal(tu_run(cmd, &n, NULL), 0);
    assert_true(atoi(n) > 0);
    free(n);
    snprintf(auth, sizeof auth, "%s/tls-auth.log", tmp);
    log = tu_read(auth);
    assert_non_null(log);
    assert_contains(log, "tls=True");
    assert_not_contains(log, "tls=False");
    free(log);
    /* --plain with a login: refused before anything */
    snprintf(cmd, sizeof cmd, "FUPAN_SMTP_USER=u '%s' mail --manifest x --recipients y --from f@example.com "
             "--smtp smtp://127.0.0.1:25 --plain", tu_bin());
    assert_int_equal(tu_run(cmd, NULL, &err), 2);
    assert_contains(err, "--plain sends no login");
    free(err);
}

/* issue 15.5: a server that accepts the connection and never answers: the first message waits the connect
 * timeout (an option), then the run stops; every message stays in the outbox and the message says how to retry
 * (it used to wait 20 s for each of them, one after the other) */
static void a_server_that_never_answers_stops_the_run(void **state)
{
    (void)state;
    char cmd[4096], *err, *out;
    /* a listener that accepts and says nothing */
    snprintf(cmd, sizeof cmd,
             "(/usr/bin/python3 -c 'import socket,time,sys\n"
             "s=socket.socket(); s.bind((\"127.0.0.1\",0)); s.listen(16)\n"
             "open(sys.argv[1],\"w\").write(str(s.getsockname()[1]))\n"
             "c=[]\n"
             "while True: c.append(s.accept()[0])' '%s/mute.port' & echo $! > '%s/mute.pid')", tmp, tmp);
    assert_int_equal(system(cmd), 0);
    char p[1024], *port = NULL;
    snprintf(p, sizeof p, "%s/mute.port", tmp);
    for (int i = 0; i < 100 && !port; i++) {
        nap_ms(50);
        port = tu_read(p);
    }
    assert_non_null(port);
    snprintf(cmd, sizeof cmd,
             "SOURCE_DATE_EPOCH=1793577600 '%s' mail --manifest '%s/reports/manifest.json' --recipients "
             "'%s/recipients.csv' --from fupan@mingyuan.example --smtp smtp://127.0.0.1:%d --plain "
             "--connect-timeout 1 --outbox '%s/mute-outbox'", tu_bin(), tmp, tmp, atoi(port), tmp);
    free(port);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = tu_run(cmd, &out, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    snprintf(p, sizeof p, "%s/mute.pid", tmp);
    char *pid = tu_read(p);
    kill(atoi(pid), SIGKILL);
    free(pid);
    assert_int_equal(rc, 1);
    /* one attempt, then the stop, saying what to do */
    int tried = 0;
    for (const char *q = err; (q = strstr(q, "fupan: not sent: ")) != NULL; q++)
        tried++;
    if (tried != 1)
        fail_msg("%d messages were tried against a server that never answers (%.1f s):\n%s", tried, secs, err);
    assert_contains(err, "stopped");
    assert_contains(err, "run the same command again");
    /* every message is in the outbox, waiting */
    snprintf(cmd, sizeof cmd, "(ls '%s/mute-outbox' | grep -c '\\.eml$')", tmp);
    char *n;
    assert_int_equal(tu_run(cmd, &n, NULL), 0);
    assert_int_equal(atoi(n), 3);
    free(n);
    free(out);
    free(err);
}

/* the number of messages a sink has saved */
static int delivered(const sink *s)
{
    char cmd[700], *n;
    snprintf(cmd, sizeof cmd, "(ls '%s' 2>/dev/null | grep -c '\\.eml$' || true)", s->dir);
    assert_int_equal(tu_run(cmd, &n, NULL), 0);
    int k = atoi(n);
    free(n);
    return k;
}

/* issue 15.6: fupan mail killed while the server holds a message (DATA takes 1.5 s here): the next run does not
 * send that message again — it is "possibly delivered" and needs --resend-uncertain — and sends the others once */
static void killed_during_data_is_not_sent_twice(void **state)
{
    (void)state;
    char extra[700], cmd[4096], *err;
    snprintf(extra, sizeof extra, "--slow 1.5 '%s/data.mark'", tmp);
    sink s;
    sink_start(&s, "slow", extra);
    char base[3000];
    snprintf(base, sizeof base,
             "SOURCE_DATE_EPOCH=1793577600 '%s' mail --manifest '%s/reports/manifest.json' --recipients "
             "'%s/recipients.csv' --from fupan@mingyuan.example --smtp smtp://127.0.0.1:%d --plain --outbox "
             "'%s/slow-outbox'", tu_bin(), tmp, tmp, s.port, tmp);
    /* kill -9 once the server has the first message's DATA */
    snprintf(cmd, sizeof cmd, "(%s >/dev/null 2>&1 & p=$!; i=0; while [ ! -e '%s/data.mark' ]; do i=$((i+1)); "
             "[ $i -gt 3000 ] && break; sleep 0.005; done; kill -9 $p; wait $p; true)", base, tmp);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    nap_ms(2500); /* the server finishes and keeps it */
    assert_int_equal(delivered(&s), 1);
    /* the next run: the two others, once each; the first is possibly delivered, not sent again */
    assert_int_equal(tu_run(base, NULL, &err), 1);
    assert_contains(err, "possibly delivered");
    assert_contains(err, "--resend-uncertain");
    assert_int_equal(delivered(&s), 3);
    free(err);
    /* and again: nothing more */
    assert_int_equal(tu_run(base, NULL, &err), 1);
    assert_int_equal(delivered(&s), 3);
    free(err);
    /* the user decides: sent again on purpose */
    snprintf(cmd, sizeof cmd, "%s --resend-uncertain", base);
    assert_int_equal(tu_run(cmd, NULL, &err), 0);
    assert_int_equal(delivered(&s), 4);
    free(err);
    sink_stop(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(delivers_then_never_twice),
        cmocka_unit_test(refused_and_dropped_stay_in_the_outbox),
        cmocka_unit_test(no_header_injection),
        cmocka_unit_test(tls_is_required),
        cmocka_unit_test(a_server_that_never_answers_stops_the_run),
        cmocka_unit_test(killed_during_data_is_not_sent_twice),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
