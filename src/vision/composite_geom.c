/*
 * The composite segmenter's geometry: people built from the face mesh, the
 * pose and the hands, and the prior over hair / body skin / face skin /
 * clothes each region gives (see composite.h).
 */
#include "vision/composite.h"
#include "vision/face_mesh_tables.h"

#include <math.h>
#include <string.h>

/*
 * Log priors per region: hair, body skin, face skin, clothes, others. Colour
 * decides within them; "others" (what is in the person mask but like none of
 * the person's colours: a held object) is likeliest outside the body's
 * regions and near the hands.
 */
/* Hair reaches this many face half-heights below the face's centre (to the shoulders, past them when long). */
#define HAIR_REACH 3.0f
#define NL_W 1.2f    /* the neckline: half its width at the neck's bottom, in face half widths, */
#define NL_D 1.5f    /* ... its depth, in face half heights, */
#define NL_BODY 0.0f /* ... and the body skin's log prior in it */
#define JAW_GROW 0.04f /* the oval's lower half grows by this share of its size at the chin (see add_face) */
#define WRIST_SEEN 0.4f /* a wrist where a seen elbow points, inside the frame, is seen from this visibility up */
#define FACE_TOP 1.6f /* no face skin over a face mesh's top by more than this many half heights (see comp_prior) */
#define EAR_OUT 0.12f /* an ear's centre: out from the cheek's extreme (234, 454), in face half widths, */
#define EAR_UP 0.1f   /* ... and up from it, in half heights; */
#define EAR_RA 0.16f  /* its half width and */
#define EAR_RB 0.36f  /* half height; */
#define EAR_FRONTAL 0.5f /* ears only on a face this near frontal (|back| in half widths) */
#define EAR_FACE 1.0f /* the face's log prior over it, against the hair's 0 (hair over the ears: colour decides) */

static const float region_prior[COMP_REGION_COUNT][COMP_K] = {
    [COMP_REGION_HAND] = {-4.0f, 2.5f, -4.0f, -1.0f, -0.5f},
    [COMP_REGION_FEATURE] = {-6.0f, -8.0f, 6.0f, -8.0f, -8.0f}, /* eyes, brows, lips: face skin, as MediaPipe's */
    [COMP_REGION_CHEEKS] = {-5.0f, -6.0f, 5.0f, -6.0f, -6.0f},  /* the oval below the brows' top: no hair there */
    [COMP_REGION_FACE] = {-1.0f, -4.0f, 2.0f, -4.0f, -5.0f},     /* hair may cover the forehead */
    [COMP_REGION_FOREHEAD] = {0.0f, -4.0f, 0.3f, -3.0f, -5.0f},  /* up to the real hairline: colour decides */
    [COMP_REGION_HEAD_SIDE] = {0.0f, -3.0f, 0.0f, -3.0f, -4.0f}, /* beside the cheeks: hair hanging, or the face
                                                                  * wider than the mesh's oval (a turned head) */
    [COMP_REGION_HEAD] = {1.0f, -3.0f, 0.0f, -3.0f, -4.0f},      /* hair, or ears (hats are rare) */
    [COMP_REGION_JAW] = {-1.0f, 1.0f, 0.0f, -1.0f, -3.0f}, /* beside the chin, outside the mesh's oval: the jaw or the
                                                           * neck; the tight face model against the wide body one */
    [COMP_REGION_NECK] = {-1.0f, 1.0f, -4.0f, 0.0f, -3.0f},      /* neck, collar, or hair hanging */
    [COMP_REGION_ARM] = {-3.0f, 0.0f, -4.0f, 0.75f, -2.5f}, /* sleeves are commoner than bare arms; not an object */
    [COMP_REGION_TORSO] = {-2.5f, -3.0f, -4.0f, 1.5f, -2.5f},
    [COMP_REGION_LEG] = {-3.0f, -0.75f, -4.0f, 0.75f, -2.5f}, /* trousers commoner than bare legs (shorts, skirts) */
    [COMP_REGION_NEAR_HAND] = {-1.5f, 0.0f, -4.0f, 1.0f, 0.0f}, /* beside a hand: the forearm, a sleeve, a held object */
    [COMP_REGION_BODY] = {-1.5f, -2.0f, -4.0f, 1.0f, -0.5f},
};

static void poly_bounds(comp_poly *p)
{
    p->xmin = p->ymin = INFINITY;
    p->xmax = p->ymax = -INFINITY;
    for (int i = 0; i < p->n; i++) {
        p->xmin = fminf(p->xmin, p->x[i]), p->xmax = fmaxf(p->xmax, p->x[i]);
        p->ymin = fminf(p->ymin, p->y[i]), p->ymax = fmaxf(p->ymax, p->y[i]);
    }
}

static void mesh_poly(comp_poly *p, const segtex_face_landmarks *f, const uint16_t *idx, int n, int w, int h)
{
    p->n = n;
    for (int i = 0; i < n; i++)
        p->x[i] = f->xyz[idx[i]][0] * (float)w, p->y[i] = f->xyz[idx[i]][1] * (float)h;
    poly_bounds(p);
}

int comp_poly_inside(const comp_poly *p, float x, float y)
{
    if (p->n < 3 || x < p->xmin || x > p->xmax || y < p->ymin || y > p->ymax)
        return 0;
    int in = 0;
    for (int i = 0, j = p->n - 1; i < p->n; j = i++)
        if ((p->y[i] > y) != (p->y[j] > y) && x < (p->x[j] - p->x[i]) * (y - p->y[i]) / (p->y[j] - p->y[i]) + p->x[i])
            in = !in;
    return in;
}

static void add_cap(comp_person *p, float ax, float ay, float bx, float by, float r, int kind)
{
    if (p->ncaps < COMP_MAX_CAPS)
        p->caps[p->ncaps++] = (comp_capsule){ax, ay, bx, by, r, kind};
}

