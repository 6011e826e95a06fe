# fuzz_model: the TFLite reader (src/nn/tflite.c, flatbuf.c, flexbuf.c) under
# libFuzzer + ASan + UBSan. The library's sources are compiled into the
# target, so they carry the fuzzer's coverage instrumentation; include
# directories, definitions and libraries are taken from the segtex target so
# the fragment follows the library as it grows. fuzz_model_seeds writes the
# test builder's sample models as seeds. Run: tests/fuzz/run-model-fuzz.sh SECONDS
set(FUZZ_MODEL_FLAGS -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer -g)
get_target_property(fuzz_model_lib_sources segtex SOURCES)
get_target_property(fuzz_model_lib_dir segtex SOURCE_DIR)
set(FUZZ_MODEL_SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_model.c)
foreach(src ${fuzz_model_lib_sources})
  get_filename_component(abs ${src} ABSOLUTE BASE_DIR ${fuzz_model_lib_dir})
  list(APPEND FUZZ_MODEL_SOURCES ${abs})
endforeach()
add_executable(fuzz_model ${FUZZ_MODEL_SOURCES})
target_compile_options(fuzz_model PRIVATE ${FUZZ_MODEL_FLAGS})
target_link_options(fuzz_model PRIVATE ${FUZZ_MODEL_FLAGS})
target_include_directories(fuzz_model PRIVATE $<TARGET_PROPERTY:segtex,INCLUDE_DIRECTORIES>)
target_compile_definitions(fuzz_model PRIVATE $<TARGET_PROPERTY:segtex,COMPILE_DEFINITIONS>)
get_target_property(fuzz_model_libs segtex LINK_LIBRARIES)
if(fuzz_model_libs)
  target_link_libraries(fuzz_model PRIVATE ${fuzz_model_libs})
endif()

add_executable(fuzz_model_seeds ${CMAKE_CURRENT_LIST_DIR}/model_seeds.c
               ${CMAKE_SOURCE_DIR}/tests/tflite_builder.c)
target_include_directories(fuzz_model_seeds PRIVATE ${CMAKE_SOURCE_DIR}/tests)
