/*
 * Preview window through SDL2. This file is the only one that includes SDL
 * headers.
 *
 * A window owns an SDL window (shrunk to fit the display), a renderer
 * (accelerated when one works, SDL's software renderer otherwise), a
 * streaming RGB24 texture for the frame, a DejaVu TrueType font through
 * SDL_ttf when it opens, and a static glyph atlas built once from the bitmap
 * font below as the fallback. show() uploads the caller's frame into the
 * texture (never writing to the frame), draws it letterboxed into the
 * window, then the legend and the status line at the window's resolution.
 * The frame texture is re-created only when the frame size changes, the
 * text textures only when their text or size changes, so steady-state
 * show() allocates nothing of ours.
 *
 * Keys reach the application through SDL's event queue, real or pushed by
 * segtex_window_push_key alike; every call that pumps events routes the key
 * presses to their window's small ring of pending keys.
 *
 * Threading: SDL's video functions must be called from one thread (on most
 * platforms the main thread), so every segtex_window_* call must come from the
 * thread that opened the windows. The table of open windows below relies on
 * that and has no lock.
 */
#include "segtex/io.h"
#include "core/log.h"
#include "io/window_font.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_RING 32    /* pending keys per window; further presses are dropped */
#define MAX_WINDOWS 8  /* open at once; events are routed between them */
#define MAX_SIDE 16384
#define FIRST_GLYPH 32
#define GLYPH_COUNT 95 /* printable ASCII 32..126 */
#define MAX_LEGEND 16  /* legend entries kept */
#define LABEL_MAX 64   /* bytes of a legend label kept, with its terminator */
#define STATUS_MAX 1024

/* Fonts tried for the text, in order (Debian fonts-dejavu-core); the built-in 5x7 font otherwise. */
static const char *const font_paths[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
};

struct segtex_window {
    SDL_Window *window;
    SDL_Renderer *renderer;
    Uint32 id;            /* SDL's window id, for routing events */
    int video_inited;     /* this window holds one reference on SDL's video subsystem */
    SDL_Texture *frame;   /* streaming RGB24, frame_w x frame_h; NULL before the first show */
    int frame_w, frame_h;
    SDL_Texture *glyphs;  /* GLYPH_COUNT cells side by side, white with alpha */
    int keys[KEY_RING];   /* ring of pending keys: key_count entries from key_head */
    int key_head, key_count;
    int close_requested;  /* the window was closed by the user: report SEGTEX_KEY_CLOSE once */
    int ttf_inited;       /* this window holds one reference on SDL_ttf */
    TTF_Font *font;       /* NULL: the built-in bitmap font */
    int font_px;          /* the size `font` is set to */
    /* The status line, rendered once per change of text, size or wrap width. */
    SDL_Texture *status_tex;
    char status_text[STATUS_MAX];
    int status_px, status_wrap, status_w, status_h;
    /* The legend (segtex_window_set_legend): copied entries, label textures per font size. */
    int legend_count;
    char legend_label[MAX_LEGEND][LABEL_MAX];
    uint8_t legend_rgb[MAX_LEGEND][3];
    SDL_Texture *legend_tex[MAX_LEGEND];
    int legend_w[MAX_LEGEND], legend_h[MAX_LEGEND];
    int legend_px; /* size the label textures were made at; 0: none made */
};

/* Open windows (set and read on the SDL thread only, see the top comment). */
static segtex_window *open_windows[MAX_WINDOWS];

/* ---- bitmap font ------------------------------------------------------------ */

/*
 * 5x7 glyphs for ASCII 32..126, one byte per row from the top; bit 4 is the
 * leftmost pixel. Lower-case descenders (g j p q y) sit inside the 7 rows, in
 * the manner of character LCDs, so a cell stays 6x8.
 */
