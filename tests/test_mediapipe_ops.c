/*
 * MediaPipe custom ops (version 2): Landmarks2TransformMatrix,
 * TransformTensorBilinear, TransformLandmarks. Expected values are derived by
 * hand from the ops' definitions in mediapipe/util/tflite/operations/; the
 * derivation is in the comment next to each case.
 */
#include "harness.h"
#include "nn/kernels.h"

#include <string.h>

#define PI_F 3.14159265358979f

static void check_matrix(const float got[16], const float want[16], float tol)
{
    for (int i = 0; i < 16; i++)
        CHECK(fabsf(got[i] - want[i]) <= tol, "matrix[%d] = %.9g, expected %.9g", i, (double)got[i],
              (double)want[i]);
}

static void set_lm(float *lm, int i, float x, float y, float z)
{
    lm[3 * i] = x;
    lm[3 * i + 1] = y;
    lm[3 * i + 2] = z;
}

/*
 * Eyes level (left (0,5), right (10,5)): atan2(0, 10) = 0, target 0, so no
 * rotation. Subset {0,1,2,3} with (5,0) and (5,10) spans x [0,10], y [0,10]:
 * centre (5,5), w = h = 10. Landmark 4 at (100,100) is not in the subset.
 * output 20x10, scale_x 1.5, scale_y 2:
 *   sx = 1.5*10/20 = 0.75, sy = 2*10/10 = 2
 *   matrix = T(5,5) S(0.75,2) T(-10,-5)
 *          = [0.75 0 0 5-7.5 ; 0 2 0 5-10 ; 0 0 1 0 ; 0 0 0 1].
 */