/* A pose landmark in pixels when the model sees it. */
static int pose_pt(const segtex_pose_result *r, int i, int w, int h, float *x, float *y)
{
    *x = r->landmarks[i][0] * (float)w, *y = r->landmarks[i][1] * (float)h;
    return r->landmarks[i][3] >= SEGTEX_POSE_SEEN && *x > -0.5f * w && *x < 1.5f * w && *y > -0.5f * h && *y < 1.5f * h;
}

void comp_frame_pt(const comp_person *p, float a, float b, float *x, float *y)
{
    *x = p->fcx - p->upy * a * p->fw + p->upx * b * p->fh;
    *y = p->fcy + p->upx * a * p->fw + p->upy * b * p->fh;
}

/* A displacement (dx, dy) in pixels across the face frame, in half widths (comp_frame_pt's a). */
static float frame_across(const comp_person *p, float dx, float dy)
{
    return (dx * -p->upy + dy * p->upx) / p->fw;
}

/* ... and up it, in half heights (comp_frame_pt's b). */
static float frame_up(const comp_person *p, float dx, float dy)
{
    return (dx * p->upx + dy * p->upy) / p->fh;
}

/*
 * The neck: as wide as the jaw, from the jaw corners (the oval, tested
 * first, keeps the chin) down `len` pixels below the chin; across the face
 * frame from neck_a[0] to neck_a[1] half widths.
 */
static void face_neck(comp_person *p, float len)
{
    float b1 = -1.0f - len / p->fh, a0 = p->neck_a[0], a1 = p->neck_a[1];
    p->neck_b = b1;
    p->neck.n = 4;
    comp_frame_pt(p, a0, -0.3f, &p->neck.x[0], &p->neck.y[0]);
    comp_frame_pt(p, a1, -0.3f, &p->neck.x[1], &p->neck.y[1]);
    /* A turned head's throat slopes back from under its chin toward the collar: the neck's front edge leans
     * back by the skull's offset, down to half a face width wide at the bottom. */
    float sl = fminf(fabsf(p->back), fmaxf(a1 - a0 - 0.6f, 0.0f));
    float s0 = p->back < 0 ? 0.0f : sl, s1 = p->back < 0 ? sl : 0.0f; /* the front is the side away from `back` */
    comp_frame_pt(p, a1 - 0.05f - s1, b1, &p->neck.x[2], &p->neck.y[2]);
    comp_frame_pt(p, a0 + 0.05f + s0, b1, &p->neck.x[3], &p->neck.y[3]);
    poly_bounds(&p->neck);
}

static void add_face(comp_person *p, const segtex_face_landmarks *f, int w, int h)
{
    mesh_poly(&p->oval, f, segtex_mesh_face_oval, SEGTEX_MESH_FACE_OVAL_COUNT, w, h);
    mesh_poly(&p->eyes[0], f, segtex_mesh_left_eye, SEGTEX_MESH_EYE_CONTOUR_COUNT, w, h);
    mesh_poly(&p->eyes[1], f, segtex_mesh_right_eye, SEGTEX_MESH_EYE_CONTOUR_COUNT, w, h);
    mesh_poly(&p->brows[0], f, segtex_mesh_left_brow, SEGTEX_MESH_BROW_COUNT, w, h);
    mesh_poly(&p->brows[1], f, segtex_mesh_right_brow, SEGTEX_MESH_BROW_COUNT, w, h);
    mesh_poly(&p->lips, f, segtex_mesh_lips_outer, SEGTEX_MESH_LIPS_OUTER_COUNT, w, h);
    /* Face frame: up from the chin (152) to the top of the forehead (10); width across the cheeks (234, 454). */
    float tx = f->xyz[10][0] * w, ty = f->xyz[10][1] * h, bx = f->xyz[152][0] * w, by = f->xyz[152][1] * h;
    float lx = f->xyz[234][0] * w, ly = f->xyz[234][1] * h, rx = f->xyz[454][0] * w, ry = f->xyz[454][1] * h;
    float len = hypotf(tx - bx, ty - by);
    if (!(len > 1e-3f))
        return;
    p->has_face = 1;
    p->upx = (tx - bx) / len, p->upy = (ty - by) / len;
    p->fh = 0.5f * len, p->fw = fmaxf(0.5f * hypotf(rx - lx, ry - ly), 0.3f * len);
    p->fcx = 0.5f * (tx + bx), p->fcy = 0.5f * (ty + by);
    p->cx = p->fcx, p->cy = p->fcy;
    p->scale = 2.2f * p->fw;
    /* The mesh's oval follows the jaw's front, a little inside the outline a camera sees: the chin's and the
     * jaw's undersides, seen from about level, are face skin down to where the neck's shadow starts (and a beard
     * below the jaw's line is too). Its lower half grows about the face's centre, by JAW_GROW at the chin and
     * nothing at the cheeks' level; the forehead's side is left as the mesh has it (the hairline is found by
     * colour). Measured on the 21 labelled cases: 4 % gives the portrait 0.835 -> 0.841, jacket +0.014, glasses
     * +0.022, the cameraman -0.003; 8 % costs the portrait 0.014 (its labels end the face higher). */
    for (int i = 0; i < p->oval.n; i++) {
        float dx = p->oval.x[i] - p->fcx, dy = p->oval.y[i] - p->fcy, b = frame_up(p, dx, dy);
        float g = 1.0f + JAW_GROW * fminf(fmaxf(-b, 0.0f), 1.0f);
        p->oval.x[i] = p->fcx + g * dx, p->oval.y[i] = p->fcy + g * dy;
    }
    poly_bounds(&p->oval);
    /* The brows' top: below it, inside the oval, nothing is hair (a dark brow or eye is face skin). */
    p->brow_b = -INFINITY;
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < p->brows[k].n; i++) {
            float b = frame_up(p, p->brows[k].x[i] - p->fcx, p->brows[k].y[i] - p->fcy);
            p->brow_b = fmaxf(p->brow_b, b);
        }
    if (!(p->brow_b > -0.5f && p->brow_b < 0.9f))
        p->brow_b = 0.45f; /* where brows sit on a frontal face */
    /* A head turned aside: the cheeks' extremes (234, 454), by its ears, lie behind the nose tip (1). The skull's
     * centre is taken as far behind the frame's (in half widths, at most 2; about 0 for a frontal face), as a
     * face guessed from the pose takes its ears' midpoint. */
    float mx = 0.5f * (lx + rx) - f->xyz[1][0] * w, my = 0.5f * (ly + ry) - f->xyz[1][1] * h;
    p->back = fmaxf(fminf(frame_across(p, mx, my), 2.0f), -2.0f);
    /* The ears: just out from the cheeks' extremes, a little above them. On a face turned aside, an ear lies
     * behind its cheek's extreme (hidden on the far side, or where the head's side already is): frontal only. */
    p->ears = fabsf(p->back) < EAR_FRONTAL;
    for (int k = 0; k < 2 && p->ears; k++) {
        float ea = frame_across(p, (k ? rx : lx) - p->fcx, (k ? ry : ly) - p->fcy),
              eb = frame_up(p, (k ? rx : lx) - p->fcx, (k ? ry : ly) - p->fcy);
        p->ear[k][0] = ea + (ea < 0 ? -EAR_OUT : EAR_OUT), p->ear[k][1] = eb + EAR_UP;
    }
    /* The neck: under the jaw's corners (172, 397), reaching back under the ear by half of that. */
    for (int k = 0; k < 2; k++) {
        const float *q = f->xyz[k ? 397 : 172];
        p->neck_a[k] = frame_across(p, q[0] * w - p->fcx, q[1] * h - p->fcy);
    }
    if (p->neck_a[0] > p->neck_a[1]) {
        float t = p->neck_a[0];
        p->neck_a[0] = p->neck_a[1], p->neck_a[1] = t;
    }
    p->neck_a[p->back > 0] += 0.5f * p->back;
    face_neck(p, 1.1f * p->fh);
}

