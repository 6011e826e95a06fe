# fuzz_letterbox: the black bars' finder (src/vision/letterbox.c) on any frame: size, channels, stride and pixels
# from the input, under libFuzzer + ASan + UBSan. Seeds: a letterboxed frame made by scripts/fuzz.sh.
add_executable(fuzz_letterbox ${CMAKE_CURRENT_LIST_DIR}/fuzz_letterbox.c ${CMAKE_SOURCE_DIR}/src/vision/letterbox.c)
target_include_directories(fuzz_letterbox PRIVATE ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR}/src)
target_compile_options(fuzz_letterbox PRIVATE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)
target_link_options(fuzz_letterbox PRIVATE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)
