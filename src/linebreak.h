/* linebreak.h — where lines may break in mixed Chinese, Latin and numbers, and greedy filling.
 *
 * Chinese text may break between any two characters, except that no line may
 * start with closing punctuation (，。、；：？！）》」』” …) and none may end with
 * opening punctuation (（《「『“ …) — the 避头尾 (kinsoku) rules. Latin words,
 * numbers ("1,234.50", "94.3%", "¥856") and other runs without spaces stay
 * whole; they break at spaces, after a hyphen inside a word, and next to a
 * Chinese character. A number never parts from the unit or measure word after it
 * (98.31万元, 4.5个百分点, 逾期 78 天). A run longer than a whole line is cut where it must be.
 * Widths are in any unit the caller likes (fupan uses thousandths of a point).
 */
#ifndef FP_LINEBREAK_H
#define FP_LINEBREAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fp_lb_item {
    uint32_t cp;   /* code point; '\n' forces a break */
    int32_t w;     /* advance width */
} fp_lb_item;

typedef struct fp_lb_line {
    size_t start, end;  /* items [start, end) are on the line, spaces at its end excluded */
    int64_t width;      /* their width */
} fp_lb_line;

/* May a line break between a and b? prev is the character before a (0 at the start). */
bool fp_lb_can_break(uint32_t prev, uint32_t a, uint32_t b);
/* Where a line may break in items[0..n): ok[i] says whether a break before item i is allowed. Beyond
 * fp_lb_can_break, a number keeps its unit or measure word (98.31万元, 4.5个百分点, 78 天, 4次): no break
 * inside "digits [one space] unit". */
void fp_lb_breaks(const fp_lb_item *items, size_t n, bool *ok);
/* The same, and with keep_han no break between two Han characters either (CSS word-break: keep-all): in an
 * English text a Chinese name (西南一组, 杭州星辰安泰科技有限公司) stays whole, as an English word does. */
/* A Han ideograph (not punctuation, not kana). */
bool fp_lb_han(uint32_t cp);
/* Whether a text is Chinese prose rather than English with Chinese names in it: it has Chinese sentence
 * punctuation (，。、；：！？), or three times more Han characters than Latin letters. An English document keeps its names whole (fp_lb_breaks_keep) but breaks a paragraph in
 * Chinese — the manager's notes — as Chinese. */
bool fp_lb_mostly_han(const fp_lb_item *items, size_t n);
void fp_lb_breaks_keep(const fp_lb_item *items, size_t n, bool keep_han, bool *ok);
/* How many code points of cp[0..n) a number and its unit take when cp starts a number followed by a
 * unit ("98.31万元。" -> 7), 0 otherwise. */
size_t fp_lb_number_unit(const uint32_t *cp, size_t n);
/* Full-width punctuation by where its mark sits, for punctuation adjustment (标点挤压): a closing mark's in the
 * left half of its em (，。、；：）」』》】〉), an opening mark's in the right half (（「『《【〈). */
bool fp_lb_closing_mark(uint32_t cp);
bool fp_lb_opening_mark(uint32_t cp);
/* Breaks items into lines no wider than max_w. lines must have room for n + 1 entries; returns how
 * many were used (at least 1, even for no items). */
size_t fp_linebreak(const fp_lb_item *items, size_t n, int64_t max_w, fp_lb_line *lines);
size_t fp_linebreak_keep(const fp_lb_item *items, size_t n, int64_t max_w, bool keep_han, fp_lb_line *lines);

#endif
