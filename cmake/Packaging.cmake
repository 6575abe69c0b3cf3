# Debian packages, built with CPack from the install rules' components:
#
#   cpack -G DEB --config BUILD/CPackConfig.cmake
#
#   liblockgraph-dev   the headers, liblockgraph.a and liblockgraph.so, the CMake
#                      package, lockgraph.pc and lockgraph-shared.pc, and the gdb
#                      extension gdb auto-loads for programs linked with lockgraph
#   lockgraph          the lockgraph CLI (analyze, capture, check, preload, ...) and
#                      liblockgraph_preload.so
#   cacheforge-server  the server, its CLI and AOF checker, a systemd unit, the
#                      default config /etc/cacheforge/cacheforge.conf (a conffile)
#                      and the cacheforge system user (postinst)
#
# Installed under /usr. The packages depend on the Debian packages of the
# libraries they link; tests/package/check_deb.sh unpacks and uses them.
set(CPACK_PACKAGE_NAME lockgraph)
set(CPACK_PACKAGE_VENDOR "lockgraph")
set(CPACK_PACKAGE_CONTACT "lockgraph maintainers <lockgraph@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL dev tools server)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# Dependencies are written below, not computed by dpkg-shlibdeps: the
# packages must build in a plain build tree, without a debian/ directory.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)

set(CPACK_DEBIAN_DEV_PACKAGE_NAME liblockgraph-dev)
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "lockgraph: drop-in mutex wrappers that report lock-order cycles (development files)\n"
    "Headers, the static and shared library, CMake and pkg-config files, and the gdb\n"
    "extension that lists the lockgraph locks each thread holds.")
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libabsl-dev, libunwind-dev, libdw-dev, libstdc++-12-dev | libstdc++-dev")
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME lockgraph)
set(CPACK_COMPONENT_TOOLS_DESCRIPTION
    "lock-order checker and deadlock dump analyzer\n"
    "lockgraph analyze turns gdb, eu-stack and pstack dumps into a wait-for graph and names\n"
    "every deadlock; lockgraph check merges lock-order graphs of many runs for CI;\n"
    "lockgraph preload checks unmodified programs.")
set(CPACK_DEBIAN_TOOLS_PACKAGE_DEPENDS "libc6, libstdc++6, libunwind8, libdw1, gdb")
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION devel)

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME cacheforge-server)
set(CPACK_COMPONENT_SERVER_DESCRIPTION
    "Redis-protocol (RESP2) cache server\n"
    "A multi-threaded cache and storage server that redis-cli, redis-benchmark and Redis\n"
    "clients talk to, with an append-only file, maxmemory eviction and Prometheus metrics.")
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "libc6, libstdc++6, libunwind8, libdw1, passwd")
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION database)
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/cacheforge-server/postinst
    ${PROJECT_SOURCE_DIR}/packaging/cacheforge-server/prerm
    ${PROJECT_SOURCE_DIR}/packaging/cacheforge-server/postrm
    ${PROJECT_SOURCE_DIR}/packaging/cacheforge-server/conffiles)
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