static const uint8_t font5x7[GLYPH_COUNT][7] = {
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}, /* ' ' */
    {0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x04}, /* ! */
    {0x0A, 0x0A, 0x0A, 0x00, 0x00, 0x00, 0x00}, /* " */
    {0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A}, /* # */
    {0x04, 0x0F, 0x14, 0x0E, 0x05, 0x1E, 0x04}, /* $ */
    {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03}, /* % */
    {0x0C, 0x12, 0x14, 0x08, 0x15, 0x12, 0x0D}, /* & */
    {0x0C, 0x04, 0x08, 0x00, 0x00, 0x00, 0x00}, /* ' */
    {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02}, /* ( */
    {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08}, /* ) */
    {0x00, 0x04, 0x15, 0x0E, 0x15, 0x04, 0x00}, /* * */
    {0x00, 0x04, 0x04, 0x1F, 0x04, 0x04, 0x00}, /* + */
    {0x00, 0x00, 0x00, 0x00, 0x0C, 0x04, 0x08}, /* , */
    {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00}, /* - */
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C}, /* . */
    {0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00}, /* / */
    {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}, /* 0 */
    {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}, /* 1 */
    {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}, /* 2 */
    {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}, /* 3 */
    {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}, /* 4 */
    {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}, /* 5 */
    {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}, /* 6 */
    {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}, /* 7 */
    {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}, /* 8 */
    {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}, /* 9 */
    {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00}, /* : */
    {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x04, 0x08}, /* ; */
    {0x02, 0x04, 0x08, 0x10, 0x08, 0x04, 0x02}, /* < */
    {0x00, 0x00, 0x1F, 0x00, 0x1F, 0x00, 0x00}, /* = */
    {0x08, 0x04, 0x02, 0x01, 0x02, 0x04, 0x08}, /* > */
    {0x0E, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04}, /* ? */
    {0x0E, 0x11, 0x01, 0x0D, 0x15, 0x15, 0x0E}, /* @ */
    {0x0E, 0x11, 0x11, 0x11, 0x1F, 0x11, 0x11}, /* A */
    {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E}, /* B */
    {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}, /* C */
    {0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C}, /* D */
    {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F}, /* E */
    {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10}, /* F */
    {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F}, /* G */
    {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}, /* H */
    {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E}, /* I */
    {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C}, /* J */
    {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}, /* K */
    {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F}, /* L */
    {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11}, /* M */
    {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}, /* N */
    {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}, /* O */
    {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10}, /* P */
    {0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D}, /* Q */
    {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11}, /* R */
    {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E}, /* S */
    {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}, /* T */
    {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}, /* U */
    {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04}, /* V */
    {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A}, /* W */
    {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11}, /* X */
    {0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04}, /* Y */
    {0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F}, /* Z */
    {0x0E, 0x08, 0x08, 0x08, 0x08, 0x08, 0x0E}, /* [ */
    {0x00, 0x10, 0x08, 0x04, 0x02, 0x01, 0x00}, /* \ */
    {0x0E, 0x02, 0x02, 0x02, 0x02, 0x02, 0x0E}, /* ] */
    {0x04, 0x0A, 0x11, 0x00, 0x00, 0x00, 0x00}, /* ^ */
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1F}, /* _ */
    {0x08, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00}, /* ` */
    {0x00, 0x00, 0x0E, 0x01, 0x0F, 0x11, 0x0F}, /* a */
    {0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x1E}, /* b */
    {0x00, 0x00, 0x0E, 0x10, 0x10, 0x11, 0x0E}, /* c */
    {0x01, 0x01, 0x0D, 0x13, 0x11, 0x11, 0x0F}, /* d */
    {0x00, 0x00, 0x0E, 0x11, 0x1F, 0x10, 0x0E}, /* e */
    {0x06, 0x09, 0x08, 0x1C, 0x08, 0x08, 0x08}, /* f */
    {0x00, 0x00, 0x0F, 0x11, 0x0F, 0x01, 0x0E}, /* g */
    {0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x11}, /* h */
    {0x04, 0x00, 0x0C, 0x04, 0x04, 0x04, 0x0E}, /* i */
    {0x02, 0x00, 0x06, 0x02, 0x02, 0x12, 0x0C}, /* j */
    {0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12}, /* k */
    {0x0C, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E}, /* l */
    {0x00, 0x00, 0x1A, 0x15, 0x15, 0x11, 0x11}, /* m */
    {0x00, 0x00, 0x16, 0x19, 0x11, 0x11, 0x11}, /* n */
    {0x00, 0x00, 0x0E, 0x11, 0x11, 0x11, 0x0E}, /* o */
    {0x00, 0x00, 0x1E, 0x11, 0x1E, 0x10, 0x10}, /* p */
    {0x00, 0x00, 0x0D, 0x13, 0x0F, 0x01, 0x01}, /* q */
    {0x00, 0x00, 0x16, 0x19, 0x10, 0x10, 0x10}, /* r */
    {0x00, 0x00, 0x0E, 0x10, 0x0E, 0x01, 0x1E}, /* s */
    {0x08, 0x08, 0x1C, 0x08, 0x08, 0x09, 0x06}, /* t */
    {0x00, 0x00, 0x11, 0x11, 0x11, 0x13, 0x0D}, /* u */
    {0x00, 0x00, 0x11, 0x11, 0x11, 0x0A, 0x04}, /* v */
    {0x00, 0x00, 0x11, 0x11, 0x15, 0x15, 0x0A}, /* w */
    {0x00, 0x00, 0x11, 0x0A, 0x04, 0x0A, 0x11}, /* x */
    {0x00, 0x00, 0x11, 0x11, 0x0F, 0x01, 0x0E}, /* y */
    {0x00, 0x00, 0x1F, 0x02, 0x04, 0x08, 0x1F}, /* z */
    {0x02, 0x04, 0x04, 0x08, 0x04, 0x04, 0x02}, /* { */
    {0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}, /* | */
    {0x08, 0x04, 0x04, 0x02, 0x04, 0x04, 0x08}, /* } */
    {0x00, 0x00, 0x08, 0x15, 0x02, 0x00, 0x00}, /* ~ */
};

static int glyph_index(unsigned char c)
{
    if (c < FIRST_GLYPH || c >= FIRST_GLYPH + GLYPH_COUNT)
        c = '?';
    return c - FIRST_GLYPH;
}

