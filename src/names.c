/* names.c — report.*, notes.* and loop.*: the one definition of what a template may read beyond the
 * metrics, for the checker and for expansion (see names.h). */
#include "names.h"

#include "format.h"
#include "util.h"

#include <string.h>

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

fp_value *fp_names_report(const fp_report_facts *f, const fp_notes *notes, int for_checking)
{
    fp_report_facts none = {0};
    if (!f)
        f = &none;
    fp_value *names = fp_v_obj();
    fp_value *rep = fp_v_obj();
    fp_v_set(rep, "date", fp_v_str(or_empty(f->date)));
    fp_buf zd;
    fp_buf_init(&zd);
    fp_format_text(or_empty(f->date), (fp_fmt){FP_FMT_DATE_ZH, -1}, f->lang_en ? FP_LANG_EN : FP_LANG_ZH, &zd);
    fp_v_set(rep, "date_zh", fp_v_str(zd.data ? zd.data : ""));
    fp_buf_free(&zd);
    fp_v_set(rep, "author", fp_v_str(or_empty(f->author)));
    fp_v_set(rep, "title", fp_v_str(or_empty(f->title)));
    fp_v_set(rep, "kind", fp_v_str(or_empty(f->kind)));
    fp_v_set(rep, "lang", fp_v_str(or_empty(f->lang)));
    fp_v_set(rep, "scope_label", fp_v_str(or_empty(f->scope_label)));
    fp_v_set(names, "report", rep);

    fp_value *nv = fp_v_obj();
    fp_v_set(nv, "author", fp_v_str(or_empty(fp_notes_meta(notes, "author"))));
    fp_v_set(nv, "role", fp_v_str(or_empty(fp_notes_meta(notes, "role"))));
    for (size_t i = 0; notes && i < notes->nmeta; i++)
        if (strcmp(notes->keys[i], "author") && strcmp(notes->keys[i], "role") && strcmp(notes->keys[i], "scores"))
            fp_v_set(nv, notes->keys[i], fp_v_str(notes->values[i]));
    if (for_checking)
        fp_v_set(nv, FP_NAMES_ANY, fp_v_str(""));
    fp_value *scores = fp_v_arr();
    for (size_t i = 0; notes && i < notes->nscores; i++) {
        fp_value *one = fp_v_obj();
        fp_v_set(one, "dimension", fp_v_str(notes->scores[i].dimension));
        fp_v_set(one, "score", fp_v_plain(notes->scores[i].score));
        fp_v_set(one, "comment", fp_v_str(notes->scores[i].comment));
        fp_v_push(scores, one);
    }
    if (for_checking && !fp_v_len(scores)) {
        fp_value *one = fp_v_obj();
        fp_v_set(one, "dimension", fp_v_str(""));
        fp_v_set(one, "score", fp_v_plain(0));
        fp_v_set(one, "comment", fp_v_str(""));
        fp_v_push(scores, one);
    }
    fp_v_set(nv, "scores", scores);
    fp_v_set(names, "notes", nv);
    return names;
}

fp_value *fp_names_loop(size_t i, size_t n)
{
    fp_value *l = fp_v_obj();
    fp_v_set(l, "index", fp_v_count((int64_t)i + 1));
    fp_v_set(l, "count", fp_v_count((int64_t)n));
    fp_v_set(l, "first", fp_v_bool(i == 0));
    fp_v_set(l, "last", fp_v_bool(i + 1 == n));
    return l;
}
