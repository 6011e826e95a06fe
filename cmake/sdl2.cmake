# SDL2 and SDL2_ttf for the preview window (src/io/window_sdl.c, the only file that uses them).
pkg_check_modules(SDL2 REQUIRED IMPORTED_TARGET sdl2)
pkg_check_modules(SDL2_TTF REQUIRED IMPORTED_TARGET SDL2_ttf)
target_link_libraries(segtex PUBLIC PkgConfig::SDL2 PkgConfig::SDL2_TTF)
