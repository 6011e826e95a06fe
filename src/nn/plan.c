/*
 * Arena planning: every non-constant tensor gets an offset in one buffer.
 * Two tensors may share bytes only when their lifetimes [first_use,
 * last_use] (node indices) do not overlap. Greedy by size, largest first,
 * each placed at the lowest offset that fits among the already placed
 * tensors that are alive at the same time (TFLite's "greedy by size").
 */
#include "core/log.h"
#include "nn/model.h"

#include <stdlib.h>
#include <string.h>

#define ALIGN 64

static size_t tensor_bytes(const nn_tensor *t) { return (t->count * 4 + ALIGN - 1) & ~(size_t)(ALIGN - 1); }

static const segtex_model *sort_model; /* qsort has no context argument; planning is load-time only */

static int by_size_desc(const void *a, const void *b)
{
    const nn_tensor *ta = &sort_model->tensors[*(const int *)a];
    const nn_tensor *tb = &sort_model->tensors[*(const int *)b];
    size_t sa = tensor_bytes(ta), sb = tensor_bytes(tb);
    if (sa != sb)
        return sa < sb ? 1 : -1;
    return *(const int *)a - *(const int *)b;
}

segtex_status nn_plan_memory(segtex_model *m)
{
    int *order = segtex_malloc(sizeof(int) * (size_t)m->num_tensors);
    int *placed = segtex_malloc(sizeof(int) * (size_t)m->num_tensors);
    if (!order || !placed) {
        segtex_free(order);
        segtex_free(placed);
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    }
    int n = 0;
    for (int i = 0; i < m->num_tensors; i++) {
        nn_tensor *t = &m->tensors[i];
        if (t->is_const || t->first_use < 0)
            continue; /* weights, and tensors no node touches */
        order[n++] = i;
        m->naive_bytes += tensor_bytes(t);
    }
    /* Not thread safe only in theory: a single static used during a load. */
    sort_model = m;
    qsort(order, (size_t)n, sizeof *order, by_size_desc);

    int num_placed = 0;
    size_t arena = 0;
    for (int k = 0; k < n; k++) {
        nn_tensor *t = &m->tensors[order[k]];
        size_t size = tensor_bytes(t), offset = 0;
        /* Try gaps in order of offset among overlapping live tensors. */
        for (;;) {
            int moved = 0;
            for (int j = 0; j < num_placed; j++) {
                const nn_tensor *o = &m->tensors[placed[j]];
                if (o->last_use < t->first_use || t->last_use < o->first_use)
                    continue; /* lifetimes disjoint */
                size_t os = o->offset, oe = o->offset + tensor_bytes(o);
                if (offset < oe && os < offset + size) {
                    offset = oe;
                    moved = 1;
                }
            }
            if (!moved)
                break;
        }
        t->offset = offset;
        if (offset + size > arena)
            arena = offset + size;
        placed[num_placed++] = order[k];
    }
    segtex_free(order);
    segtex_free(placed);

    m->arena_bytes = arena;
    m->arena = segtex_aligned_alloc(arena ? arena : ALIGN, 64);
    if (!m->arena)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    memset(m->arena, 0, arena ? arena : ALIGN);
    for (int i = 0; i < m->num_tensors; i++) {
        nn_tensor *t = &m->tensors[i];
        if (!t->is_const && t->first_use >= 0)
            t->data = (float *)(m->arena + t->offset);
    }
    return SEGTEX_OK;
}