int segtex_font_draw(uint8_t *rgb, int width, int height, ptrdiff_t stride, int x, int y,
                     const char *text, const uint8_t color[3])
{
    int advance = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        const uint8_t *rows = font5x7[glyph_index(*p)];
        int x0 = x + advance;
        advance += SEGTEX_FONT_CELL_W;
        if (x0 >= width || x0 + 5 <= 0 || y >= height || y + 7 <= 0)
            continue; /* wholly outside; keep counting the advance */
        for (int r = 0; r < 7; r++) {
            int py = y + r;
            if (py < 0 || py >= height)
                continue;
            uint8_t *row = rgb + (ptrdiff_t)py * stride;
            for (int c = 0; c < 5; c++) {
                int px = x0 + c;
                if (px < 0 || px >= width || !(rows[r] & (0x10 >> c)))
                    continue;
                memcpy(row + (ptrdiff_t)px * 3, color, 3);
            }
        }
    }
    return advance;
}

/* ---- keys and events -------------------------------------------------------- */

static segtex_window *window_by_id(Uint32 id)
{
    segtex_window *first = NULL;
    for (int i = 0; i < MAX_WINDOWS; i++) {
        segtex_window *w = open_windows[i];
        if (!w)
            continue;
        if (w->id == id)
            return w;
        if (!first)
            first = w;
    }
    /* Some drivers leave windowID 0 on keyboard events: give those to a window. */
    return id == 0 ? first : NULL;
}

/*
 * The key a press stands for, or 0 when it is none that segtex_window_poll_key
 * reports. What a key does is the application's business: this only names it.
 */
static int translate_key(const SDL_KeyboardEvent *k)
{
    if (k->repeat || (k->keysym.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI)))
        return 0;
    SDL_Keycode sym = k->keysym.sym;
    if (sym >= 32 && sym < 127)
        return (int)sym; /* SDL's keycodes of printable keys are their (lower-case) characters */
    switch (sym) {
    case SDLK_ESCAPE: return SEGTEX_KEY_ESCAPE;
    case SDLK_RETURN:
    case SDLK_KP_ENTER: return SEGTEX_KEY_RETURN;
    case SDLK_TAB: return SEGTEX_KEY_TAB;
    case SDLK_BACKSPACE: return SEGTEX_KEY_BACKSPACE;
    case SDLK_LEFT: return SEGTEX_KEY_LEFT;
    case SDLK_RIGHT: return SEGTEX_KEY_RIGHT;
    case SDLK_UP: return SEGTEX_KEY_UP;
    case SDLK_DOWN: return SEGTEX_KEY_DOWN;
    default: return 0;
    }
}

static void ring_push(segtex_window *w, int key)
{
    if (w->key_count == KEY_RING) {
        LOG_DEBUG("window: %d keys pending, dropping '%c'", KEY_RING, key);
        return;
    }
    w->keys[(w->key_head + w->key_count) % KEY_RING] = key;
    w->key_count++;
}

/* Drain SDL's event queue, routing key presses and close requests to their window. */
static void pump_events(void)
{
    SDL_Event ev;
    while (SDL_PollEvent(&ev)) {
        segtex_window *w;
        switch (ev.type) {
        case SDL_KEYDOWN: {
            int key = translate_key(&ev.key);
            if (key && (w = window_by_id(ev.key.windowID)))
                ring_push(w, key);
            break;
        }
        case SDL_WINDOWEVENT:
            if (ev.window.event == SDL_WINDOWEVENT_CLOSE && (w = window_by_id(ev.window.windowID)))
                w->close_requested = 1;
            break;
        case SDL_QUIT:
            /* The last window was closed (SDL also sends this on SIGINT when
             * it owns signals, which we ask it not to). */
            for (int i = 0; i < MAX_WINDOWS; i++)
                if (open_windows[i])
                    open_windows[i]->close_requested = 1;
            break;
        default:
            break;
        }
    }
}

int segtex_window_poll_key(segtex_window *win)
{
    if (!win)
        return 0;
    pump_events();
    if (win->close_requested) {
        win->close_requested = 0;
        return SEGTEX_KEY_CLOSE;
    }
    if (win->key_count == 0)
        return 0;
    int key = win->keys[win->key_head];
    win->key_head = (win->key_head + 1) % KEY_RING;
    win->key_count--;
    return key;
}

void segtex_window_push_key(segtex_window *win, int key)
{
    if (!win)
        return;
    SDL_Keycode sym;
    switch (key) {
    case SEGTEX_KEY_ESCAPE: sym = SDLK_ESCAPE; break;
    case SEGTEX_KEY_RETURN: sym = SDLK_RETURN; break;
    case SEGTEX_KEY_TAB: sym = SDLK_TAB; break;
    case SEGTEX_KEY_BACKSPACE: sym = SDLK_BACKSPACE; break;
    case SEGTEX_KEY_LEFT: sym = SDLK_LEFT; break;
    case SEGTEX_KEY_RIGHT: sym = SDLK_RIGHT; break;
    case SEGTEX_KEY_UP: sym = SDLK_UP; break;
    case SEGTEX_KEY_DOWN: sym = SDLK_DOWN; break;
    default:
        if (key >= 'A' && key <= 'Z')
            sym = key - 'A' + 'a';
        else if (key >= 32 && key < 127)
            sym = key; /* SDL keycodes of printable ASCII keys are the characters */
        else {
            LOG_WARNING("window: cannot push key code %d", key);
            return;
        }
    }
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_KEYDOWN;
    ev.key.timestamp = SDL_GetTicks();
    ev.key.windowID = win->id;
    ev.key.state = SDL_PRESSED;
    ev.key.keysym.sym = sym;
    ev.key.keysym.scancode = SDL_GetScancodeFromKey(sym);
    if (SDL_PushEvent(&ev) < 0)
        LOG_WARNING("window: cannot push key %d: %s", key, SDL_GetError());
}

