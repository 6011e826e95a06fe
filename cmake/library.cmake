# libsegtex.so (SONAME libsegtex.so.<ABI>) and libsegtex.a, both made from the
# objects of the `segtex` object library.
#
# The shared library exports the public API and nothing else: a linker
# version script generated at build time from the function declarations in
# include/segtex/*.h (cmake/exports.cmake) makes every other symbol local.
# A new public header or function is picked up on the next build; nothing is
# listed by hand and the headers carry no export macros.
set(SEGTEX_ABI_VERSION 0 CACHE STRING "SONAME version of libsegtex.so (bump on an incompatible ABI change)")
mark_as_advanced(SEGTEX_ABI_VERSION)

# Where the library looks for installed models (src/core/assets.c): the
# install layout, relative to the prefix it finds itself in at run time, and
# the configured prefix as the fallback.
target_compile_definitions(segtex PRIVATE
  SEGTEX_INSTALL_PREFIX="${CMAKE_INSTALL_PREFIX}"
  SEGTEX_INSTALL_BINDIR="${CMAKE_INSTALL_BINDIR}"
  SEGTEX_INSTALL_LIBDIR="${CMAKE_INSTALL_LIBDIR}"
  SEGTEX_INSTALL_DATADIR="${CMAKE_INSTALL_DATADIR}")
target_link_libraries(segtex PUBLIC ${CMAKE_DL_LIBS})

file(GLOB SEGTEX_PUBLIC_HEADERS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/include/segtex/*.h)
set(SEGTEX_VERSION_SCRIPT ${CMAKE_BINARY_DIR}/libsegtex.map)
add_custom_command(
  OUTPUT ${SEGTEX_VERSION_SCRIPT}
  COMMAND ${CMAKE_COMMAND} -DINCLUDE_DIR=${CMAKE_SOURCE_DIR}/include -DOUTPUT=${SEGTEX_VERSION_SCRIPT}
          -P ${CMAKE_SOURCE_DIR}/cmake/exports.cmake
  DEPENDS ${SEGTEX_PUBLIC_HEADERS} ${CMAKE_SOURCE_DIR}/cmake/exports.cmake
  COMMENT "Generating the libsegtex.so version script from include/segtex/*.h"
  VERBATIM)
add_custom_target(segtex_version_script DEPENDS ${SEGTEX_VERSION_SCRIPT})

add_library(segtex_shared SHARED)
target_link_libraries(segtex_shared PRIVATE segtex)
target_include_directories(segtex_shared PUBLIC
  $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
add_dependencies(segtex_shared segtex_version_script)
target_link_options(segtex_shared PRIVATE "LINKER:--version-script=${SEGTEX_VERSION_SCRIPT}")
set_target_properties(segtex_shared PROPERTIES
  OUTPUT_NAME segtex
  EXPORT_NAME segtex
  VERSION ${PROJECT_VERSION}
  SOVERSION ${SEGTEX_ABI_VERSION}
  LINK_DEPENDS ${SEGTEX_VERSION_SCRIPT})

add_library(segtex_static STATIC)
target_link_libraries(segtex_static PRIVATE segtex)
set_target_properties(segtex_static PROPERTIES OUTPUT_NAME segtex)
