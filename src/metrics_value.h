/* metrics_value.h — the metrics as a value tree (the JSON contract; docs/metrics.md). */
#ifndef FP_METRICS_VALUE_H
#define FP_METRICS_VALUE_H

#include "metrics.h"
#include "value.h"

/* Caller frees with fp_v_free. The tree copies every string, so it may outlive m and the dataset. */
fp_value *fp_metrics_value(const fp_metrics *m);

/* The shape of the metrics: the same tree with every array holding one placeholder element, so that
 * templates can be checked for names that do not exist before any data is loaded. Caller frees. */
fp_value *fp_metrics_schema(void);

#endif