/*
 * A torso from the shoulders' joints alone (the hips out of the frame or hidden), `s` the body's scale: the top
 * edge raised 0.45 s along the face's up (the shoulders and a collar reach above the joints; straight up with no
 * face), down 1.3 s to hips narrower than the shoulders.
 */
static void torso_from_shoulders(comp_person *p, float lx, float ly, float rx, float ry, float s)
{
    float ux = p->upx, uy = p->upy;
    if (!(p->fw > 0))
        ux = 0, uy = -1;
    const float mx = 0.5f * (lx + rx), my = 0.5f * (ly + ry);
    p->torso.n = 4;
    p->torso.x[0] = lx + 0.45f * s * ux, p->torso.y[0] = ly + 0.45f * s * uy;
    p->torso.x[1] = rx + 0.45f * s * ux, p->torso.y[1] = ry + 0.45f * s * uy;
    p->torso.x[2] = mx + 0.45f * (rx - lx) - ux * 1.3f * s, p->torso.y[2] = my + 0.45f * (ry - ly) - uy * 1.3f * s;
    p->torso.x[3] = mx - 0.45f * (rx - lx) - ux * 1.3f * s, p->torso.y[3] = my - 0.45f * (ry - ly) - uy * 1.3f * s;
    poly_bounds(&p->torso);
}

