/* currency.c — the currencies fupan knows; see currency.h. */
#include "currency.h"

#include <strings.h>

static const fp_currency CURRENCIES[] = {
    {"CNY", "\xC2\xA5", "元", "yuan", {"\xC2\xA5", "\xEF\xBF\xA5", "RMB", "CNY", NULL}},
    {"USD", "$", "美元", "US dollars", {"US$", "USD", "$", NULL}},
    {"EUR", "\xE2\x82\xAC", "欧元", "euros", {"\xE2\x82\xAC", "EUR", NULL}},
    {"GBP", "\xC2\xA3", "英镑", "pounds", {"\xC2\xA3", "GBP", NULL}},
    {"HKD", "HK$", "港元", "Hong Kong dollars", {"HK$", "HKD", "$", NULL}},
    {"JPY", "JP\xC2\xA5", "日元", "yen", {"JP\xC2\xA5", "JPY", "\xC2\xA5", "\xEF\xBF\xA5", NULL}},
};

const fp_currency *fp_currency_find(const char *code)
{
    for (size_t i = 0; i < sizeof CURRENCIES / sizeof *CURRENCIES; i++)
        if (code && !strcasecmp(code, CURRENCIES[i].code))
            return &CURRENCIES[i];
    return NULL;
}

const fp_currency *fp_currency_default(void)
{
    return &CURRENCIES[0];
}

const char *fp_currency_codes(void)
{
    return "CNY, USD, EUR, GBP, HKD, JPY";
}
