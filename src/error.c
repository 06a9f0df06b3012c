/* error.c — building error messages and mapping statuses to exit codes. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

fp_status fp_fail(fp_error *err, fp_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

void fp_error_prefix(fp_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    char pre[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pre, sizeof pre, fmt, ap);
    va_end(ap);
    /* shift the old message right and put the prefix in front; truncation keeps the prefix */
    size_t pl = strlen(pre), ol = strlen(err->msg), cap = sizeof err->msg - 1;
    if (pl + 2 > cap)
        pl = cap - 2;
    size_t keep = ol + pl + 2 > cap ? cap - pl - 2 : ol;
    memmove(err->msg + pl + 2, err->msg, keep);
    memcpy(err->msg, pre, pl);
    err->msg[pl] = ':';
    err->msg[pl + 1] = ' ';
    err->msg[pl + 2 + keep] = 0;
}

void fp_error_clear(fp_error *err)
{
    if (err) {
        err->code = FP_OK;
        err->msg[0] = 0;
    }
}

int fp_exit_code(fp_status s)
{
    switch (s) {
    case FP_OK:
        return 0;
    case FP_ERR_INPUT:
    case FP_ERR_NOTFOUND:
        return 1;
    case FP_ERR_USAGE:
        return 2;
    case FP_ERR_IO:
        return 3;
    case FP_ERR_INTERNAL:
        return 70;
    }
    return 70;
}

const char *fp_status_name(fp_status s)
{
    switch (s) {
    case FP_OK:
        return "ok";
    case FP_ERR_USAGE:
        return "usage";
    case FP_ERR_INPUT:
        return "input";
    case FP_ERR_NOTFOUND:
        return "not found";
    case FP_ERR_IO:
        return "i/o";
    case FP_ERR_INTERNAL:
        return "internal";
    }
    return "?";
}
