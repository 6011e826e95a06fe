# FFmpeg (libavformat, libavcodec, libavdevice, libswscale, libavutil) for the
# video sources and sinks in src/io/ffmpeg_*.c, the only files that include it.
pkg_check_modules(FFMPEG REQUIRED IMPORTED_TARGET
  libavformat libavcodec libavdevice libswscale libavutil)
target_link_libraries(segtex PUBLIC PkgConfig::FFMPEG)