static void add_pose(comp_person *p, const segtex_pose_result *r, int w, int h)
{
    float x[SEGTEX_POSE_POINTS], y[SEGTEX_POSE_POINTS];
    int ok[SEGTEX_POSE_POINTS];
    for (int i = 0; i < SEGTEX_POSE_POINTS; i++)
        ok[i] = pose_pt(r, i, w, h, &x[i], &y[i]);
    int ls = SEGTEX_POSE_LEFT_SHOULDER, rs = SEGTEX_POSE_RIGHT_SHOULDER, lh = SEGTEX_POSE_LEFT_HIP,
        rh = SEGTEX_POSE_RIGHT_HIP;
    if (!ok[ls] || !ok[rs])
        return;
    p->has_pose = 1;
    float sw = hypotf(x[ls] - x[rs], y[ls] - y[rs]);
    float ex = x[SEGTEX_POSE_LEFT_EAR] - x[SEGTEX_POSE_RIGHT_EAR], ey = y[SEGTEX_POSE_LEFT_EAR] - y[SEGTEX_POSE_RIGHT_EAR];
    float s = fmaxf(sw, 2.2f * hypotf(ex, ey));
    if (ok[lh] && ok[rh])
        s = fmaxf(s, 0.7f * hypotf(0.5f * (x[ls] + x[rs] - x[lh] - x[rh]), 0.5f * (y[ls] + y[rs] - y[lh] - y[rh])));
    if (p->has_face)
        s = fmaxf(s, p->scale);
    p->scale = s;
    if (!p->has_face) {
        p->cx = 0.5f * (x[ls] + x[rs]), p->cy = 0.5f * (y[ls] + y[rs]);
        /* No face mesh: a face from the pose's nose and ears, up away from the shoulders. The frame is
         * the head's (with its hair, about half a shoulder width): half width at least 0.25 body scales,
         * for the ears' distance shrinks as the head turns away and the lite pose's ears sit inside it. */
        int le = ok[SEGTEX_POSE_LEFT_EAR], re = ok[SEGTEX_POSE_RIGHT_EAR], no = ok[SEGTEX_POSE_NOSE];
        float hx = x[SEGTEX_POSE_NOSE], hy = y[SEGTEX_POSE_NOSE], fw = 0.25f * s;
        /* the ears' point: their midpoint, or the one ear seen */
        int ea = le ? SEGTEX_POSE_LEFT_EAR : SEGTEX_POSE_RIGHT_EAR, eb = re ? SEGTEX_POSE_RIGHT_EAR : ea;
        float ex2 = 0.5f * (x[ea] + x[eb]), ey2 = 0.5f * (y[ea] + y[eb]);
        if (le && re) {
            hx = no ? 0.5f * (hx + ex2) : ex2, hy = no ? 0.5f * (hy + ey2) : ey2;
            fw = fmaxf(0.5f * hypotf(ex, ey), 0.25f * s);
        } else if (!no && (le || re)) {
            hx = ex2, hy = ey2;
        }
        float ux = p->cx - hx, uy = p->cy - hy, l = hypotf(ux, uy);
        /* Up: the face's own axis, from the mouth to the eyes, when the pose has them apart (a head bent
         * forward over a camera or a desk is beside the shoulders, not above them); else away from the
         * shoulders. */
        int ey_ok = ok[SEGTEX_POSE_LEFT_EYE] && ok[SEGTEX_POSE_RIGHT_EYE], mo_ok = ok[SEGTEX_POSE_MOUTH_LEFT] &&
                                                                                   ok[SEGTEX_POSE_MOUTH_RIGHT];
        if (ey_ok && mo_ok) {
            float vx = 0.5f * (x[SEGTEX_POSE_MOUTH_LEFT] + x[SEGTEX_POSE_MOUTH_RIGHT] - x[SEGTEX_POSE_LEFT_EYE] -
                               x[SEGTEX_POSE_RIGHT_EYE]),
                  vy = 0.5f * (y[SEGTEX_POSE_MOUTH_LEFT] + y[SEGTEX_POSE_MOUTH_RIGHT] - y[SEGTEX_POSE_LEFT_EYE] -
                               y[SEGTEX_POSE_RIGHT_EYE]);
            float vl = hypotf(vx, vy);
            /* ... only when the two disagree by over 45 degrees: upright, the shoulders' direction is steadier */
            if (vl > 0.2f * fw && l > 1e-3f && (vx * ux + vy * uy) < 0.7071f * vl * l)
                ux = vx, uy = vy, l = vl;
        }
        if ((no || le || re) && l > 1e-3f) {
            p->upx = -ux / l, p->upy = -uy / l;
            p->fw = fw, p->fh = 1.35f * fw;
            p->fcx = hx, p->fcy = hy;
            /* A head turned aside: its nose is off the ears' midpoint. The skull's centre is taken that far
             * (in half widths, at most 2) behind the frame's, and comp_prior's head ellipse widens backwards
             * by as much: a profile's skull reaches well behind its ears. */
            if (no && (le || re) && fw > 0) {
                float off = frame_across(p, ex2 - x[SEGTEX_POSE_NOSE], ey2 - y[SEGTEX_POSE_NOSE]);
                p->back = fmaxf(fminf(off, 2.0f), -2.0f);
            }
            p->neck_a[0] = 0.5f * p->back - 0.85f, p->neck_a[1] = 0.5f * p->back + 0.85f; /* under the ears */
        }
    }
    /* Torso: shoulders and hips, widened a little (a jacket is wider than the joints). */
    /* Hips just out of the frame or under a held object still bound the torso (visibility from 0.3). */
    int hips = ok[lh] && ok[rh];
    if (!hips && r->landmarks[lh][3] >= 0.3f && r->landmarks[rh][3] >= 0.3f && y[lh] < 1.3f * h && y[rh] < 1.3f * h)
        hips = ok[lh] = ok[rh] = 1;
    if (hips) {
        float mx = 0.25f * (x[ls] + x[rs] + x[lh] + x[rh]), my = 0.25f * (y[ls] + y[rs] + y[lh] + y[rh]);
        int idx[4] = {ls, rs, rh, lh};
        p->torso.n = 4;
        for (int k = 0; k < 4; k++)
            p->torso.x[k] = mx + 1.15f * (x[idx[k]] - mx), p->torso.y[k] = my + 1.1f * (y[idx[k]] - my);
        /* Clothes reach above the shoulder joints (the shoulders, a collar): raise the top edge. */
        float ux = 0.5f * (x[ls] + x[rs]) - 0.5f * (x[lh] + x[rh]), uy = 0.5f * (y[ls] + y[rs]) - 0.5f * (y[lh] + y[rh]);
        float ul = hypotf(ux, uy);
        if (ul > 1e-3f)
            for (int k = 0; k < 2; k++)
                p->torso.x[k] += 0.45f * s * ux / ul, p->torso.y[k] += 0.45f * s * uy / ul;
        poly_bounds(&p->torso);
    } else { /* shoulders only (hips out of the frame or hidden) */
        torso_from_shoulders(p, x[ls], y[ls], x[rs], y[rs], s);
    }
    static const int arms[][3] = {{11, 13, 15}, {12, 14, 16}};
    for (int a = 0; a < 2; a++) {
        int sh = arms[a][0], el = arms[a][1], wr = arms[a][2];
        /* A hand raised against the face or the chest is seen at visibility 0.4-0.5 (webcam2's, on her cheek:
         * 0.49): below SEGTEX_POSE_SEEN, but where a seen elbow points, inside the frame, it is the forearm's end
         * (off the frame, a visibility that low is a guess: Lena's wrists). */
        if (!ok[wr] && ok[el] && r->landmarks[wr][3] >= WRIST_SEEN && x[wr] >= 0 && x[wr] < (float)w && y[wr] >= 0 &&
            y[wr] < (float)h)
            ok[wr] = 1;
        if (ok[sh] && ok[el])
            add_cap(p, x[sh], y[sh], x[el], y[el], 0.17f * s, COMP_REGION_ARM);
        if (ok[el] && ok[wr])
            add_cap(p, x[el], y[el], x[wr], y[wr], 0.13f * s, COMP_REGION_ARM);
        if (ok[wr] && p->nwrists < 4)
            p->wrists[p->nwrists][0] = x[wr], p->wrists[p->nwrists][1] = y[wr], p->nwrists++;
        int ix = a ? SEGTEX_POSE_RIGHT_INDEX : SEGTEX_POSE_LEFT_INDEX, pk = a ? SEGTEX_POSE_RIGHT_PINKY : SEGTEX_POSE_LEFT_PINKY;
        /* The pose's hand is a guess (gloves, hidden hands): colour decides. Its index and pinky points are
         * about the knuckles; the fingers reach about as far again (0.6 of it here: they bend). */
        if (ok[wr] && ok[ix] && ok[pk] && r->landmarks[wr][3] > 0.8f && r->landmarks[ix][3] > 0.8f) {
            float hx = 0.5f * (x[ix] + x[pk]), hy = 0.5f * (y[ix] + y[pk]);
            add_cap(p, x[wr], y[wr], hx + 0.6f * (hx - x[wr]), hy + 0.6f * (hy - y[wr]), 0.12f * s, COMP_REGION_ARM);
        }
    }
    static const int legs[][3] = {{23, 25, 27}, {24, 26, 28}};
    for (int a = 0; a < 2; a++) {
        int hp = legs[a][0], kn = legs[a][1], an = legs[a][2];
        if (ok[hp] && ok[kn])
            add_cap(p, x[hp], y[hp], x[kn], y[kn], 0.3f * s, COMP_REGION_LEG);
        if (ok[kn] && ok[an]) /* past the ankle by a quarter of the shin: the lite pose's ankles sit short, shoes reach past */
            add_cap(p, x[kn], y[kn], x[an] + 0.25f * (x[an] - x[kn]), y[an] + 0.25f * (y[an] - y[kn]), 0.22f * s,
                    COMP_REGION_LEG);
        int he = a ? SEGTEX_POSE_RIGHT_HEEL : SEGTEX_POSE_LEFT_HEEL, ft = a ? SEGTEX_POSE_RIGHT_FOOT_INDEX : SEGTEX_POSE_LEFT_FOOT_INDEX;
        if (ok[an] && ok[ft]) /* the foot: a shoe (clothes) or bare skin, colour decides */
            add_cap(p, ok[he] ? x[he] : x[an], ok[he] ? y[he] : y[an], x[ft], y[ft], 0.12f * s, COMP_REGION_LEG);
    }
    if (ok[lh] && ok[rh]) /* the hips: shorts, trousers, a skirt */
        add_cap(p, x[lh], y[lh], x[rh], y[rh], 0.3f * s, COMP_REGION_LEG);
    /* The neck ends at the shoulders' line (under a face found, or guessed above). */
    if (p->fw > 0) {
        float mx = 0.5f * (x[ls] + x[rs]), my = 0.5f * (y[ls] + y[rs]);
        float d = (mx - p->fcx) * -p->upx + (my - p->fcy) * -p->upy; /* from face centre, downwards */
        float ext = d - p->fh;                                         /* from the chin */
        if (ext > 0.2f * p->fh && ext < 1.6f * p->fh)
            face_neck(p, ext);
    }
}

