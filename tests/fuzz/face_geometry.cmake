# fuzz_face_geometry: the canonical face mesh reader (src/vision/face_geometry.c) and the UV
# rasterizer on what it accepts (src/render/face_uv.c), under libFuzzer + ASan + UBSan.
# Seed: $SEGTEX_ASSETS/geometry_pipeline_metadata_landmarks.binarypb (scripts/fuzz.sh).
add_executable(fuzz_face_geometry ${CMAKE_CURRENT_LIST_DIR}/fuzz_face_geometry.c
               ${CMAKE_SOURCE_DIR}/src/vision/face_geometry.c ${CMAKE_SOURCE_DIR}/src/render/face_uv.c
               ${CMAKE_SOURCE_DIR}/src/core/core.c)
target_include_directories(fuzz_face_geometry PRIVATE ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR}/src)
target_compile_options(fuzz_face_geometry PRIVATE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)
target_link_options(fuzz_face_geometry PRIVATE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)
target_link_libraries(fuzz_face_geometry PRIVATE m)
