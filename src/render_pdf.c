/* render_pdf.c — placeholder replaced below */
#include "render.h"
fp_status fp_render_pdf(const fp_doc *d, const fp_render_opts *o, fp_buf *out, fp_error *err)
{
    (void)d;
    (void)o;
    (void)out;
    return fp_fail(err, FP_ERR_INTERNAL, "the PDF renderer is not written yet");
}
