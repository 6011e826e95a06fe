# fuzz_config: the run --config parser (src/cli/config.c, compiled in).
add_executable(fuzz_config ${CMAKE_CURRENT_LIST_DIR}/fuzz_config.c)
target_include_directories(fuzz_config PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_compile_options(fuzz_config PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_options(fuzz_config PRIVATE -fsanitize=fuzzer,address,undefined)
