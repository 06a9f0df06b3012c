/* currency.h — the currencies a profile may name (currency="USD"), how amounts in them are written in
 * the exports, and how the reports show them.
 *
 * Amounts are always counted in hundredths of the unit (fen, cents). A currency knows the signs and codes
 * a cell may carry (¥ RMB CNY; $ US$ USD; € EUR …), the symbol an English report puts before an amount
 * ($1.23M), and the name a Chinese report puts after one (1.23万美元). */
#ifndef FP_CURRENCY_H
#define FP_CURRENCY_H

#include <stdbool.h>
#include <stddef.h>

typedef struct fp_currency {
    const char *code;          /* ISO 4217: CNY, USD … */
    const char *symbol;        /* before an amount in English: ¥, $, €, £, HK$ */
    const char *zh;            /* after an amount in Chinese: 元, 美元, 欧元 … */
    const char *en;            /* the name in English: yuan, US dollars … */
    const char *signs[6];      /* what a cell may write before (or after) the number; NULL-terminated */
} fp_currency;

/* The currency with this ISO code (any case), or NULL. */
const fp_currency *fp_currency_find(const char *code);
/* The default: the Chinese yuan. */
const fp_currency *fp_currency_default(void);
/* The codes fupan knows, for messages: "CNY, USD, EUR, GBP, HKD, JPY". */
const char *fp_currency_codes(void);

#endif
