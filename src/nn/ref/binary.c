/* ADD / SUB / MUL with 4-D NumPy broadcasting. */
#include "nn/kernels.h"

#include <assert.h>

/*
 * Element strides of a tensor read under broadcasting: a dim of size 1 is
 * repeated along the output, so its stride is 0.
 */
static void broadcast_strides(nn_dims d, size_t s[4])
{
    size_t step = 1;
    for (int i = 3; i >= 0; i--) {
        s[i] = d.d[i] == 1 ? 0 : step;
        step *= (size_t)d.d[i];
    }
}

void nn_ref_binary(int op, const float *a, nn_dims da, const float *b, nn_dims db,
                   float *out, nn_dims dout, int act)
{
    size_t sa[4], sb[4];
    for (int i = 0; i < 4; i++) {
        assert(da.d[i] == dout.d[i] || da.d[i] == 1);
        assert(db.d[i] == dout.d[i] || db.d[i] == 1);
    }
    broadcast_strides(da, sa);
    broadcast_strides(db, sb);

    float *o = out;
    for (int n = 0; n < dout.d[0]; n++)
        for (int y = 0; y < dout.d[1]; y++)
            for (int x = 0; x < dout.d[2]; x++) {
                const float *pa = a + n * sa[0] + y * sa[1] + x * sa[2];
                const float *pb = b + n * sb[0] + y * sb[1] + x * sb[2];
                for (int c = 0; c < dout.d[3]; c++) {
                    float va = pa[c * sa[3]], vb = pb[c * sb[3]];
                    float r;
                    switch (op) {
                    case NN_BINARY_ADD:
                        r = va + vb;
                        break;
                    case NN_BINARY_SUB:
                        r = va - vb;
                        break;
                    case NN_BINARY_MUL:
                        r = va * vb;
                        break;
                    default:
                        assert(!"unknown binary op");
                        r = 0.0f;
                        break;
                    }
                    *o++ = nn_activate(r, act);
                }
            }
}
