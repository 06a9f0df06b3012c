/* Tests of util.c: trimming, UTF-8 checks and widths, quoting for messages, buffers, big blocks. */
#include "testutil.h"

#include "util.h"

#include <math.h>

static void trim_ascii_and_ideographic_space(void **state)
{
    (void)state;
    const char *s = "  \t abc \r\n";
    size_t n = fp_trim(&s, strlen(s));
    assert_int_equal(n, 3);
    assert_memory_equal(s, "abc", 3);
    const char *w = "\xE3\x80\x80销售\xE3\x80\x80 ";
    n = fp_trim(&w, strlen(w));
    assert_int_equal(n, 6);
    assert_memory_equal(w, "销售", 6);
    const char *e = "   ";
    assert_int_equal(fp_trim(&e, 3), 0);
}

static void utf8_validity(void **state)
{
    (void)state;
    /* a sequence cut short by the end of the text stops at the end (fuzz_mime found a read past it) */
    static const char cut[] = {(char)0xE7, 'A', 0};
    const char *q = cut;
    assert_int_equal(fp_utf8_next(&q), 0xFFFD);
    assert_ptr_equal(q, cut + 1);
    static const char end[] = {(char)0xE4, (char)0xB8, 0};
    q = end;
    fp_utf8_next(&q);
    assert_true(q <= end + 2);
    const char *ok = "销售管理 sales 2026";
    assert_int_equal(fp_utf8_valid_prefix((const unsigned char *)ok, strlen(ok)), strlen(ok));
    /* GBK bytes of 销售 are not UTF-8 */
    const unsigned char gbk[] = {'a', 0xCF, 0xFA, 0xCA, 0xDB};
    assert_int_equal(fp_utf8_valid_prefix(gbk, sizeof gbk), 1);
    /* overlong encoding of '/' and a surrogate are refused */
    const unsigned char overlong[] = {0xC0, 0xAF};
    assert_int_equal(fp_utf8_valid_prefix(overlong, 2), 0);
    const unsigned char surrogate[] = {0xED, 0xA0, 0x80};
    assert_int_equal(fp_utf8_valid_prefix(surrogate, 3), 0);
    /* a character outside the BMP is fine */
    const char *ext = "\xF0\xA0\x80\x80";
    assert_int_equal(fp_utf8_valid_prefix((const unsigned char *)ext, 4), 4);
    /* a truncated sequence stops before it */
    assert_int_equal(fp_utf8_valid_prefix((const unsigned char *)"ab\xE9\x94", 4), 2);
}

static void widths_and_lengths(void **state)
{
    (void)state;
    assert_int_equal(fp_utf8_width("abc"), 3);
    assert_int_equal(fp_utf8_width("销售abc"), 7);
    assert_int_equal(fp_utf8_width("（全角）"), 8);
    assert_int_equal(fp_utf8_len("销售abc"), 5);
    assert_int_equal(fp_utf8_len_n("销售abc", 6), 2);
    const char *p = "销";
    assert_int_equal(fp_utf8_next(&p), 0x9500);
}

static void quote_text_escapes_and_cuts(void **state)
{
    (void)state;
    char out[64];
    fp_quote_text(out, sizeof out, "a\tb", 3, 100);
    assert_string_equal(out, "a\\x09b");
    const char bad[] = {'x', (char)0xCF, (char)0xFA};
    fp_quote_text(out, sizeof out, bad, 3, 100);
    assert_string_equal(out, "x\\xCF\\xFA");
    fp_quote_text(out, sizeof out, "销售管理总结", strlen("销售管理总结"), 7);
    /* cut after 7 bytes would split 管: keeps whole characters and marks the cut */
    assert_string_equal(out, "销售...");
    /* issue 15.8: a newline cannot forge a log line, a bidi override cannot turn one around */
    fp_quote_text(out, sizeof out, "A\n[1/1] ok", 10, 100);
    assert_string_equal(out, "A\\x0A[1/1] ok");
    fp_quote_text(out, sizeof out, "T\xE2\x80\xAE" "gpj", 7, 100);
    assert_string_equal(out, "T\\u202Egpj");
    char tiny[6];
    fp_quote_text(tiny, sizeof tiny, "销售管理", strlen("销售管理"), 100);
    assert_true(fp_utf8_valid_prefix((const unsigned char *)tiny, strlen(tiny)) == strlen(tiny));
}

static void buffers(void **state)
{
    (void)state;
    fp_buf b;
    fp_buf_init(&b);
    for (int i = 0; i < 1000; i++)
        fp_buf_printf(&b, "%d,", i);
    assert_int_equal(b.len, strlen(b.data));
    assert_true(strncmp(b.data, "0,1,2,", 6) == 0);
    fp_buf_reset(&b);
    assert_int_equal(b.len, 0);
    fp_buf_adds(&b, "销售");
    char *s = fp_buf_steal(&b);
    assert_string_equal(s, "销售");
    assert_null(b.data);
    free(s);
}

/* fp_fixed writes what snprintf's "%.*f" writes: random values of every size and sign, values a hair either
 * side of a rounding half, exact halves (0.125, 2.5), binary near-halves (2.675 is 2.67499999…), -0.0, huge
 * and tiny values, NaN and infinities, every decimals count from 0 to 6 */
