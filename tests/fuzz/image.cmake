# fuzz_image: PNG/JPEG decoding (src/io/image.c) under libFuzzer + ASan + UBSan.
add_executable(fuzz_image ${CMAKE_CURRENT_LIST_DIR}/fuzz_image.c ${CMAKE_SOURCE_DIR}/src/io/image.c
               ${CMAKE_SOURCE_DIR}/src/io/png_write.c
               ${CMAKE_SOURCE_DIR}/src/core/core.c ${CMAKE_SOURCE_DIR}/src/core/image_alloc.c)
target_include_directories(fuzz_image PRIVATE ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR}/src)
target_compile_options(fuzz_image PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_options(fuzz_image PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_libraries(fuzz_image PRIVATE PkgConfig::PNG PkgConfig::ZLIB JPEG::JPEG)