static void add_hand(comp_person *p, const segtex_hand_landmarks *hd, int w, int h)
{
    static const int bones[][2] = {{0, 1},  {1, 2},   {2, 3},   {3, 4},   {0, 5},   {5, 6},   {6, 7},
                                   {7, 8},  {9, 10},  {10, 11}, {11, 12}, {13, 14}, {14, 15}, {15, 16},
                                   {0, 17}, {17, 18}, {18, 19}, {19, 20}, {5, 17},  {0, 9},   {0, 13}};
    float pw = hypotf((hd->xyz[5][0] - hd->xyz[17][0]) * w, (hd->xyz[5][1] - hd->xyz[17][1]) * h);
    float r = fmaxf(0.22f * pw, 1.0f);
    p->hands++;
    if (p->nwrists < 4)
        p->wrists[p->nwrists][0] = hd->xyz[9][0] * w, p->wrists[p->nwrists][1] = hd->xyz[9][1] * h, p->nwrists++;
    for (size_t b = 0; b < sizeof bones / sizeof bones[0]; b++) {
        const float *a = hd->xyz[bones[b][0]], *c = hd->xyz[bones[b][1]];
        add_cap(p, a[0] * w, a[1] * h, c[0] * w, c[1] * h, b >= 18 ? 0.45f * pw : r, COMP_REGION_HAND);
    }
    if (!p->has_face && !p->has_pose && !(p->scale > 0)) {
        p->cx = hd->xyz[9][0] * w, p->cy = hd->xyz[9][1] * h;
        p->scale = 3.0f * pw;
    }
}

/* The box holding every region of a person (the head ellipse, the polygons, the capsules). */
static void person_box(comp_person *p)
{
    float b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    if (p->fw > 0) {
        float r = 4.0f * fmaxf(p->fw, p->fh); /* the head and the column above it */
        b[0] = p->fcx - r, b[1] = p->fcy - r, b[2] = p->fcx + r, b[3] = p->fcy + r;
    }
    const comp_poly *polys[] = {&p->oval, &p->torso, &p->neck};
    for (int k = 0; k < 3; k++)
        if (polys[k]->n >= 3) {
            b[0] = fminf(b[0], polys[k]->xmin), b[1] = fminf(b[1], polys[k]->ymin);
            b[2] = fmaxf(b[2], polys[k]->xmax), b[3] = fmaxf(b[3], polys[k]->ymax);
        }
    for (int i = 0; i < p->ncaps; i++) {
        const comp_capsule *c = &p->caps[i];
        b[0] = fminf(b[0], fminf(c->ax, c->bx) - c->r), b[1] = fminf(b[1], fminf(c->ay, c->by) - c->r);
        b[2] = fmaxf(b[2], fmaxf(c->ax, c->bx) + c->r), b[3] = fmaxf(b[3], fmaxf(c->ay, c->by) + c->r);
    }
    for (int i = 0; i < p->nwrists; i++) {
        float r = 0.8f * p->scale;
        b[0] = fminf(b[0], p->wrists[i][0] - r), b[1] = fminf(b[1], p->wrists[i][1] - r);
        b[2] = fmaxf(b[2], p->wrists[i][0] + r), b[3] = fmaxf(b[3], p->wrists[i][1] + r);
    }
    memcpy(p->box, b, sizeof b);
}