static void fixed_is_printf(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252u;
    char a[64], b[64];
    size_t checked = 0;
    static const double special[] = {0.0, -0.0, 0.5, -0.5, 1.5, 2.5, 0.125, 0.375, 2.675, 1.005, 1e-7, -1e-7,
                                     0.0049999, 0.005, 0.015, 99999999.995, 1e10, 1e11, 1e15, 1e300, -1e300,
                                     4.35, 123456.785, 5e-324};
    for (int dec = 0; dec <= 6; dec++) {
        for (size_t i = 0; i < sizeof special / sizeof *special; i++) {
            for (int sg = 0; sg < 2; sg++) {
                double v = sg ? -special[i] : special[i];
                int la = fp_fixed(a, sizeof a, v, dec), lb = snprintf(b, sizeof b, "%.*f", dec, v);
                if (la != lb || strcmp(a, b))
                    fail_msg("%.17g with %d decimals: \"%s\", printf \"%s\"", v, dec, a, b);
                checked++;
            }
        }
        double inf[] = {INFINITY, -INFINITY, NAN};
        for (int i = 0; i < 3; i++) {
            fp_fixed(a, sizeof a, inf[i], dec);
            snprintf(b, sizeof b, "%.*f", dec, inf[i]);
            assert_string_equal(a, b);
        }
    }
    for (int i = 0; i < 300000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int dec = (int)(x % 7);
        double v;
        switch ((x >> 8) % 4) {
        case 0: /* anything from 1e-6 to 1e12 */
            v = ldexp((double)(x >> 12), -52) * pow(10, (double)((x >> 4) % 19) - 6);
            break;
        case 1: /* a value with dec + 1 decimals ending in 5: a half, in decimal */
            v = (double)((x >> 20) % 100000000) * 10 + 5;
            v /= pow(10, dec + 1);
            break;
        case 2: /* a hair either side of such a half */
            v = ((double)((x >> 20) % 1000000) * 10 + 5) / pow(10, dec + 1);
            v = nextafter(v, (x >> 3) & 1 ? INFINITY : -INFINITY);
            break;
        default: /* a chart coordinate */
            v = (double)((x >> 16) % 100000) / 64.0;
            break;
        }
        if ((x >> 40) & 1)
            v = -v;
        int la = fp_fixed(a, sizeof a, v, dec), lb = snprintf(b, sizeof b, "%.*f", dec, v);
        if (la != lb || strcmp(a, b))
            fail_msg("%.17g with %d decimals: \"%s\", printf \"%s\"", v, dec, a, b);
        checked++;
    }
    assert_true(checked > 300000);
}

static void big_blocks_grow_and_keep_contents(void **state)
{
    (void)state;
    size_t n = 3u << 20;
    unsigned char *p = fp_big_alloc(100);
    memset(p, 7, 100);
    p = fp_big_realloc(p, 100, n);
    assert_int_equal(p[99], 7);
    memset(p, 9, n);
    p = fp_big_realloc(p, n, 2 * n);
    assert_int_equal(p[n - 1], 9);
    assert_int_equal((uintptr_t)p % (2u << 20), 0); /* aligned for huge pages */
    p = fp_big_realloc(p, 2 * n, 50);
    assert_int_equal(p[49], 9);
    fp_big_free(p, 50);
}

/* FIPS 180-4's examples and a block-boundary length: the digest the manifests and message ids carry */
static void sha256_known_answers(void **state)
{
    (void)state;
    char h[65];
    fp_sha256_hex("", 0, h);
    assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    fp_sha256_hex("abc", 3, h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    fp_sha256_hex(two, strlen(two), h);
    assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *a = malloc(1000000);
    memset(a, 'a', 1000000);
    fp_sha256_hex(a, 1000000, h);
    assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

/* fp_bytes_eq reads whole words (overlapping at the end of a text): it agrees with memcmp for every length up
 * to 40 and a difference at every position, and fp_bytes_ends gives equal texts equal words */
static void bytes_eq_agrees_with_memcmp(void **state)
{
    (void)state;
    char a[48], b[48];
    for (size_t n = 0; n <= 40; n++) {
        for (size_t i = 0; i < n; i++)
            a[i] = b[i] = (char)('A' + (i * 7) % 26);
        assert_true(fp_bytes_eq(a, b, n));
        uint64_t x0, x1, y0, y1;
        fp_bytes_ends(a, n, &x0, &x1);
        fp_bytes_ends(b, n, &y0, &y1);
        assert_true(x0 == y0 && x1 == y1);
        for (size_t i = 0; i < n; i++) {
            b[i] ^= 0x20;
            if (fp_bytes_eq(a, b, n))
                fail_msg("length %zu, difference at %zu: equal", n, i);
            b[i] ^= (char)0x20;
        }
        /* bytes past the end do not count */
        b[n] = 'x';
        a[n] = 'y';
        assert_true(fp_bytes_eq(a, b, n));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trim_ascii_and_ideographic_space),
        cmocka_unit_test(bytes_eq_agrees_with_memcmp),
        cmocka_unit_test(utf8_validity),
        cmocka_unit_test(widths_and_lengths),
        cmocka_unit_test(quote_text_escapes_and_cuts),
        cmocka_unit_test(buffers),
        cmocka_unit_test(fixed_is_printf),
        cmocka_unit_test(big_blocks_grow_and_keep_contents),
        cmocka_unit_test(sha256_known_answers),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
