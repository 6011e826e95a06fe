/*
 * XNNPACK backend: the planned graph is cut into maximal runs of nodes that
 * this XNNPACK (2022-02) can run; each run becomes one XNNPACK subgraph and
 * runtime, and the other nodes (CONCATENATION, STRIDED_SLICE, SUM, the
 * MediaPipe landmark ops, ...) run as host kernels in between.
 *
 * Tensors that cross a run's boundary (graph inputs and outputs, tensors
 * produced or consumed by host nodes) stay in the model's arena and are
 * handed to XNNPACK as external values, bound once at load (the arena never
 * moves), so nothing is copied at a boundary and invoke only calls
 * xnn_invoke_runtime and host kernels. Tensors internal to a run are left to
 * XNNPACK's own memory planner, so that it can fuse (e.g. a clamp into a
 * convolution).
 *
 * What each op defines is in its own file (src/nn/ops/, the XNNPACK half
 * of each definition); this file partitions, builds and runs. Only this
 * file, xnn.h and the ops' define functions include xnnpack.h.
 */
#include "core/log.h"
#include "core/threadpool.h"
#include "nn/ops/op.h"
#include "nn/xnnpack/xnn.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

enum { STEP_RUNTIME, STEP_HOST };

typedef struct step {
    int kind;
    int node;          /* STEP_HOST: node index */
    xnn_runtime_t rt;  /* STEP_RUNTIME */
} step;

struct nn_xnn_plan {
    step *steps;
    int num_steps;
    float **owned;     /* zero biases and other constants made here */
    int num_owned;
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static enum xnn_status init_status = xnn_status_uninitialized;

/* XNNPACK is initialised once per process and never deinitialised: it owns
 * only its hardware tables (one-time allocation, see tests/valgrind.supp). */
static void init(void) { init_status = xnn_initialize(NULL); }

int nn_xnn_available(void) { return 1; }

void nn_xnn_destroy(struct nn_xnn_plan *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->num_steps; i++)
        if (p->steps[i].kind == STEP_RUNTIME && p->steps[i].rt)
            xnn_delete_runtime(p->steps[i].rt);
    for (int i = 0; i < p->num_owned; i++)
        segtex_aligned_free(p->owned[i]);
    segtex_free(p->owned);
    segtex_free(p->steps);
    segtex_free(p);
}

void nn_xnn_act_range(int act, float *lo, float *hi)
{
    *lo = -INFINITY;
    *hi = INFINITY;
    if (act == NN_ACT_RELU)
        *lo = 0.0f;
    else if (act == NN_ACT_RELU_N1_TO_1)
        *lo = -1.0f, *hi = 1.0f;
    else if (act == NN_ACT_RELU6)
        *lo = 0.0f, *hi = 6.0f;
}

int nn_xnn_trailing_pad(int in, int out, int k, int s, int d, int lead)
{
    int total = (out - 1) * s + (k - 1) * d + 1 - in;
    int t = total - lead;
    return t > 0 ? t : 0;
}

/* Can this XNNPACK run node n? The op's structural checks; define failures fall back too. */
static int supported(const segtex_model *m, const nn_node *n)
{
    const nn_op_def *d = n->def;
    return d->xnn_define && (!d->xnn_supported || d->xnn_supported(m, n));
}

typedef nn_xnn_builder builder;

static float *own(builder *b, size_t count)
{
    float *p = segtex_aligned_alloc(count * sizeof(float), XNN_EXTRA_BYTES);
    if (!p)
        return NULL;
    memset(p, 0, count * sizeof(float));
    b->plan->owned[b->plan->num_owned++] = p;
    return p;
}

