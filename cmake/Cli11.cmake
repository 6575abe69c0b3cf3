# CLI11 (header only; Debian: libcli11-dev) parses the command lines of
# `lockgraph`, cacheforge-cli and cacheforge-check-aof. Only those programs
# include it: the lockgraph library and its installed CMake package do not.
#
#   include(Cli11)   # then: target_link_libraries(prog PRIVATE CLI11::CLI11)
#
# CLI11's own package file gives CLI11::CLI11 where it is installed; some
# distributions ship the header alone, found here instead. Included by each
# directory that builds such a program (an imported target is visible only
# in the directory that made it and below).
if(TARGET CLI11::CLI11)
  return()
endif()
find_package(CLI11 CONFIG QUIET)
if(NOT TARGET CLI11::CLI11)
  find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp)
  if(NOT CLI11_INCLUDE_DIR)
    message(FATAL_ERROR "CLI11 not found: install it (Debian: libcli11-dev, which "
                        "scripts/install-deps.sh installs) or set CLI11_INCLUDE_DIR")
  endif()
  add_library(CLI11::CLI11 INTERFACE IMPORTED)
  target_include_directories(CLI11::CLI11 INTERFACE ${CLI11_INCLUDE_DIR})
endif()
