# fuzz_options: the option table of run, soak, render and bench (src/cli/settings.c, opts.c and config.c, compiled in).
add_executable(fuzz_options ${CMAKE_CURRENT_LIST_DIR}/fuzz_options.c ${CMAKE_SOURCE_DIR}/src/cli/settings.c
               ${CMAKE_SOURCE_DIR}/src/cli/opts.c ${CMAKE_SOURCE_DIR}/src/cli/config.c)
target_include_directories(fuzz_options PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/src/cli)
target_compile_options(fuzz_options PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_options(fuzz_options PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_libraries(fuzz_options PRIVATE segtex)