static void l2t_axis_aligned(void)
{
    float lm[5 * 3];
    set_lm(lm, 0, 0, 5, 0.3f);
    set_lm(lm, 1, 10, 5, -7);
    set_lm(lm, 2, 5, 0, 1);
    set_lm(lm, 3, 5, 10, 2);
    set_lm(lm, 4, 100, 100, 0);
    const int subset[] = {0, 1, 2, 3};
    nn_l2t_params p = {.left_rotation_idx = 0,
                       .right_rotation_idx = 1,
                       .target_rotation_radians = 0.0f,
                       .output_height = 10,
                       .output_width = 20,
                       .scale_x = 1.5f,
                       .scale_y = 2.0f,
                       .subset_idxs = subset,
                       .subset_count = 4};
    float m[16];
    nn_ref_landmarks_to_transform_matrix(lm, 5, &p, m);
    const float want[16] = {0.75f, 0, 0, -2.5f, 0, 2, 0, -5, 0, 0, 1, 0, 0, 0, 0, 1};
    check_matrix(m, want, 1e-5f);

    /* An odd count, as in the model's eye subsets (71 indices): the last index
     * is paired with itself, so the box is the same. */
    const int odd[] = {2, 3, 0, 1, 1};
    p.subset_idxs = odd;
    p.subset_count = 5;
    nn_ref_landmarks_to_transform_matrix(lm, 5, &p, m);
    check_matrix(m, want, 1e-5f);

    /* Output 10x10, scale 1: the box maps exactly onto the output: identity. */
    p.output_width = 10;
    p.output_height = 10;
    p.scale_x = p.scale_y = 1.0f;
    nn_ref_landmarks_to_transform_matrix(lm, 5, &p, m);
    const float ident[16] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    check_matrix(m, ident, 1e-5f);

    /* Including landmark 4 (NULL subset = all) widens the box to [0,100]^2:
     * s = 100/10 = 10, translation 50 - 10*5 = 0. */
    p.subset_idxs = NULL;
    p.subset_count = 0;
    nn_ref_landmarks_to_transform_matrix(lm, 5, &p, m);
    const float all[16] = {10, 0, 0, 0, 0, 10, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    check_matrix(m, all, 1e-4f);
}

/*
 * Eye line vertical: left (0,0), right (0,10): atan2(10, 0) = pi/2, target 0,
 * so r = -pi/2. Rotating the subset by r, (x,y) -> (y,-x):
 *   (0,0)->(0,0)  (0,10)->(10,0)  (-2,5)->(5,2)  (4,5)->(5,-4)
 * box x [0,10], y [-4,2]: w = 10, h = 6, centre (5,-1); rotated back by +pi/2,
 * (x,y) -> (-y,x): crop centre (1,5). Output 10x6, scale 1: S = identity.
 *   matrix = T(1,5) R(pi/2) T(-5,-3), R(pi/2) = [0 -1 ; 1 0]
 *   translation = (1,5) + R(pi/2)(-5,-3) = (1,5) + (3,-5) = (4,0)
 *   matrix = [0 -1 0 4 ; 1 0 0 0 ; 0 0 1 0 ; 0 0 0 1].
 * Output x runs along input +y (the eye line), as a level crop should.
 */
static const float rot90_matrix[16] = {0, -1, 0, 4, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};

static void l2t_rotated_90(void)
{
    float lm[4 * 3];
    set_lm(lm, 0, 0, 0, 0);
    set_lm(lm, 1, 0, 10, 0);
    set_lm(lm, 2, -2, 5, 0);
    set_lm(lm, 3, 4, 5, 0);
    const int subset[] = {0, 1, 2, 3};
    nn_l2t_params p = {.left_rotation_idx = 0,
                       .right_rotation_idx = 1,
                       .target_rotation_radians = 0.0f,
                       .output_height = 6,
                       .output_width = 10,
                       .scale_x = 1.0f,
                       .scale_y = 1.0f,
                       .subset_idxs = subset,
                       .subset_count = 4};
    float m[16];
    nn_ref_landmarks_to_transform_matrix(lm, 4, &p, m);
    check_matrix(m, rot90_matrix, 1e-5f);

    /* Swapping left and right: atan2(-10, 0) = -pi/2, r = +pi/2: the crop is
     * turned the other way round. Rotating by +pi/2, (x,y) -> (-y,x):
     *   (0,0)->(0,0) (0,10)->(-10,0) (-2,5)->(-5,-2) (4,5)->(-5,4)
     * box x [-10,0], y [-2,4]: w 10, h 6, centre (-5,1); rotated back by
     * -pi/2, (x,y) -> (y,-x): (1,5). matrix = T(1,5) R(-pi/2) T(-5,-3),
     * R(-pi/2) = [0 1 ; -1 0], translation (1,5) + (-3,5) = (-2,10). */
    p.left_rotation_idx = 1;
    p.right_rotation_idx = 0;
    nn_ref_landmarks_to_transform_matrix(lm, 4, &p, m);
    const float other[16] = {0, 1, 0, -2, -1, 0, 0, 10, 0, 0, 1, 0, 0, 0, 0, 1};
    check_matrix(m, other, 1e-5f);

    /* target_rotation_radians = pi/2 cancels the eye angle: r = 0, box
     * x [-2,4], y [0,10], centre (1,5), w 6, h 10. Output 6x10, scale 1:
     * matrix = T(1,5) T(-3,-5) = translation (-2,0). */
    p.left_rotation_idx = 0;
    p.right_rotation_idx = 1;
    p.target_rotation_radians = PI_F / 2.0f;
    p.output_width = 6;
    p.output_height = 10;
    nn_ref_landmarks_to_transform_matrix(lm, 4, &p, m);
    const float level[16] = {1, 0, 0, -2, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    check_matrix(m, level, 1e-5f);
}

/* in[y][x][c] = 10*y + x for c = 0 and -(10*y + x) - 100 for c = 1. */
static void fill_ramp(float *in, int h, int w, int c)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int k = 0; k < c; k++)
                in[(y * w + x) * c + k] = k == 0 ? 10.0f * y + x : -(10.0f * y + x) - 100.0f;
}

static nn_dims dims(int h, int w, int c)
{
    nn_dims d = {{1, h, w, c}};
    return d;
}

/* Identity matrix, same size: source = (x+0.5, y+0.5) - 0.5 = (x, y): a copy,
 * including the last row and column (source exactly W-1 / H-1 is inside). */
static void ttb_identity_copies(void)
{
    float in[3 * 4 * 2], out[3 * 4 * 2];
    fill_ramp(in, 3, 4, 2);
    const float id[16] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    memset(out, 0x7f, sizeof out);
    nn_ref_transform_tensor_bilinear(in, dims(3, 4, 2), id, out, dims(3, 4, 2));
    for (int i = 0; i < 3 * 4 * 2; i++)
        CHECK(out[i] == in[i], "out[%d] = %g, expected %g", i, (double)out[i], (double)in[i]);
}

/*
 * Translation (0.25, 0.5): source = (x+0.25, y+0.5). The ramp is linear, so
 * bilinear sampling is exact: c0 = 10*(y+0.5) + x+0.25, c1 = -c0 - 100.
 * Input 3x4: inside while x+0.25 <= 3 (x <= 2) and y+0.5 <= 2 (y <= 1);
 * column x = 3 (source 3.25) and row y = 2 (source 2.5) are 0 in all channels.
 */
