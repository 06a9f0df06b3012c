/* fuzz target: the MIME builder. The input is split at NUL bytes into a subject, an attachment name and
 * three addresses. Whatever they hold, the message's header block must stay headers: every line is a
 * header of ours or a folded continuation — no line break can smuggle in another header. */
#include "mail.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    char *s = malloc(n + 6);
    memcpy(s, data, n);
    memset(s + n, 0, 6);
    const char *part[5];
    size_t k = 0;
    for (const char *p = s; k < 5; k++) {
        part[k] = p;
        p += strlen(p) + (p < s + n ? 1 : 0);
        if (p > s + n)
            p = s + n;
    }
    const char *to[1] = {part[2]}, *cc[1] = {part[3]};
    fp_mail_msg m = {.from = part[4][0] ? part[4] : "f@example.com", .to = to, .nto = 1, .cc = cc,
                     .ncc = part[3][0] ? 1 : 0, .subject = part[0], .text = "t", .html = "<p>t</p>",
                     .attach_name = part[1], .attach = "%PDF", .attach_len = 4, .date = 0,
                     .message_id = "fuzz@fupan.report"};
    fp_buf b;
    fp_buf_init(&b);
    fp_error err = {0};
    if (fp_mail_build(&m, &b, &err) == FP_OK) {
        const char *end = strstr(b.data, "\r\n\r\n");
        if (!end)
            abort();
        static const char *const ok[] = {"From: ", "To: ", "Cc: ", "Subject: ", "Date: ", "Message-ID: ",
                                         "MIME-Version: ", "Content-Type: ", " "};
        for (const char *l = b.data; l < end; l = strstr(l, "\r\n") + 2) {
            int good = 0;
            for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
                good |= !strncmp(l, ok[i], strlen(ok[i]));
            if (!good)
                abort(); /* a header we did not write */
        }
        for (const char *c = b.data; c < end; c++)
            if ((*c == '\r' && c[1] != '\n') || (*c == '\n' && (c == b.data || c[-1] != '\r')))
                abort(); /* a bare CR or LF in the headers */
    }
    fp_buf_free(&b);
    free(s);
    return 0;
}
