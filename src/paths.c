/* paths.c — finding the data directory; see paths.h for the order. */
#include "paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef FP_DATADIR
#define FP_DATADIR "/usr/local/share/fupan"
#endif

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* the directory holding profile.rng, which every data directory has */
static int good(const char *dir)
{
    char p[PATH_MAX];
    if ((size_t)snprintf(p, sizeof p, "%s/profile.rng", dir) >= sizeof p)
        return 0;
    return is_file(p);
}

fp_status fp_datadir(char *out, size_t n, fp_error *err)
{
    const char *env = getenv("FUPAN_DATADIR");
    if (env && *env) {
        if (!good(env))
            return fp_fail(err, FP_ERR_NOTFOUND, "FUPAN_DATADIR=%s does not hold fupan's templates (no profile.rng)",
                           env);
        snprintf(out, n, "%s", env);
        return FP_OK;
    }
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            char cand[PATH_MAX + 32];
            /* a source tree: ./fupan or build/fupan next to templates/ */
            snprintf(cand, sizeof cand, "%s/templates", exe);
            if (good(cand) && strlen(cand) < n) {
                snprintf(out, n, "%s", cand);
                return FP_OK;
            }
            snprintf(cand, sizeof cand, "%s/../templates", exe);
            if (good(cand) && strlen(cand) < n) {
                snprintf(out, n, "%s", cand);
                return FP_OK;
            }
            /* an installed copy: PREFIX/bin/fupan and PREFIX/share/fupan */
            snprintf(cand, sizeof cand, "%s/../share/fupan", exe);
            if (good(cand) && strlen(cand) < n) {
                snprintf(out, n, "%s", cand);
                return FP_OK;
            }
        }
    }
    if (good(FP_DATADIR)) {
        snprintf(out, n, "%s", FP_DATADIR);
        return FP_OK;
    }
    return fp_fail(err, FP_ERR_NOTFOUND,
                   "cannot find fupan's templates (looked next to the program and in %s); set FUPAN_DATADIR", FP_DATADIR);
}

fp_status fp_datafile(const char *rel, char *out, size_t n, fp_error *err)
{
    char dir[PATH_MAX];
    fp_status s = fp_datadir(dir, sizeof dir, err);
    if (s != FP_OK)
        return s;
    if ((size_t)snprintf(out, n, "%s/%s", dir, rel) >= n)
        return fp_fail(err, FP_ERR_INPUT, "path too long: %s/%s", dir, rel);
    return FP_OK;
}

fp_status fp_fontdir(char *out, size_t n, fp_error *err)
{
    const char *env = getenv("FUPAN_FONTDIR");
    if (env && *env) {
        if (!is_dir(env))
            return fp_fail(err, FP_ERR_NOTFOUND, "FUPAN_FONTDIR=%s is not a folder", env);
        snprintf(out, n, "%s", env);
        return FP_OK;
    }
    char dir[PATH_MAX];
    fp_status s = fp_datadir(dir, sizeof dir, err);
    if (s != FP_OK)
        return s;
    /* installed: DATADIR/fonts; a source tree: templates/../fonts */
    static const char *const rel[] = {"fonts", "../fonts"};
    for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
        char cand[PATH_MAX + 16];
        snprintf(cand, sizeof cand, "%s/%s", dir, rel[i]);
        if (is_dir(cand) && strlen(cand) < n) {
            snprintf(out, n, "%s", cand);
            return FP_OK;
        }
    }
    return fp_fail(err, FP_ERR_NOTFOUND, "cannot find fupan's fonts (no fonts/ next to %s); set FUPAN_FONTDIR", dir);
}

fp_status fp_profile_path(const char *arg, char *out, size_t n, fp_error *err)
{
    if (is_file(arg)) {
        snprintf(out, n, "%s", arg);
        return FP_OK;
    }
    if (!strchr(arg, '/') && !is_dir(arg)) {
        char rel[PATH_MAX];
        const char *dot = strrchr(arg, '.');
        snprintf(rel, sizeof rel, "profiles/%s%s", arg, dot && !strcmp(dot, ".xml") ? "" : ".xml");
        if (fp_datafile(rel, out, n, NULL) == FP_OK && is_file(out))
            return FP_OK;
    }
    return fp_fail(err, FP_ERR_NOTFOUND,
                   "%s: no such profile file, and no shipped profile of that name (shipped: crm-export)", arg);
}