static void ttb_translation(void)
{
    float in[3 * 4 * 2], out[3 * 4 * 2];
    fill_ramp(in, 3, 4, 2);
    const float t[16] = {1, 0, 0, 0.25f, 0, 1, 0, 0.5f, 0, 0, 1, 0, 0, 0, 0, 1};
    nn_ref_transform_tensor_bilinear(in, dims(3, 4, 2), t, out, dims(3, 4, 2));
    for (int y = 0; y < 3; y++) {
        for (int x = 0; x < 4; x++) {
            const float *o = out + (y * 4 + x) * 2;
            const int inside = x <= 2 && y <= 1;
            const float v = 10.0f * (y + 0.5f) + x + 0.25f;
            CHECK_NEAR(o[0], inside ? v : 0.0f, 1e-5);
            CHECK_NEAR(o[1], inside ? -v - 100.0f : 0.0f, 1e-5);
        }
    }
    /* one value spelled out: (2,1) samples (2.25,1.5) = 15 + 2.25 */
    CHECK_NEAR(out[(1 * 4 + 2) * 2], 17.25, 1e-5);

    /* A source a quarter pixel left of column 0 is outside: the whole pixel is
     * 0, not clamped to column 0 and not blended with the border. */
    const float left[16] = {1, 0, 0, -0.25f, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    nn_ref_transform_tensor_bilinear(in, dims(3, 4, 2), left, out, dims(3, 4, 2));
    CHECK(out[0] == 0.0f && out[1] == 0.0f, "source x -0.25 gives %g %g, expected 0 0",
          (double)out[0], (double)out[1]);
    CHECK_NEAR(out[(0 * 4 + 1) * 2], 0.75, 1e-6); /* x = 1 samples 0.75 */
}

/*
 * Scale 2 from a 4x4 input to a 2x2 output: version 2 maps pixel centres,
 * source = 2*(x+0.5) - 0.5 = 2x + 0.5 (version 1 would give 2x).
 * c0 = 10*(2y+0.5) + 2x+0.5: (0,0) 5.5, (1,0) 7.5, (0,1) 25.5, (1,1) 27.5.
 */
static void ttb_scale_pixel_centres(void)
{
    float in[4 * 4], out[2 * 2];
    fill_ramp(in, 4, 4, 1);
    const float s[16] = {2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    nn_ref_transform_tensor_bilinear(in, dims(4, 4, 1), s, out, dims(2, 2, 1));
    CHECK_NEAR(out[0], 5.5, 1e-5);
    CHECK_NEAR(out[1], 7.5, 1e-5);
    CHECK_NEAR(out[2], 25.5, 1e-5);
    CHECK_NEAR(out[3], 27.5, 1e-5);
}

/*
 * The 90-degree matrix [0 -1 0 3 ; 1 0 0 0]: after the half-pixel fold the
 * translation is (3 - 0.5 - 0.5, 0 + 0.5 - 0.5) = (2, 0), so
 * source = (2 - y, x) and out(x,y) = in[row x][col 2-y] on a 3x3 input:
 * out(0,0) = in[0][2] = 2, out(2,0) = in[2][2] = 22, out(0,2) = in[0][0] = 0,
 * out(1,1) = in[1][1] = 11. Only channel 0 of a 2-channel input is sampled
 * into a 1-channel output.
 */
static void ttb_rotation(void)
{
    float in[3 * 3 * 2], out[3 * 3];
    fill_ramp(in, 3, 3, 2);
    const float r[16] = {0, -1, 0, 3, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    nn_ref_transform_tensor_bilinear(in, dims(3, 3, 2), r, out, dims(3, 3, 1));
    for (int y = 0; y < 3; y++)
        for (int x = 0; x < 3; x++)
            CHECK_NEAR(out[y * 3 + x], 10.0 * x + (2 - y), 1e-5);
    CHECK_NEAR(out[0], 2.0, 1e-6);
    CHECK_NEAR(out[2], 22.0, 1e-6);
}

/*
 * TransformLandmarks with rot90_matrix [0 -1 0 4 ; 1 0 0 0] plus 7 and 9 in
 * the z column (multiplied by 0, never used): (x,y,z) -> (4-y, x, z).
 *   (1,2,5) -> (2,1,5); (5,3,-2) -> (1,5,-2): the output centre of the
 *   rotated crop of l2t_rotated_90 lands on its crop centre (1,5).
 * Scale/shift [2 0 0 1 ; 0 3 0 -1]: (1,2,5) -> (3,5,5): z is not scaled.
 */
static void tl_matrix_and_z(void)
{
    float m[16];
    memcpy(m, rot90_matrix, sizeof m);
    m[2] = 7.0f;
    m[6] = 9.0f;
    const float in[6] = {1, 2, 5, 5, 3, -2};
    float out[6];
    nn_ref_transform_landmarks(in, 2, 3, m, out);
    const float want[6] = {2, 1, 5, 1, 5, -2};
    for (int i = 0; i < 6; i++)
        CHECK_NEAR(out[i], want[i], 1e-6);

    const float s[16] = {2, 0, 0, 1, 0, 3, 0, -1, 0, 0, 5, 0, 0, 0, 0, 1};
    nn_ref_transform_landmarks(in, 1, 3, s, out);
    CHECK_NEAR(out[0], 3.0, 1e-6);
    CHECK_NEAR(out[1], 5.0, 1e-6);
    CHECK_NEAR(out[2], 5.0, 0.0);

    /* 2-D landmarks (the model's [1,80,2] etc.), in place:
     * (1,2) -> (3,5), (0,0) -> (1,-1). */
    float xy[4] = {1, 2, 0, 0};
    nn_ref_transform_landmarks(xy, 2, 2, s, xy);
    CHECK_NEAR(xy[0], 3.0, 1e-6);
    CHECK_NEAR(xy[1], 5.0, 1e-6);
    CHECK_NEAR(xy[2], 1.0, 1e-6);
    CHECK_NEAR(xy[3], -1.0, 1e-6);
}

/*
 * The three ops together, as the model chains them: the crop matrix from
 * l2t_rotated_90 maps the output crop's centre (5,3) onto the crop centre
 * (1,5), and sampling a ramp with it reads the ramp at that point
 * (plane value 10*y + x on a 12x12 input): output pixel (x,y) samples
 * M(x+0.5, y+0.5) - 0.5 = (4 - y - 0.5 - 0.5, x + 0.5 - 0.5) = (3 - y, x),
 * i.e. value 10*x + 3 - y, inside for y < 3 (and x > 0), outside (0) for
 * y > 3. Row y = 3 and column x = 0 sample exactly on the edge, where the
 * float rounding of cos(pi/2) decides between inside and outside (in
 * MediaPipe too), so they are not checked.
 */
static void chain_consistent(void)
{
    float lm[4 * 3];
    set_lm(lm, 0, 0, 0, 0);
    set_lm(lm, 1, 0, 10, 0);
    set_lm(lm, 2, -2, 5, 0);
    set_lm(lm, 3, 4, 5, 0);
    const int subset[] = {0, 1, 2, 3};
    nn_l2t_params p = {.left_rotation_idx = 0,
                       .right_rotation_idx = 1,
                       .output_height = 6,
                       .output_width = 10,
                       .scale_x = 1.0f,
                       .scale_y = 1.0f,
                       .subset_idxs = subset,
                       .subset_count = 4};
    float m[16];
    nn_ref_landmarks_to_transform_matrix(lm, 4, &p, m);
    const float centre[2] = {5, 3};
    float mapped[2];
    nn_ref_transform_landmarks(centre, 1, 2, m, mapped);
    CHECK_NEAR(mapped[0], 1.0, 1e-5);
    CHECK_NEAR(mapped[1], 5.0, 1e-5);

    float in[12 * 12], out[6 * 10];
    fill_ramp(in, 12, 12, 1);
    nn_ref_transform_tensor_bilinear(in, dims(12, 12, 1), m, out, dims(6, 10, 1));
    for (int y = 0; y < 6; y++)
        for (int x = 1; x < 10; x++)
            if (y != 3)
                CHECK_NEAR(out[y * 10 + x], y < 3 ? 10.0 * x + 3 - y : 0.0, 1e-4);
}

int main(void)
{
    RUN(l2t_axis_aligned);
    RUN(l2t_rotated_90);
    RUN(ttb_identity_copies);
    RUN(ttb_translation);
    RUN(ttb_scale_pixel_centres);
    RUN(ttb_rotation);
    RUN(tl_matrix_and_z);
    RUN(chain_consistent);
    return test_summary();
}
