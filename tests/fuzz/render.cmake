# Fuzz targets of the render module; included by tests/fuzz/CMakeLists.txt
# when SEGTEX_FUZZ=ON with clang. Run: build/tests/fuzz/fuzz_landmarks_json -max_total_time=60
add_executable(fuzz_landmarks_json ${CMAKE_CURRENT_LIST_DIR}/fuzz_landmarks_json.c)
target_compile_options(fuzz_landmarks_json PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_options(fuzz_landmarks_json PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_libraries(fuzz_landmarks_json PRIVATE segtex m)
