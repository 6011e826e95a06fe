# SDL2 for the preview window (src/io/window_sdl.c, the only file that uses it).
pkg_check_modules(SDL2 REQUIRED IMPORTED_TARGET sdl2)
target_link_libraries(segtex PUBLIC PkgConfig::SDL2)
