# `cmake --install`: headers, libsegtex.so/.a, the segtex command, the
# fetch-models script, segtex.pc and the CMake package (find_package(segtex)
# -> segtex::segtex, the shared library).
include(CMakePackageConfigHelpers)

# Installed programs find libsegtex.so relative to themselves, so a tree
# installed anywhere (or a .deb extracted with dpkg -x) runs as it is.
file(RELATIVE_PATH _segtex_bin_to_lib ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBDIR})
set_target_properties(segtex_cli PROPERTIES INSTALL_RPATH "$ORIGIN/${_segtex_bin_to_lib}")
# `segtex fetch-models` runs the installed fetch-assets.sh (found relative to
# the program), or in a build tree the source tree's.
file(RELATIVE_PATH _segtex_bin_to_libexec ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBEXECDIR}/segtex)
target_compile_definitions(segtex_cli PRIVATE
  SEGTEX_BIN_TO_LIBEXEC="${_segtex_bin_to_libexec}"
  SEGTEX_SOURCE_FETCH_SCRIPT="${CMAKE_SOURCE_DIR}/scripts/fetch-assets.sh")

install(TARGETS segtex_shared EXPORT segtex-targets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS segtex_static ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS segtex_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/segtex DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
# `segtex fetch-models` runs this script (the sha256 pins live only there).
install(PROGRAMS scripts/fetch-assets.sh DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/segtex)
install(DIRECTORY DESTINATION ${CMAKE_INSTALL_DATADIR}/segtex/models)

# pkg-config: the prefix is found from the .pc file's own place, so the file
# stays right wherever the tree is installed or extracted.
file(RELATIVE_PATH SEGTEX_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" SEGTEX_PC_TO_PREFIX "${SEGTEX_PC_TO_PREFIX}")
# XNNPACK and pthreadpool ship no .pc file in Debian: plain -l flags.
set(SEGTEX_PC_LIBS_PRIVATE "-lpthreadpool -lm -pthread")
if(SEGTEX_HAVE_XNNPACK)
  string(PREPEND SEGTEX_PC_LIBS_PRIVATE "-lXNNPACK ")
endif()
if(CMAKE_DL_LIBS)
  string(APPEND SEGTEX_PC_LIBS_PRIVATE " -l${CMAKE_DL_LIBS}")
endif()
configure_file(cmake/segtex.pc.in ${CMAKE_BINARY_DIR}/segtex.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/segtex.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

set(SEGTEX_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/segtex)
install(EXPORT segtex-targets NAMESPACE segtex:: DESTINATION ${SEGTEX_CMAKE_DIR})
configure_package_config_file(cmake/segtex-config.cmake.in ${CMAKE_BINARY_DIR}/segtex-config.cmake
  INSTALL_DESTINATION ${SEGTEX_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/segtex-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/segtex-config.cmake ${CMAKE_BINARY_DIR}/segtex-config-version.cmake
  DESTINATION ${SEGTEX_CMAKE_DIR})

include(cmake/package.cmake)

# The Python module (pure ctypes): <prefix>/lib/python3/dist-packages/segtex,
# where Debian's python3 looks (/usr and /usr/local); it finds libsegtex.so.0
# beside it in <prefix>/lib or <prefix>/lib/<multiarch>.
install(DIRECTORY python/segtex DESTINATION lib/python3/dist-packages
  FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