/*
 * A torso guessed under a face mesh, for a person with no pose (`segtex run` without --pose, the default; a pose
 * lost for a frame): the shoulders' joints GUESS_A half widths either side of the face's axis and GUESS_B half
 * heights under its centre, then the torso from them as from a pose's (torso_from_shoulders). Under the 14
 * labelled photos' meshes the poses' shoulders lie 1.9 half widths out (1.4 to 2.9) and 1.6 half heights down (0.8
 * to 2.2); a little narrower and lower is steadier, for a close-up's clothes are learned from the torso's visible
 * top only when the frame cuts it high (composite_colour.c, CUT_MIN): 20 cases as one-frame `segtex run` clips,
 * mIoU4 0.6695 without a torso, 0.6721 at (1.9, -1.6), 0.6759 to 0.6816 at -1.6 for widths 1.6 to 2.05, 0.6889 to
 * 0.7003 at -1.9 (0.7110 with the lite pose's torso and arms).
 */
#define GUESS_A 1.75f
#define GUESS_B -1.9f
static void guess_torso(comp_person *p)
{
    float lx, ly, rx, ry;
    comp_frame_pt(p, GUESS_A, GUESS_B, &lx, &ly);
    comp_frame_pt(p, -GUESS_A, GUESS_B, &rx, &ry);
    torso_from_shoulders(p, lx, ly, rx, ry, fmaxf(hypotf(lx - rx, ly - ry), p->scale));
}

int comp_people_build(const segtex_people *people, int w, int h, comp_person *out)
{
    int n = 0;
    const segtex_face_result *fr = people ? people->faces : NULL;
    const segtex_hand_result *hr = people ? people->hands : NULL;
    for (int f = 0; fr && f < fr->count && f < SEGTEX_MAX_FACES && n < COMP_MAX_PEOPLE; f++) {
        if (fr->faces[f].count < SEGTEX_MESH_MESH_COUNT)
            continue;
        memset(&out[n], 0, sizeof out[n]);
        add_face(&out[n], &fr->faces[f], w, h);
        if (out[n].has_face)
            n++;
    }
    for (int q = 0; q < segtex_people_pose_count(people); q++) {
        /* each pose belongs to the face nearest its nose (one pose a face), or is a person of its own */
        const segtex_pose_result *pr = &people->pose[q];
        if (pr->count <= 0)
            continue;
        float nx = pr->landmarks[0][0] * w, ny = pr->landmarks[0][1] * h;
        int best = -1;
        float bd = INFINITY;
        for (int i = 0; i < n; i++) {
            if (!out[i].has_face || out[i].has_pose)
                continue;
            float d = hypotf(out[i].fcx - nx, out[i].fcy - ny) / out[i].fw;
            if (d < bd)
                bd = d, best = i;
        }
        if (best < 0 || bd > 1.5f) {
            if (n < COMP_MAX_PEOPLE) {
                memset(&out[n], 0, sizeof out[n]);
                best = n++;
            } else {
                best = -1;
            }
        }
        if (best >= 0)
            add_pose(&out[best], pr, w, h);
        if (best >= 0 && !out[best].has_face && !out[best].has_pose)
            n--; /* a pose without shoulders adds nobody */
    }
    /* A torso guessed over another person's face is not that person's (a video call's grid of faces, each framed
     * at the neck: the torso under an upper face reaches the one below; 0.495 and face skin 0.45 on the grid
     * variant with it). */
    for (int i = 0; i < n; i++) {
        if (!out[i].has_face || out[i].has_pose)
            continue;
        guess_torso(&out[i]);
        for (int j = 0; j < n && out[i].torso.n == 4; j++) {
            float cx, cy;
            if (j == i || !out[j].has_face)
                continue;
            comp_frame_pt(&out[j], 0.0f, -1.0f, &cx, &cy); /* its chin */
            if (comp_poly_inside(&out[i].torso, out[j].fcx, out[j].fcy) || comp_poly_inside(&out[i].torso, cx, cy))
                out[i].torso.n = 0;
        }
    }
    for (int k = 0; hr && k < hr->count && k < SEGTEX_MAX_HANDS; k++) { /* a hand to the nearest person */
        const segtex_hand_landmarks *hd = &hr->hands[k];
        float hx = hd->xyz[0][0] * w, hy = hd->xyz[0][1] * h;
        int best = -1;
        float bd = INFINITY;
        for (int i = 0; i < n; i++) {
            float d = hypotf(out[i].cx - hx, out[i].cy - hy) / fmaxf(out[i].scale, 1.0f);
            if (d < bd)
                bd = d, best = i;
        }
        if (best < 0 && n < COMP_MAX_PEOPLE) {
            memset(&out[n], 0, sizeof out[n]);
            best = n++;
        }
        if (best >= 0)
            add_hand(&out[best], hd, w, h);
    }
    for (int i = 0; i < n; i++)
        person_box(&out[i]), out[i].hue = 1.0f;
    return n;
}

float comp_seg_dist2(float ax, float ay, float bx, float by, float x, float y)
{
    float vx = bx - ax, vy = by - ay, wx = x - ax, wy = y - ay;
    float l2 = vx * vx + vy * vy, t = l2 > 0 ? (wx * vx + wy * vy) / l2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    float dx = wx - t * vx, dy = wy - t * vy;
    return dx * dx + dy * dy;
}

/* A length from its two sides, for comp_prior's per-block distances (hypotf guards against overflow, which
 * image distances never near, and is a call). */
static inline float hypot2(float dx, float dy) { return sqrtf(dx * dx + dy * dy); }

/* Inside a capsule: its box first (most capsules are far; the distance costs a division). */
static int in_cap(const comp_capsule *c, float x, float y)
{
    if (x < comp_min(c->ax, c->bx) - c->r || x > comp_max(c->ax, c->bx) + c->r || y < comp_min(c->ay, c->by) - c->r ||
        y > comp_max(c->ay, c->by) + c->r)
        return 0;
    return comp_seg_dist2(c->ax, c->ay, c->bx, c->by, x, y) <= c->r * c->r;
}

