# `make deb` / `cpack -G DEB`: segtex_<version>_amd64.deb for Debian 12.
# Depends: comes from dpkg-shlibdeps on the packaged ELF files; libsegtex.so.0
# itself is found in the package (shlibs file generated), not on the system.
set(CPACK_PACKAGE_NAME segtex)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "segtex maintainers <segtex@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "real-time person-segmentation video effect (library and command)")
set(CPACK_PACKAGE_DESCRIPTION "segtex splits each camera or video frame into six categories with MediaPipe's models, paints each with a colour or texture and draws the face landmarks. Models are fetched with `segtex fetch-models`.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION graphics)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
# segtex fetch-models runs npm and sha256sum; curl for the optional --multiclass.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "npm, ca-certificates")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "curl")
include(CPack)