int nn_xnn_value(builder *b, int t, uint32_t *id)
{
    if (b->vid[t] != XNN_INVALID_VALUE_ID) {
        *id = b->vid[t];
        return 0;
    }
    const nn_tensor *tn = &b->m->tensors[t];
    size_t dims[4];
    for (int d = 0; d < 4; d++)
        dims[d] = (size_t)tn->dims.d[d];
    uint32_t ext = XNN_INVALID_VALUE_ID, flags = 0;
    const void *data = NULL;
    if (tn->is_const) {
        data = tn->data;
    } else {
        int produced_outside = tn->producer < b->first; /* graph inputs have producer -1 */
        int used_outside = tn->last_use >= b->end;      /* graph outputs: last_use = num_nodes */
        /* An output nobody reads: XNNPACK's planner gives such an internal value no memory, so it
         * is bound to its arena slot instead (a model may compute what it never uses). */
        int unread = tn->last_use <= tn->producer;
        if (produced_outside || used_outside || unread) {
            ext = (uint32_t)t;
            flags = produced_outside ? XNN_VALUE_FLAG_EXTERNAL_INPUT : XNN_VALUE_FLAG_EXTERNAL_OUTPUT;
            b->external[b->num_external++] = t;
        }
    }
    if (xnn_define_tensor_value(b->sg, xnn_datatype_fp32, 4, dims, data, ext, flags, id) != xnn_status_success)
        return -1;
    b->vid[t] = *id;
    return 0;
}

int nn_xnn_value_1d(builder *b, int t, size_t count, uint32_t *id)
{
    const float *data = t >= 0 ? b->m->tensors[t].data : own(b, count);
    if (!data)
        return -1;
    return xnn_define_tensor_value(b->sg, xnn_datatype_fp32, 1, &count, data, XNN_INVALID_VALUE_ID, 0, id) ==
                   xnn_status_success
               ? 0
               : -1;
}

int nn_xnn_value_2d(builder *b, int t, size_t d0, size_t d1, uint32_t *id)
{
    size_t dims[2] = {d0, d1};
    return xnn_define_tensor_value(b->sg, xnn_datatype_fp32, 2, dims, b->m->tensors[t].data, XNN_INVALID_VALUE_ID, 0,
                                   id) == xnn_status_success
               ? 0
               : -1;
}

/* Define node i in the current subgraph. Returns 0, or -1 when XNNPACK refuses it. */
static int define_node(builder *b, int i)
{
    const nn_node *n = &b->m->nodes[i];
    uint32_t in, out;
    if (nn_xnn_value(b, n->in[0], &in) || nn_xnn_value(b, n->out[0], &out))
        return -1;
    return n->def->xnn_define(b, n, in, out);
}

static void host_hist_add(segtex_model *m, const char *name)
{
    for (int k = 0; k < m->host_len; k++)
        if (m->host_name[k] == name) { /* names are the op table's: one pointer per op */
            m->host_count[k]++;
            return;
        }
    if (m->host_len < (int)(sizeof m->host_name / sizeof m->host_name[0])) {
        m->host_name[m->host_len] = name;
        m->host_count[m->host_len++] = 1;
    }
}

/*
 * Build the run [first, end) as one runtime. On a define failure, returns
 * the node that XNNPACK refused (>= 0) so the caller can make it a host
 * node and try again; -1 on success; -2 on an unrecoverable error.
 */
static int build_run(builder *b, pthreadpool_t pool, xnn_runtime_t *rt)
{
    segtex_model *m = b->m;
    *rt = NULL;
    for (int t = 0; t < m->num_tensors; t++)
        b->vid[t] = XNN_INVALID_VALUE_ID;
    b->num_external = 0;
    if (xnn_create_subgraph((uint32_t)m->num_tensors, 0, &b->sg) != xnn_status_success)
        return -2;
    for (int i = b->first; i < b->end; i++)
        if (define_node(b, i)) {
            xnn_delete_subgraph(b->sg);
            return i;
        }
    enum xnn_status s = xnn_create_runtime_v2(b->sg, pool, 0, rt);
    xnn_delete_subgraph(b->sg);
    if (s != xnn_status_success) {
        LOG_ERROR("model '%s': XNNPACK could not create a runtime for nodes %d..%d (status %d)", m->name,
                  b->first, b->end - 1, (int)s);
        return -2;
    }
    struct xnn_external_value ext[NN_NODE_MAX_IN * 64];
    size_t count = 0;
    for (int k = 0; k < b->num_external && count < sizeof ext / sizeof ext[0]; k++) {
        ext[count].id = (uint32_t)b->external[k];
        ext[count].data = m->tensors[b->external[k]].data;
        count++;
    }
    if (count != (size_t)b->num_external || xnn_setup_runtime(*rt, count, ext) != xnn_status_success) {
        LOG_ERROR("model '%s': XNNPACK could not bind the %d boundary tensors of nodes %d..%d", m->name,
                  b->num_external, b->first, b->end - 1);
        xnn_delete_runtime(*rt);
        *rt = NULL;
        return -2;
    }
    return -1;
}

