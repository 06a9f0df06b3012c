/* fupan.h — the library's public interface, in pipeline order.
 *
 *   profile.h        how the user's CSV files map onto fupan's tables
 *   dataset.h        load a data directory once (csv_load.h does the parsing)
 *   period.h         weeks, months, quarters, years; working days
 *   metrics.h        the figures of one scope and period
 *   metrics_value.h  the same as a value tree: the JSON contract
 *   value.h          value trees and JSON
 *   format.h         money, counts and percentages for people
 *   paths.h          where the templates, schemas and fonts are
 *
 * The command-line tool (src/cli/) includes only this header.
 */
#ifndef FUPAN_H
#define FUPAN_H

#define FP_VERSION "0.1.0"

#include "dataset.h"
#include "error.h"
#include "format.h"
#include "metrics.h"
#include "metrics_value.h"
#include "paths.h"
#include "period.h"
#include "pool.h"
#include "profile.h"
#include "value.h"
#include "chart.h"
#include "report.h"
#include "batch.h"
#include "mail.h"
#include "output.h"
#include "notes.h"
#include "template.h"
#include "canvas_cairo.h"

#endif
