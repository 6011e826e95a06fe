# fuzz_paint_spec: one paint SPEC (segtex_paint_spec_parse, in libsegtex) and the `paint` and `anchor` property
# strings of the GStreamer element on top of it (gst/paint_spec.c, compiled in; it needs only libsegtex, not GStreamer).
add_executable(fuzz_paint_spec ${CMAKE_CURRENT_LIST_DIR}/fuzz_paint_spec.c ${CMAKE_SOURCE_DIR}/gst/paint_spec.c)
target_include_directories(fuzz_paint_spec PRIVATE ${CMAKE_SOURCE_DIR}/gst)
target_compile_options(fuzz_paint_spec PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_options(fuzz_paint_spec PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_libraries(fuzz_paint_spec PRIVATE segtex)