int comp_prior(const comp_person *p, float x, float y, float lp[COMP_K], float *dist)
{
    int region = COMP_REGION_BODY, arm_too = 0, lp_set = 0; /* lp_set: the body's odds already adjusted below */
    *dist = 0;
    /* Face frame coordinates: b up from the face's centre (in half heights), a across (in half widths). */
    const float dx = x - p->fcx, dy = y - p->fcy, b = p->fw > 0 ? frame_up(p, dx, dy) : 0.0f,
                a = p->fw > 0 ? frame_across(p, dx, dy) : 0.0f;
    if (x < p->box[0] || y < p->box[1] || x > p->box[2] || y > p->box[3])
        goto outside;
    for (int i = 0; i < p->ncaps; i++)
        if (p->caps[i].kind == COMP_REGION_HAND && in_cap(&p->caps[i], x, y)) {
            region = COMP_REGION_HAND;
            goto done;
        }
    if (p->fw > 0) {
        if (p->has_face && comp_poly_inside(&p->oval, x, y)) {
            region = comp_poly_inside(&p->eyes[0], x, y) || comp_poly_inside(&p->eyes[1], x, y) ||
                             comp_poly_inside(&p->brows[0], x, y) || comp_poly_inside(&p->brows[1], x, y) ||
                             comp_poly_inside(&p->lips, x, y)
                         ? COMP_REGION_FEATURE
                         : b < p->brow_b ? COMP_REGION_CHEEKS : COMP_REGION_FACE;
            goto done;
        }
        if (!p->has_face && a * a + b * b <= 1.0f) { /* a face guessed from the pose: colour decides */
            region = COMP_REGION_FOREHEAD;
            goto done;
        }
        if (comp_poly_inside(&p->neck, x, y)) { /* under the jaw: before the head's ellipse */
            region = b > -1.0f ? COMP_REGION_JAW : COMP_REGION_NECK;
            goto done;
        }
        /* The forehead up to the hairline: the oval continued upwards by a third of its height. */
        if (p->has_face && b > 0.4f && a * a + (b - 0.4f) * (b - 0.4f) / (0.95f * 0.95f) <= 0.85f * 0.85f) {
            region = COMP_REGION_FOREHEAD;
            goto done;
        }
        /* The head: an ellipse around the face, higher than wide; not under the jaw. A turned head's
         * reaches back past its ears (`back`), its front edge where a frontal head's is. */
        float hb = b - 0.5f, ha = (a - p->back) / (1.8f + fabsf(p->back));
        /* ... and the column above it: what the person mask holds over a head is hair (or a hat),
         * unless an arm is raised there. */
        int column = b > 0.5f && b < 4.0f && fabsf(a - p->back) < 1.5f + fabsf(p->back);
        for (int i = 0; column && i < p->ncaps; i++)
            column = !(p->caps[i].kind == COMP_REGION_ARM && in_cap(&p->caps[i], x, y));
        /* behind a turned head's ears, the skull stops about level with them (the neck is under it) */
        float bmin = p->back * a > 1.8f * fabsf(p->back) ? 0.0f : -0.7f;
        if ((b > bmin && ha * ha + hb * hb / (1.95f * 1.95f) <= 1.0f) || column) {
            /* beside the face below the brows: even odds of hair; beside a turned face, measured from where
             * its neck is (half its skull's offset back), so that in front of its profile is beside it too */
            region = p->has_face && b < p->brow_b && fabsf(a - 0.5f * p->back) > 0.6f ? COMP_REGION_HEAD_SIDE
                                                                                       : COMP_REGION_HEAD;
            /* ... where a forearm raised to the face (a hand on the cheek or the chin) passes too: see `done` */
            if (region == COMP_REGION_HEAD_SIDE)
                for (int i = 0; i < p->ncaps && !arm_too; i++)
                    arm_too = p->caps[i].kind == COMP_REGION_ARM && in_cap(&p->caps[i], x, y);
            goto done;
        }
    }
    for (int i = 0; i < p->ncaps; i++)
        if (p->caps[i].kind == COMP_REGION_ARM && in_cap(&p->caps[i], x, y)) {
            region = COMP_REGION_ARM;
            goto done;
        }
    /* Above the clothes' top edge (the shoulders raised) and between the shoulders: the head, whatever the
     * face frame missed (the back of a turned head, a face the mesh did not find). */
    if (p->has_pose && p->torso.n == 4 && p->fw > 0) {
        float lx = p->torso.x[1] - p->torso.x[0], ly = p->torso.y[1] - p->torso.y[0], l2 = lx * lx + ly * ly;
        float t = ((x - p->torso.x[0]) * lx + (y - p->torso.y[0]) * ly) / comp_max(l2, 1.0f);
        float up = (x - p->torso.x[0]) * p->upx + (y - p->torso.y[0]) * p->upy; /* along the face's up */
        float up1 = (x - p->torso.x[1]) * p->upx + (y - p->torso.y[1]) * p->upy;
        if (t > -0.1f && t < 1.1f && up > 0 && up1 > 0) {
            region = COMP_REGION_HEAD;
            goto done;
        }
    }
    if (comp_poly_inside(&p->torso, x, y)) {
        region = COMP_REGION_TORSO;
        goto done;
    }
    for (int i = 0; i < p->ncaps; i++)
        if (p->caps[i].kind == COMP_REGION_LEG && in_cap(&p->caps[i], x, y)) {
            region = COMP_REGION_LEG;
            goto done;
        }
    float dw = INFINITY; /* to the nearest hand, in body scales */
    for (int i = 0; i < p->nwrists; i++)
        dw = comp_min(dw, hypot2(x - p->wrists[i][0], y - p->wrists[i][1]) / comp_max(p->scale, 1.0f));
    if (dw < 0.8f) {
        region = COMP_REGION_NEAR_HAND;
        goto done;
    }
    /* A held object reaches past the hand's neighbourhood, but the farther from every hand, the less
     * likely an unexplained colour is an object (a shadow, a shoe, trousers the torso did not show). */
    memcpy(lp, region_prior[region], sizeof(float) * COMP_K);
    lp[COMP_OTHERS] -= 1.5f * comp_min((dw - 0.8f) / 0.8f, 1.0f);
    /* Hair hangs to the shoulders, rarely to the hips: far below the face, a dark colour is a shadow. */
    if (p->fw > 0 && b < -HAIR_REACH)
        lp[COMP_HAIR] = -4.0f;
    lp_set = 1;
    /* Elsewhere: how far from the person, horizontally mostly (a body hangs below its face). */
outside: {
        float dx = x - p->cx, dy = y - p->cy;
        dy = dy > 0 ? 0.3f * dy : dy;
        *dist = 0.1f + hypot2(dx, dy) / comp_max(p->scale, 1.0f);
    }
done:
    if (!lp_set)
        memcpy(lp, region_prior[region], sizeof(float) * COMP_K);
    /* Beside the face and on an arm's capsule: either region's explanation holds (hair hanging, or the forearm),
     * each category at the likelier of its two odds; with a hand found, a bare arm's (sleeves at the arm's odds, as
     * below). Skin there is the forearm's, not a cheek wider than the mesh: face skin at the arm's odds (at the
     * head's, the face's tighter colour model took the hand on webcam2's cheek; at the arm's, webcam +0.004,
     * webcam2 +0.006, the greyscale footballer +0.005, nothing lower). The ears' odds below still hold. */
    for (int k = 0; arm_too && k < COMP_K; k++) {
        float arm = region_prior[COMP_REGION_ARM][k == COMP_CLOTHES && p->hands ? COMP_BODY : k];
        lp[k] = k == COMP_FACE ? arm : comp_max(lp[k], arm);
    }
    /* Over a face mesh's top by more than FACE_TOP half heights nothing is face skin, however skin-coloured (a
     * straw hat, a bald crown, a raised hand's skin tone in the head's column): the highest forehead of the
     * labelled photos ends under 1.6, and face skin painted above 1.4 was all wrong (Lena's hat, 5,353 pixels). */
    if (region == COMP_REGION_HEAD && p->has_face && b > FACE_TOP)
        lp[COMP_FACE] = comp_min(lp[COMP_FACE], region_prior[COMP_REGION_TORSO][COMP_FACE]);
    /* Long hair hangs over the shoulders and the chest: within its reach, the torso is as likely to hold
     * hair as the rest of the body is, and colour decides (further down, a dark colour is clothes). */
    if (region == COMP_REGION_TORSO && p->fw > 0 && b > -HAIR_REACH)
        lp[COMP_HAIR] = region_prior[COMP_REGION_BODY][COMP_HAIR];
    /* A person whose hand the hand landmarker found: a bare hand, so skin or sleeve at even odds on the
     * arms, and colour decides (without one, sleeves are likelier: the arm's prior). */
    if (region == COMP_REGION_ARM && p->hands)
        lp[COMP_CLOTHES] = lp[COMP_BODY];
    /* Around and under the neck's bottom the torso's top is a neckline: the neck's base beside the neck's box,
     * a V-neck's or an open collar's bare chest. NL_W half widths either side of the neck's middle above the
     * neck's bottom (up to the torso's raised top), narrowing below it to a point NL_D half heights lower;
     * there skin is at e^NL_BODY against the shirt's e^1.5 (the torso's e^-3 made a bare chest clothes
     * whatever its colour), and colour decides. */
    if (region == COMP_REGION_TORSO && p->fw > 0 && p->neck_b < 0) {
        float d = p->neck_b - b, ac = 0.5f * (p->neck_a[0] + p->neck_a[1]);
        float hw = NL_W * (1.0f - comp_max(d, 0.0f) / NL_D);
        if (d < NL_D && fabsf(a - ac) < hw)
            lp[COMP_BODY] = NL_BODY;
    }
    /* The ears: the head's side or its hair, but skin-coloured there is an ear (the face's, as MediaPipe's);
     * hair hanging over them is unlike skin and stays hair. Only as far as colour tells them apart (from the
     * region's odds toward the ear's by the frame's hue): on a greyscale frame blond hair over the ears has the
     * face's luma. */
    if ((region == COMP_REGION_HEAD_SIDE || region == COMP_REGION_HEAD) && p->ears)
        for (int k = 0; k < 2; k++) {
            float ea = (a - p->ear[k][0]) / EAR_RA, eb = (b - p->ear[k][1]) / EAR_RB;
            if (ea * ea + eb * eb <= 1.0f)
                lp[COMP_FACE] += p->hue * (EAR_FACE - lp[COMP_FACE]), lp[COMP_HAIR] -= p->hue * lp[COMP_HAIR];
        }
    /* A bare torso (a bare chest, a turned person's bare shoulder): over the body skin is as likely as clothes, and
     * colour decides (the person's clothes model is then learned only from what is unlike their skin). So too where
     * the torso shows no clothes (a close-up's torso below the frame, a bare chest in shade under long hair): nothing
     * says the body is clothed, and skin's colour model, gated on hue, still tells a shirt from skin (webcam and
     * webcam2 +0.032 / +0.027: their shaded chests and bare shoulders were clothes at the torso's odds). */
    if ((p->bare || p->unseen) &&
        (region == COMP_REGION_TORSO || region == COMP_REGION_BODY || region == COMP_REGION_ARM))
        lp[COMP_BODY] = comp_max(lp[COMP_BODY], lp[COMP_CLOTHES]);
    /* Under a face guessed from the pose, where the chin is is a guess too: the neck's skin or a collar (a
     * head turned away shows its collar) at even odds, and colour decides. */
    if (region == COMP_REGION_NECK && !p->has_face)
        lp[COMP_BODY] = lp[COMP_CLOTHES];
    return region;
}
