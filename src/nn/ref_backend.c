/* The reference backend: each node's reference kernel hook (src/nn/ops/), in file order. */
#include "nn/ops/op.h"

void nn_ref_run_node(segtex_model *m, int i)
{
    const nn_node *n = &m->nodes[i];
    n->def->ref(m, n);
}

void nn_ref_invoke(segtex_model *m)
{
    for (int i = 0; i < m->num_nodes; i++)
        nn_ref_run_node(m, i);
}