segtex_status nn_xnn_create(segtex_model *m, struct segtex_threadpool *pool)
{
    pthread_once(&init_once, init);
    if (init_status != xnn_status_success) {
        LOG_ERROR("model '%s': XNNPACK failed to initialise (status %d)", m->name, (int)init_status);
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    segtex_status st = SEGTEX_ERROR_OUT_OF_MEMORY;
    struct nn_xnn_plan *p = segtex_calloc(1, sizeof *p);
    builder b = {.m = m, .plan = p};
    char *host = segtex_calloc((size_t)m->num_nodes + 1, 1);
    b.vid = segtex_malloc(sizeof(uint32_t) * (size_t)m->num_tensors);
    b.external = segtex_malloc(sizeof(int) * (size_t)m->num_tensors);
    if (!p || !host || !b.vid || !b.external)
        goto fail;
    p->steps = segtex_calloc((size_t)m->num_nodes, sizeof *p->steps);
    /* at most one zero bias per node, plus nothing else */
    p->owned = segtex_calloc((size_t)m->num_nodes, sizeof *p->owned);
    if (!p->steps || !p->owned)
        goto fail;
    m->xnn = p;
    for (int i = 0; i < m->num_nodes; i++)
        host[i] = !supported(m, &m->nodes[i]);

    pthreadpool_t tp = segtex_threadpool_pthreadpool(pool);
    int i = 0;
    while (i < m->num_nodes) {
        if (host[i]) {
            p->steps[p->num_steps].kind = STEP_HOST;
            p->steps[p->num_steps++].node = i;
            host_hist_add(m, m->nodes[i].op_name);
            m->num_host_nodes++;
            i++;
            continue;
        }
        int end = i;
        while (end < m->num_nodes && !host[end])
            end++;
        b.first = i;
        b.end = end;
        int owned_before = p->num_owned;
        xnn_runtime_t rt;
        int r = build_run(&b, tp, &rt);
        if (r == -2) {
            st = SEGTEX_ERROR_UNSUPPORTED;
            goto fail;
        }
        if (r >= 0) {
            /* XNNPACK refused node r: run it on the host and rebuild this run. */
            LOG_DEBUG("model '%s': node %d (%s) runs on the host: XNNPACK refused it", m->name, r,
                      m->nodes[r].op_name);
            host[r] = 1;
            while (p->num_owned > owned_before)
                segtex_aligned_free(p->owned[--p->num_owned]);
            continue;
        }
        p->steps[p->num_steps].kind = STEP_RUNTIME;
        p->steps[p->num_steps++].rt = rt;
        m->num_partitions++;
        i = end;
    }
    segtex_free(host);
    segtex_free(b.vid);
    segtex_free(b.external);
    return SEGTEX_OK;
fail:
    segtex_free(host);
    segtex_free(b.vid);
    segtex_free(b.external);
    if (m->xnn != p)
        nn_xnn_destroy(p);
    /* else the model's destroy frees it */
    return st;
}

void nn_xnn_invoke(segtex_model *m)
{
    const struct nn_xnn_plan *p = m->xnn;
    for (int i = 0; i < p->num_steps; i++) {
        if (p->steps[i].kind == STEP_RUNTIME)
            xnn_invoke_runtime(p->steps[i].rt);
        else
            nn_ref_run_node(m, p->steps[i].node);
    }
}
