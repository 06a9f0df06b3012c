/* output.c — safe names and atomic writes (see output.h). */
#include "output.h"

#include "util.h"
#include "value.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

void fp_safe_name(const char *in, char *out, size_t n)
{
    size_t o = 0;
    const char *p = in ? in : "";
    /* no leading dots or blanks: no hidden files, no ".." */
    while (*p == '.' || *p == ' ')
        p++;
    while (*p && o + 5 < n && o < 120) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7F || strchr("/\\:*?\"<>|", c)) {
            out[o++] = '_';
            p++;
            continue;
        }
        if (c >= 0x80) {
            size_t bidi = fp_bidi_control(p, strlen(p) < 4 ? strlen(p) : 4);
            if (bidi) {
                out[o++] = '_';
                p += bidi;
                continue;
            }
            size_t ok = fp_utf8_valid_prefix((const unsigned char *)p, strlen(p) < 4 ? strlen(p) : 4);
            size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            if (ok < len) {
                out[o++] = '_';
                p++;
                continue;
            }
            if (o + len + 1 > n || o + len > 120)
                break;
            memcpy(out + o, p, len);
            o += len;
            p += len;
            continue;
        }
        out[o++] = (char)c;
        p++;
    }
    while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '.'))
        o--;
    out[o] = 0;
    if (!o)
        snprintf(out, n, "report");
    /* names Windows reserves, with or without an extension */
    static const char *reserved[] = {"CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6",
                                     "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6",
                                     "LPT7", "LPT8", "LPT9", NULL};
    for (int i = 0; reserved[i]; i++) {
        size_t rl = strlen(reserved[i]);
        if (!strncasecmp(out, reserved[i], rl) && (out[rl] == 0 || out[rl] == '.' || out[rl] == '-') &&
            strlen(out) + 2 < n) {
            memmove(out + 1, out, strlen(out) + 1);
            out[0] = '_';
            break;
        }
    }
}

fp_status fp_make_dir(const char *dir, fp_error *err)
{
    char path[4096];
    if (strlen(dir) >= sizeof path)
        return fp_fail(err, FP_ERR_USAGE, "the output folder name is too long");
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return fp_fail(err, FP_ERR_IO, "%s: cannot create the folder: %s", path, strerror(errno));
        *p = '/';
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return fp_fail(err, FP_ERR_IO, "%s: cannot create the folder: %s", path, strerror(errno));
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return fp_fail(err, FP_ERR_IO, "%s: not a folder", path);
    return FP_OK;
}

fp_status fp_write_temp(const char *dir, const char *name, const void *data, size_t n, fp_pending *pf,
                        fp_error *err)
{
    if ((size_t)snprintf(pf->final, sizeof pf->final, "%s/%s", dir, name) >= sizeof pf->final ||
        (size_t)snprintf(pf->tmp, sizeof pf->tmp, "%s/.fupan-%ld-XXXXXX", dir, (long)getpid()) >= sizeof pf->tmp)
        return fp_fail(err, FP_ERR_USAGE, "%s/%s: the path is too long", dir, name);
    int fd = mkstemp(pf->tmp);
    if (fd < 0)
        return fp_fail(err, FP_ERR_IO, "%s: cannot write a file there: %s", dir, strerror(errno));
    const char *p = data;
    size_t left = n;
    int e = 0;
    while (left && !e) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno != EINTR)
                e = errno;
            continue;
        }
        p += w;
        left -= (size_t)w;
    }
    if (!e && fchmod(fd, 0644) != 0)
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (e) {
        unlink(pf->tmp);
        return fp_fail(err, FP_ERR_IO, "%s: cannot write: %s", pf->final, strerror(e));
    }
    return FP_OK;
}

fp_status fp_commit(const fp_pending *pf, fp_error *err)
{
    /* fsync through a descriptor of its own: the writer closed its one (a batch may have hundreds waiting);
     * opened for writing, as SMB/CIFS wants for a flush to reach the server */
    int fd = open(pf->tmp, O_WRONLY | O_CLOEXEC);
    int e = fd < 0 ? errno : fsync(fd) != 0 ? errno : 0;
    if (fd >= 0)
        close(fd);
    if (e) {
        unlink(pf->tmp);
        return fp_fail(err, FP_ERR_IO, "%s: cannot write: %s", pf->final, strerror(e));
    }
    if (rename(pf->tmp, pf->final) != 0) {
        e = errno;
        unlink(pf->tmp);
        return fp_fail(err, FP_ERR_IO, "%s: cannot put the file in place: %s", pf->final, strerror(e));
    }
    return FP_OK;
}

fp_status fp_write_atomic(const char *dir, const char *name, const void *data, size_t n, fp_error *err)
{
    fp_pending pf;
    fp_status st = fp_write_temp(dir, name, data, n, &pf, err);
    return st == FP_OK ? fp_commit(&pf, err) : st;
}

size_t fp_sweep_temps(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        /* .fupan-<pid>-XXXXXX, written by fp_write_atomic of a process that is gone */
        if (strncmp(e->d_name, ".fupan-", 7) != 0)
            continue;
        char *end;
        long pid = strtol(e->d_name + 7, &end, 10);
        if (end == e->d_name + 7 || *end != '-' || pid <= 0)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* alive (or not ours to ask about) */
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) == 0)
            n++;
    }
    closedir(d);
    return n;
}

char *fp_read_all(const char *path, size_t *n, fp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fp_fail(err, FP_ERR_NOTFOUND, "%s: %s", path, strerror(errno));
        return NULL;
    }
    fp_buf b;
    fp_buf_init(&b);
    char blk[65536];
    size_t k;
    while ((k = fread(blk, 1, sizeof blk, f)) > 0)
        fp_buf_add(&b, blk, k);
    fclose(f);
    *n = b.len;
    return b.data ? fp_buf_steal(&b) : fp_xstrdup("");
}

fp_status fp_manifest_read(const char *path, fp_value **out, fp_error *err)
{
    *out = NULL;
    size_t n;
    char *text = fp_read_all(path, &n, err);
    if (!text)
        return FP_ERR_NOTFOUND;
    fp_value *man = NULL;
    fp_status st = fp_json_parse(path, text, n, &man, err);
    free(text);
    if (st != FP_OK)
        return st;
    const fp_value *items = fp_v_get(man, "items");
    if (!items || fp_v_type(items) != FP_V_ARR) {
        fp_v_free(man);
        return fp_fail(err, FP_ERR_INPUT, "%s: not a fupan manifest (no \"items\")", path);
    }
    *out = man;
    return FP_OK;
}
