/* Built instead of xnnpack/backend.c when libxnnpack-dev is not installed. */
#include "core/log.h"
#include "nn/model.h"

int nn_xnn_available(void) { return 0; }

segtex_status nn_xnn_create(segtex_model *m, struct segtex_threadpool *pool)
{
    (void)pool;
    LOG_ERROR("model '%s': this build has no XNNPACK backend", m->name);
    return SEGTEX_ERROR_UNSUPPORTED;
}

void nn_xnn_invoke(segtex_model *m) { nn_ref_invoke(m); }

void nn_xnn_destroy(struct nn_xnn_plan *plan) { (void)plan; }