/* ---- open, close ------------------------------------------------------------ */

/*
 * Start SDL's video on a real display. Left to itself SDL 2.26 falls back
 * to its "offscreen" driver when no display answers (DISPLAY=:99 with no X
 * server), and the window would silently show nothing. So, unless the
 * application or the user chose a driver (SDL_VIDEODRIVER, e.g. "dummy" in
 * tests), only drivers for a display that is named in the environment are
 * tried (Wayland, X11), then KMSDRM (a bare console); none: one error line.
 */
static segtex_status start_video(const char *title)
{
    const char *chosen = SDL_getenv("SDL_VIDEODRIVER");
    if (!chosen || !*chosen)
        chosen = SDL_GetHint(SDL_HINT_VIDEODRIVER);
    const char *display = SDL_getenv("DISPLAY"), *wayland = SDL_getenv("WAYLAND_DISPLAY");
    char drivers[64] = "";
    if (!chosen || !*chosen) {
        snprintf(drivers, sizeof drivers, "%s%sKMSDRM", wayland && *wayland ? "wayland," : "",
                 display && *display ? "x11," : "");
        SDL_SetHint(SDL_HINT_VIDEODRIVER, drivers);
    }
    int failed = SDL_InitSubSystem(SDL_INIT_VIDEO) < 0;
    if (drivers[0])
        SDL_ResetHint(SDL_HINT_VIDEODRIVER);
    if (failed) {
        if (chosen && *chosen)
            LOG_ERROR("window '%s': cannot start SDL video driver '%s': %s", title, chosen,
                      SDL_GetError());
        else if (display && *display)
            LOG_ERROR("window '%s': no display: nothing answers at DISPLAY '%s'%s (set "
                      "SDL_VIDEODRIVER=dummy to run without one)",
                      title, display, wayland && *wayland ? " nor at WAYLAND_DISPLAY" : "");
        else
            LOG_ERROR("window '%s': no display: %s (set SDL_VIDEODRIVER=dummy to run without one)",
                      title, wayland && *wayland ? "nothing answers at WAYLAND_DISPLAY"
                                                 : "neither DISPLAY nor WAYLAND_DISPLAY is set");
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    const char *got = SDL_GetCurrentVideoDriver();
    if (got && (!strcmp(got, "offscreen") || !strcmp(got, "dummy")) &&
        !(chosen && SDL_strcasestr(chosen, got))) {
        LOG_ERROR("window '%s': no display: SDL could only start its '%s' driver, which shows "
                  "nothing",
                  title, got);
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    return SEGTEX_OK;
}

/* Shrink a window larger than the first display's usable area to fit it, keeping the aspect. */
static void fit_to_display(int *w, int *h)
{
    SDL_Rect b;
    if (SDL_GetDisplayUsableBounds(0, &b) != 0 || b.w <= 0 || b.h <= 0)
        return;
    if (*w <= b.w && *h <= b.h)
        return;
    double s = (double)b.w / *w < (double)b.h / *h ? (double)b.w / *w : (double)b.h / *h;
    int nw = (int)(*w * s), nh = (int)(*h * s);
    LOG_DEBUG("window: %dx%d does not fit the %dx%d display: opening %dx%d", *w, *h, b.w, b.h,
              nw, nh);
    *w = nw > 1 ? nw : 1;
    *h = nh > 1 ? nh : 1;
}

/* The TrueType font for the text, or the built-in font when SDL_ttf or the file is missing. */
static void open_font(segtex_window *win)
{
    if (TTF_Init() != 0) {
        LOG_DEBUG("window: SDL_ttf does not start (%s): using the built-in font", TTF_GetError());
        return;
    }
    win->ttf_inited = 1;
    for (size_t i = 0; i < sizeof font_paths / sizeof font_paths[0] && !win->font; i++)
        win->font = TTF_OpenFont(font_paths[i], 14);
    if (!win->font) {
        LOG_DEBUG("window: no DejaVu font (%s): using the built-in font", TTF_GetError());
        return;
    }
    win->font_px = 14;
}

/* Build the glyph atlas: GLYPH_COUNT 6x8 cells, white where set, transparent elsewhere. */
static segtex_status create_glyphs(segtex_window *win)
{
    enum { W = GLYPH_COUNT * SEGTEX_FONT_CELL_W, H = SEGTEX_FONT_CELL_H };
    uint8_t *rgb = segtex_calloc((size_t)W * H, 3);
    uint8_t *rgba = segtex_malloc((size_t)W * H * 4);
    segtex_status st = SEGTEX_ERROR_OUT_OF_MEMORY;
    if (!rgb || !rgba)
        goto done;
    char all[GLYPH_COUNT + 1];
    for (int i = 0; i < GLYPH_COUNT; i++)
        all[i] = (char)(FIRST_GLYPH + i);
    all[GLYPH_COUNT] = 0;
    static const uint8_t white[3] = {255, 255, 255};
    segtex_font_draw(rgb, W, H, W * 3, 0, 0, all, white);
    for (int i = 0; i < W * H; i++) {
        uint8_t on = rgb[i * 3];
        rgba[i * 4 + 0] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = 255;
        rgba[i * 4 + 3] = on;
    }
    st = SEGTEX_ERROR_INTERNAL;
    win->glyphs = SDL_CreateTexture(win->renderer, SDL_PIXELFORMAT_RGBA32,
                                    SDL_TEXTUREACCESS_STATIC, W, H);
    if (!win->glyphs || SDL_UpdateTexture(win->glyphs, NULL, rgba, W * 4) < 0 ||
        SDL_SetTextureBlendMode(win->glyphs, SDL_BLENDMODE_BLEND) < 0) {
        LOG_ERROR("window: cannot create the font texture: %s", SDL_GetError());
        goto done;
    }
    SDL_SetTextureScaleMode(win->glyphs, SDL_ScaleModeNearest); /* crisp whole-factor pixels */
    st = SEGTEX_OK;
done:
    segtex_free(rgb);
    segtex_free(rgba);
    return st;
}

segtex_status segtex_window_open(const char *title, int width, int height, segtex_window **out)
{
    *out = NULL;
    if (width <= 0 || height <= 0 || width > MAX_SIDE || height > MAX_SIDE) {
        LOG_ERROR("window: size %dx%d is outside 1..%d per side", width, height, MAX_SIDE);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    int slot = 0;
    while (slot < MAX_WINDOWS && open_windows[slot])
        slot++;
    if (slot == MAX_WINDOWS) {
        LOG_ERROR("window: %d windows are open already, at most %d supported", MAX_WINDOWS,
                  MAX_WINDOWS);
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    if (!title)
        title = "segtex";

    segtex_status st = SEGTEX_ERROR_OUT_OF_MEMORY;
    segtex_window *win = segtex_calloc(1, sizeof *win);
    if (!win)
        return st;

    /* The library installs no signal handlers behind the application's back:
     * Ctrl-C keeps its usual meaning instead of becoming an SDL_QUIT event. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    st = start_video(title);
    if (st)
        goto fail;
    win->video_inited = 1;
    fit_to_display(&width, &height);

    win->window = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, width,
                                   height, SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!win->window) {
        LOG_ERROR("window '%s': cannot create a %dx%d window with video driver '%s': %s", title,
                  width, height, SDL_GetCurrentVideoDriver(), SDL_GetError());
        st = SEGTEX_ERROR_UNSUPPORTED;
        goto fail;
    }
    win->id = SDL_GetWindowID(win->window);

    /* No vsync: show() must not wait for the display. */
    win->renderer = SDL_CreateRenderer(win->window, -1, SDL_RENDERER_ACCELERATED);
    if (!win->renderer) {
        LOG_DEBUG("window '%s': no accelerated renderer (%s); using the software one", title,
                  SDL_GetError());
        win->renderer = SDL_CreateRenderer(win->window, -1, SDL_RENDERER_SOFTWARE);
    }
    if (!win->renderer) {
        LOG_ERROR("window '%s': cannot create a renderer with video driver '%s': %s", title,
                  SDL_GetCurrentVideoDriver(), SDL_GetError());
        st = SEGTEX_ERROR_UNSUPPORTED;
        goto fail;
    }
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(win->renderer, &info) == 0)
        LOG_DEBUG("window '%s': video driver '%s', renderer '%s'", title,
                  SDL_GetCurrentVideoDriver(), info.name);

    st = create_glyphs(win);
    if (st)
        goto fail;
    open_font(win);

    open_windows[slot] = win;
    *out = win;
    return SEGTEX_OK;
fail:
    segtex_window_close(win);
    return st;
}

void segtex_window_close(segtex_window *win)
{
    if (!win)
        return;
    for (int i = 0; i < MAX_WINDOWS; i++)
        if (open_windows[i] == win)
            open_windows[i] = NULL;
    if (win->frame)
        SDL_DestroyTexture(win->frame);
    if (win->status_tex)
        SDL_DestroyTexture(win->status_tex);
    for (int i = 0; i < MAX_LEGEND; i++)
        if (win->legend_tex[i])
            SDL_DestroyTexture(win->legend_tex[i]);
    if (win->font)
        TTF_CloseFont(win->font);
    if (win->ttf_inited)
        TTF_Quit(); /* reference counted by SDL_ttf */
    if (win->glyphs)
        SDL_DestroyTexture(win->glyphs);
    if (win->renderer)
        SDL_DestroyRenderer(win->renderer);
    if (win->window)
        SDL_DestroyWindow(win->window);
    if (win->video_inited) {
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        /* Shut SDL down completely (freeing its one-time state) only when
         * nothing else, ours or the application's, still uses it. */
        if (SDL_WasInit(SDL_INIT_EVERYTHING) == 0)
            SDL_Quit();
    }
    segtex_free(win);
}

/* ---- show ------------------------------------------------------------------- */

static segtex_status check_frame(const segtex_image *f)
{
    if (!f || !f->data || f->channels != 3 || f->width <= 0 || f->height <= 0 ||
        f->width > MAX_SIDE || f->height > MAX_SIDE || f->stride < (ptrdiff_t)f->width * 3 ||
        f->stride > INT32_MAX) {
        if (!f)
            LOG_ERROR("window: no frame to show");
        else
            LOG_ERROR("window: cannot show a %dx%d frame with %d channels and stride %td "
                      "(RGB24, 1..%d per side, stride >= width * 3)",
                      f->width, f->height, f->channels, f->stride, MAX_SIDE);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    return SEGTEX_OK;
}

/* Configure: (re)create the frame texture for a new frame size. */
static segtex_status ensure_frame_texture(segtex_window *win, int w, int h)
{
    if (win->frame && win->frame_w == w && win->frame_h == h)
        return SEGTEX_OK;
    if (win->frame)
        SDL_DestroyTexture(win->frame);
    win->frame_w = win->frame_h = 0;
    win->frame = SDL_CreateTexture(win->renderer, SDL_PIXELFORMAT_RGB24,
                                   SDL_TEXTUREACCESS_STREAMING, w, h);
    if (!win->frame) {
        LOG_ERROR("window: cannot create a %dx%d RGB24 texture: %s", w, h, SDL_GetError());
        return SEGTEX_ERROR_INTERNAL;
    }
    SDL_SetTextureScaleMode(win->frame, SDL_ScaleModeLinear);
    win->frame_w = w;
    win->frame_h = h;
    return SEGTEX_OK;
}

/* Copy the frame row by row into the texture: any stride, the frame is only read. */
static segtex_status upload(segtex_window *win, const segtex_image *f)
{
    void *pixels;
    int pitch;
    if (SDL_LockTexture(win->frame, NULL, &pixels, &pitch) < 0) {
        LOG_ERROR("window: cannot lock the frame texture: %s", SDL_GetError());
        return SEGTEX_ERROR_INTERNAL;
    }
    size_t row = (size_t)f->width * 3;
    for (int y = 0; y < f->height; y++)
        memcpy((uint8_t *)pixels + (ptrdiff_t)y * pitch, f->data + (ptrdiff_t)y * f->stride, row);
    SDL_UnlockTexture(win->frame);
    return SEGTEX_OK;
}

/* The largest rectangle of the frame's aspect ratio centred in out_w x out_h. */
static SDL_Rect letterbox(int frame_w, int frame_h, int out_w, int out_h)
{
    SDL_Rect r;
    if ((int64_t)out_w * frame_h <= (int64_t)out_h * frame_w) {
        r.w = out_w;
        r.h = (int)(((int64_t)out_w * frame_h + frame_w / 2) / frame_w);
    } else {
        r.h = out_h;
        r.w = (int)(((int64_t)out_h * frame_w + frame_h / 2) / frame_h);
    }
    if (r.w < 1)
        r.w = 1;
    if (r.h < 1)
        r.h = 1;
    r.x = (out_w - r.w) / 2;
    r.y = (out_h - r.h) / 2;
    return r;
}

/* ---- text --------------------------------------------------------------------- */

/* Text size for a picture `pic_h` rows high: about 1/32 of it, 11..22 px. */
static int text_px(int pic_h)
{
    int px = pic_h / 32;
    return px < 11 ? 11 : px > 22 ? 22 : px;
}

/* A white text texture (TTF), wrapped at `wrap` pixels (0: one line). NULL on failure (logged at debug). */
static SDL_Texture *ttf_texture(segtex_window *win, const char *text, int wrap, int *w, int *h)
{
    static const SDL_Color white = {255, 255, 255, 255};
    SDL_Surface *surf = wrap > 0 ? TTF_RenderUTF8_Blended_Wrapped(win->font, text, white, (Uint32)wrap)
                                 : TTF_RenderUTF8_Blended(win->font, text, white);
    if (!surf) {
        LOG_DEBUG("window: cannot render text: %s", TTF_GetError());
        return NULL;
    }
    SDL_Texture *t = SDL_CreateTextureFromSurface(win->renderer, surf);
    *w = surf->w;
    *h = surf->h;
    SDL_FreeSurface(surf);
    if (t)
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    return t;
}

/*
 * Set the font to the largest size from `px` down to 9 at which `text` is at
 * most `avail` pixels wide on one line; returns the size (9 when even that
 * is too wide: the caller wraps).
 */
static int ttf_fit(segtex_window *win, const char *text, int px, int avail)
{
    for (; px >= 9; px--) {
        if (px != win->font_px && TTF_SetFontSize(win->font, px) == 0)
            win->font_px = px;
        int w = 0, h = 0;
        if (TTF_SizeUTF8(win->font, text, &w, &h) == 0 && w <= avail)
            return px;
    }
    return 9;
}

/* Draw `n` bytes of `text` in the bitmap font at (x, y), `scale` x, clipped at `right`. */
static void bitmap_text(segtex_window *win, int x, int y, int scale, const char *text, size_t n,
                        int right)
{
    SDL_Rect dst = {x, y, SEGTEX_FONT_CELL_W * scale, SEGTEX_FONT_CELL_H * scale};
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (dst.x + 5 * scale > right)
            break;
        if (c != ' ') {
            SDL_Rect src = {glyph_index(c) * SEGTEX_FONT_CELL_W, 0, SEGTEX_FONT_CELL_W,
                            SEGTEX_FONT_CELL_H};
            SDL_RenderCopy(win->renderer, win->glyphs, &src, &dst);
        }
        dst.x += SEGTEX_FONT_CELL_W * scale;
    }
}

/*
 * Split `text` into lines of at most `cols` characters, breaking at spaces
 * where possible; calls back per line (or just counts when `draw` is 0).
 * Returns the number of lines.
 */
static int bitmap_wrap(segtex_window *win, const char *text, int cols, int x, int y, int scale,
                       int right, int draw)
{
    int lines = 0;
    size_t len = strlen(text);
    if (cols < 1)
        cols = 1;
    for (size_t pos = 0; pos < len;) {
        size_t n = len - pos;
        if (n > (size_t)cols) {
            n = (size_t)cols;
            size_t k = n;
            while (k > 0 && text[pos + k] != ' ')
                k--;
            if (k > 0)
                n = k;
        }
        if (draw)
            bitmap_text(win, x, y + lines * SEGTEX_FONT_CELL_H * scale, scale, text + pos, n, right);
        lines++;
        pos += n;
        while (pos < len && text[pos] == ' ')
            pos++;
    }
    return lines;
}

/*
 * The status line across the top of the picture: a dark translucent band
 * the width of the window and the text in it. With the TrueType font the
 * text is sized to the picture (about 1/32 of its height), shrunk to fit the
 * window's width, and wrapped onto more lines when even 9 px does not fit;
 * its texture is rendered only when the text, size or width changes. With
 * the built-in font, whole-factor scaled glyphs (1x to about 240 rows of
 * picture, 2x to 480, at most 3x), smaller if the line would not fit, then
 * wrapped. Nothing is cut off.
 */
static void draw_status(segtex_window *win, const SDL_Rect *pic, int out_w, const char *status)
{
    int pad = 3;
    int avail = out_w - 2 * pad;
    int text_w, text_h;
    SDL_Rect band = {0, pic->y, out_w, 0};
    SDL_SetRenderDrawBlendMode(win->renderer, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(win->renderer, 0, 0, 0, 160);
    if (win->font) {
        int px = text_px(pic->h);
        if (!win->status_tex || px != win->status_px || avail != win->status_wrap ||
            strncmp(status, win->status_text, sizeof win->status_text)) {
            if (win->status_tex)
                SDL_DestroyTexture(win->status_tex);
            ttf_fit(win, status, px, avail); /* sets the font's size */
            int w = 0, h = 0;
            TTF_SizeUTF8(win->font, status, &w, &h);
            win->status_tex = ttf_texture(win, status, w > avail ? avail : 0, &win->status_w,
                                          &win->status_h);
            win->status_px = px;
            win->status_wrap = avail;
            snprintf(win->status_text, sizeof win->status_text, "%s", status);
        }
        if (win->status_tex) {
            text_w = win->status_w;
            text_h = win->status_h;
            int x = pic->x + pad;
            if (x + text_w + pad > out_w)
                x = out_w - text_w - pad;
            if (x < pad)
                x = pad;
            band.h = text_h + 2 * pad;
            SDL_RenderFillRect(win->renderer, &band);
            SDL_Rect dst = {x, pic->y + pad, text_w, text_h};
            SDL_RenderCopy(win->renderer, win->status_tex, NULL, &dst);
            return;
        }
    }
    int len = (int)strlen(status);
    int scale = pic->h / 240;
    scale = scale < 1 ? 1 : scale > 3 ? 3 : scale;
    while (scale > 1 && len * SEGTEX_FONT_CELL_W * scale > avail)
        scale--;
    int cols = avail / (SEGTEX_FONT_CELL_W * scale);
    int lines = bitmap_wrap(win, status, cols, 0, 0, scale, out_w, 0);
    text_w = (lines > 1 ? cols : len) * SEGTEX_FONT_CELL_W * scale;
    int x = pic->x + pad;
    if (x + text_w + pad > out_w)
        x = out_w - text_w - pad;
    if (x < pad)
        x = pad;
    band.h = lines * SEGTEX_FONT_CELL_H * scale + 2 * pad;
    SDL_RenderFillRect(win->renderer, &band);
    bitmap_wrap(win, status, cols, x, pic->y + pad + scale / 2, scale, out_w, 1);
}

/* ---- legend ------------------------------------------------------------------- */

segtex_status segtex_window_set_legend(segtex_window *win, const segtex_legend_entry *entries,
                                       int count)
{
    if (!win || count < 0 || (count > 0 && !entries)) {
        LOG_ERROR("window: bad legend (%d entries)", count);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    if (count > MAX_LEGEND) {
        LOG_ERROR("window: a legend of %d entries, at most %d supported", count, MAX_LEGEND);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    for (int i = 0; i < MAX_LEGEND; i++) {
        if (win->legend_tex[i])
            SDL_DestroyTexture(win->legend_tex[i]);
        win->legend_tex[i] = NULL;
    }
    win->legend_px = 0;
    for (int i = 0; i < count; i++) {
        snprintf(win->legend_label[i], LABEL_MAX, "%s", entries[i].label ? entries[i].label : "");
        memcpy(win->legend_rgb[i], entries[i].rgb, 3);
    }
    win->legend_count = count;
    return SEGTEX_OK;
}

/*
 * The legend in the picture's bottom-left corner: one row per entry, a
 * colour swatch (the entry's colour inside a white then black outline, so
 * black and white swatches show too) and the label, over a dark band. Label
 * textures are made when the legend or the text size changes.
 */
static void draw_legend(segtex_window *win, const SDL_Rect *pic)
{
    int n = win->legend_count;
    int px = text_px(pic->h);
    int scale = pic->h / 240;
    scale = scale < 1 ? 1 : scale > 3 ? 3 : scale;
    if (win->font && win->legend_px != px) {
        if (win->font_px != px && TTF_SetFontSize(win->font, px) == 0)
            win->font_px = px;
        for (int i = 0; i < n; i++) {
            if (win->legend_tex[i])
                SDL_DestroyTexture(win->legend_tex[i]);
            win->legend_tex[i] = win->legend_label[i][0]
                                     ? ttf_texture(win, win->legend_label[i], 0, &win->legend_w[i],
                                                   &win->legend_h[i])
                                     : NULL;
        }
        win->legend_px = px;
    }
    int row_h = win->font ? TTF_FontLineSkip(win->font) : SEGTEX_FONT_CELL_H * scale + 2;
    int sw = row_h - 2, pad = 4, label_w = 0;
    for (int i = 0; i < n; i++) {
        int w = win->font ? (win->legend_tex[i] ? win->legend_w[i] : 0)
                          : (int)strlen(win->legend_label[i]) * SEGTEX_FONT_CELL_W * scale;
        label_w = w > label_w ? w : label_w;
    }
    SDL_Rect band = {pic->x, pic->y + pic->h - n * row_h - 2 * pad, sw + label_w + 3 * pad,
                     n * row_h + 2 * pad};
    if (band.y < pic->y)
        band.y = pic->y;
    SDL_SetRenderDrawBlendMode(win->renderer, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(win->renderer, 0, 0, 0, 160);
    SDL_RenderFillRect(win->renderer, &band);
    SDL_SetRenderDrawBlendMode(win->renderer, SDL_BLENDMODE_NONE);
    for (int i = 0; i < n; i++) {
        int y = band.y + pad + i * row_h;
        SDL_Rect outer = {band.x + pad, y + 1, sw, sw}, inner = {outer.x + 1, outer.y + 1, sw - 2, sw - 2},
                 fill = {outer.x + 2, outer.y + 2, sw - 4, sw - 4};
        SDL_SetRenderDrawColor(win->renderer, 255, 255, 255, 255);
        SDL_RenderFillRect(win->renderer, &outer);
        SDL_SetRenderDrawColor(win->renderer, 0, 0, 0, 255);
        SDL_RenderFillRect(win->renderer, &inner);
        SDL_SetRenderDrawColor(win->renderer, win->legend_rgb[i][0], win->legend_rgb[i][1],
                               win->legend_rgb[i][2], 255);
        SDL_RenderFillRect(win->renderer, &fill);
        int tx = outer.x + sw + pad;
        if (win->font) {
            if (win->legend_tex[i]) {
                SDL_Rect dst = {tx, y, win->legend_w[i], win->legend_h[i]};
                SDL_RenderCopy(win->renderer, win->legend_tex[i], NULL, &dst);
            }
        } else {
            bitmap_text(win, tx, y + 1, scale, win->legend_label[i],
                        strlen(win->legend_label[i]), pic->x + pic->w);
        }
    }
}

void segtex_window_get_size(const segtex_window *win, int *width, int *height)
{
    int w = 0, h = 0;
    if (win && win->window)
        SDL_GetWindowSize(win->window, &w, &h);
    if (width)
        *width = w;
    if (height)
        *height = h;
}

segtex_status segtex_window_show(segtex_window *win, const segtex_image *frame, const char *status)
{
    if (!win) {
        LOG_ERROR("window: show on no window");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    segtex_status st = check_frame(frame);
    if (st)
        return st;
    /* Keep the window responsive even if the application polls keys rarely. */
    pump_events();
    st = ensure_frame_texture(win, frame->width, frame->height);
    if (st)
        return st;
    st = upload(win, frame);
    if (st)
        return st;

    int out_w, out_h;
    if (SDL_GetRendererOutputSize(win->renderer, &out_w, &out_h) < 0 || out_w <= 0 ||
        out_h <= 0) {
        LOG_ERROR("window: cannot get the window's size: %s", SDL_GetError());
        return SEGTEX_ERROR_INTERNAL;
    }
    SDL_Rect pic = letterbox(frame->width, frame->height, out_w, out_h);
    SDL_SetRenderDrawColor(win->renderer, 0, 0, 0, 255);
    SDL_RenderClear(win->renderer);
    if (SDL_RenderCopy(win->renderer, win->frame, NULL, &pic) < 0) {
        LOG_ERROR("window: cannot draw the frame: %s", SDL_GetError());
        return SEGTEX_ERROR_INTERNAL;
    }
    if (win->legend_count > 0)
        draw_legend(win, &pic);
    if (status && *status)
        draw_status(win, &pic, out_w, status);
    SDL_RenderPresent(win->renderer);
    return SEGTEX_OK;
}
