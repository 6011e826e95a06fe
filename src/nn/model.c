/* segtex_model: load (parse, fold, plan), query, invoke, destroy. */
#include "core/log.h"
#include "nn/model.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *segtex_backend_name(segtex_backend backend)
{
    switch (backend) {
    case SEGTEX_BACKEND_AUTO: return "auto";
    case SEGTEX_BACKEND_REF: return "ref";
    case SEGTEX_BACKEND_XNNPACK: return "xnnpack";
    }
    return "unknown";
}

int segtex_backend_available(segtex_backend backend)
{
    return backend == SEGTEX_BACKEND_AUTO || backend == SEGTEX_BACKEND_REF ||
           (backend == SEGTEX_BACKEND_XNNPACK && nn_xnn_available());
}

segtex_backend segtex_backend_default(void)
{
    return nn_xnn_available() ? SEGTEX_BACKEND_XNNPACK : SEGTEX_BACKEND_REF;
}

int segtex_backend_parse(const char *name)
{
    if (!strcmp(name, "ref"))
        return SEGTEX_BACKEND_REF;
    if (!strcmp(name, "xnnpack"))
        return SEGTEX_BACKEND_XNNPACK;
    if (!strcmp(name, "auto"))
        return SEGTEX_BACKEND_AUTO;
    return -1;
}

void segtex_model_destroy(segtex_model *m)
{
    if (!m)
        return;
    /* XNNPACK runtimes first: they may refer to the constants. */
    nn_xnn_destroy(m->xnn);
    if (m->tensors) {
        for (int i = 0; i < m->num_tensors; i++) {
            nn_tensor *t = &m->tensors[i];
            segtex_free(t->i32);
            /* Folded DEQUANTIZE outputs share the FLOAT16 tensor's storage; arena tensors are freed with it. */
            if (t->is_const && t->producer != -2)
                segtex_aligned_free(t->data);
        }
    }
    segtex_free(m->tensors);
    if (m->nodes)
        for (int i = 0; i < m->nodes_cap; i++)
            segtex_free(m->nodes[i].subset);
    segtex_free(m->nodes);
    segtex_free(m->inputs);
    segtex_free(m->outputs);
    segtex_free(m->strings);
    segtex_aligned_free(m->arena);
    segtex_free(m);
}

segtex_status segtex_model_load_memory(const void *data, size_t size, const char *name,
                                       const segtex_model_options *options, segtex_model **out)
{
    *out = NULL;
    if (!data && size) {
        LOG_ERROR("model '%s': no data", name ? name : "?");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    segtex_model *m = segtex_calloc(1, sizeof *m);
    if (!m)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    /* Messages name the file, not its folder. */
    const char *base = name ? strrchr(name, '/') : NULL;
    snprintf(m->name, sizeof m->name, "%s", base ? base + 1 : name ? name : "memory");
    if (options)
        m->options = *options;
    if (m->options.backend == SEGTEX_BACKEND_AUTO)
        m->options.backend = segtex_backend_default();
    if (!segtex_backend_available(m->options.backend)) {
        LOG_ERROR("model '%s': backend '%s' is not available in this build", m->name,
                  segtex_backend_name(m->options.backend));
        segtex_model_destroy(m);
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    segtex_status st = nn_tflite_parse(m, data, size);
    if (st == SEGTEX_OK)
        st = nn_plan_memory(m);
    if (st == SEGTEX_OK && m->options.backend == SEGTEX_BACKEND_XNNPACK)
        st = nn_xnn_create(m, m->options.pool);
    if (st) {
        segtex_model_destroy(m);
        return st;
    }
    *out = m;
    return SEGTEX_OK;
}

segtex_status segtex_model_load(const char *path, const segtex_model_options *options, segtex_model **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        LOG_ERROR("model '%s': cannot open: %s", path, strerror(errno));
        return SEGTEX_ERROR_IO;
    }
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (size < 0 || size > (1L << 31) || fseek(f, 0, SEEK_SET) != 0) {
        LOG_ERROR("model '%s': cannot read its size", path);
        fclose(f);
        return SEGTEX_ERROR_IO;
    }
    uint8_t *buf = segtex_malloc((size_t)size);
    if (!buf) {
        fclose(f);
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    }
    size_t got = fread(buf, 1, (size_t)size, f);
    fclose(f);
    if (got != (size_t)size) {
        LOG_ERROR("model '%s': short read (%zu of %ld bytes)", path, got, size);
        segtex_free(buf);
        return SEGTEX_ERROR_IO;
    }
    segtex_status st = segtex_model_load_memory(buf, (size_t)size, path, options, out);
    segtex_free(buf);
    return st;
}

int segtex_model_input_count(const segtex_model *m) { return m->num_inputs; }
int segtex_model_output_count(const segtex_model *m) { return m->num_outputs; }

static void describe(const segtex_model *m, int tid, segtex_tensor_info *info)
{
    const nn_tensor *t = &m->tensors[tid];
    info->name = t->name;
    info->rank = t->rank;
    for (int d = 0; d < SEGTEX_MAX_DIMS; d++)
        info->dims[d] = d < t->rank ? t->shape[d] : 0;
    info->count = t->count;
    info->data = t->data;
}

segtex_status segtex_model_input(const segtex_model *m, int index, segtex_tensor_info *info)
{
    if (index < 0 || index >= m->num_inputs)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    describe(m, m->inputs[index], info);
    return SEGTEX_OK;
}

segtex_status segtex_model_output(const segtex_model *m, int index, segtex_tensor_info *info)
{
    if (index < 0 || index >= m->num_outputs)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    describe(m, m->outputs[index], info);
    return SEGTEX_OK;
}

segtex_status segtex_model_invoke(segtex_model *m)
{
    if (m->xnn)
        nn_xnn_invoke(m);
    else
        nn_ref_invoke(m);
    return SEGTEX_OK;
}

void segtex_model_get_stats(const segtex_model *m, segtex_model_stats *s)
{
    memset(s, 0, sizeof *s);
    s->num_tensors = m->num_tensors;
    s->num_nodes = m->num_nodes;
    s->num_folded = m->num_folded;
    s->num_parameters = m->num_parameters;
    s->macs = m->macs;
    s->arena_bytes = m->arena_bytes;
    s->naive_bytes = m->naive_bytes;
    s->constant_bytes = m->constant_bytes;
    s->backend = m->options.backend;
    s->num_partitions = m->num_partitions;
    s->num_host_nodes = m->xnn ? m->num_host_nodes : m->num_nodes;
}

void segtex_model_host_ops(const segtex_model *m, void (*fn)(void *, const char *, int), void *user)
{
    for (int k = 0; k < m->host_len; k++)
        fn(user, m->host_name[k], m->host_count[k]);
}

void segtex_model_op_histogram(const segtex_model *m, void (*fn)(void *, const char *, int), void *user)
{
    for (int k = 0; k < m->hist_len; k++)
        fn(user, m->hist_name[k], m->hist_count[k]);
}
