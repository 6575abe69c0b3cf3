# CI lock-order checks for CTest.
#
#   include(LockgraphTesting)   # comes with find_package(lockgraph)
#
#   lockgraph_add_test(NAME cache_test COMMAND cache_test [args...]
#                      [GROUP unit] [OPTIONS mode=abort] [WORKING_DIRECTORY dir])
#       A test whose processes (the test, and any server it starts) each write
#       their lock-order graph (LOCKGRAPH_OPTIONS graph_out=...) into the
#       group's directory. OPTIONS are more LOCKGRAPH_OPTIONS for the test.
#
#   lockgraph_add_check([GROUP unit] [BASELINE file] [FORMAT text|sarif|junit|json]
#                       [OUTPUT file] [NAME test_name])
#       A test that runs after every test of the group and fails when
#       `lockgraph check` finds a lock-order cycle across their graphs that is
#       not in the baseline: the inversion that no single test shows.
#
# The graphs go to ${CMAKE_BINARY_DIR}/lockgraph-graphs/GROUP/, emptied by a
# setup test at the start of each ctest run that includes the group.
include_guard(GLOBAL)

function(_lockgraph_group_dir group out)
  set(${out} "${CMAKE_BINARY_DIR}/lockgraph-graphs/${group}" PARENT_SCOPE)
endfunction()

function(lockgraph_add_test)
  cmake_parse_arguments(ARG "" "NAME;GROUP;WORKING_DIRECTORY;OPTIONS" "COMMAND" ${ARGN})
  if(NOT ARG_NAME OR NOT ARG_COMMAND)
    message(FATAL_ERROR "lockgraph_add_test: NAME and COMMAND are required")
  endif()
  if(NOT ARG_GROUP)
    set(ARG_GROUP lockgraph)
  endif()
  _lockgraph_group_dir(${ARG_GROUP} dir)
  # One setup test per group empties the directory, so graphs of earlier runs
  # do not mix with this one.
  set(clean "${ARG_GROUP}.lockgraph_clean")
  if(NOT TEST ${clean})
    add_test(NAME ${clean} COMMAND sh -c "rm -rf '${dir}' && mkdir -p '${dir}'")
    set_tests_properties(${clean} PROPERTIES FIXTURES_SETUP "lockgraph_clean_${ARG_GROUP}")
  endif()
  set(working)
  if(ARG_WORKING_DIRECTORY)
    set(working WORKING_DIRECTORY "${ARG_WORKING_DIRECTORY}")
  endif()
  add_test(NAME ${ARG_NAME} COMMAND ${ARG_COMMAND} ${working})
  # %p: every process of the test (a server it starts, say) writes its own file.
  set(options "graph_out=${dir}/${ARG_NAME}.%p.json")
  if(ARG_OPTIONS)
    set(options "${ARG_OPTIONS}:${options}")
  endif()
  set_property(TEST ${ARG_NAME} APPEND PROPERTY ENVIRONMENT "LOCKGRAPH_OPTIONS=${options}")
  set_property(TEST ${ARG_NAME} APPEND PROPERTY FIXTURES_REQUIRED "lockgraph_clean_${ARG_GROUP}")
  set_property(TEST ${ARG_NAME} APPEND PROPERTY FIXTURES_SETUP "lockgraph_graphs_${ARG_GROUP}")
  endfunction()

function(lockgraph_add_check)
  cmake_parse_arguments(ARG "" "GROUP;BASELINE;FORMAT;OUTPUT;NAME" "" ${ARGN})
  if(NOT ARG_GROUP)
    set(ARG_GROUP lockgraph)
  endif()
  if(NOT ARG_NAME)
    set(ARG_NAME "${ARG_GROUP}.lockgraph_check")
  endif()
  if(NOT TEST "${ARG_GROUP}.lockgraph_clean")
    message(FATAL_ERROR "lockgraph_add_check: no lockgraph_add_test in group ${ARG_GROUP}")
  endif()
  _lockgraph_group_dir(${ARG_GROUP} dir)
  if(TARGET lockgraph_cli)
    set(cli $<TARGET_FILE:lockgraph_cli>)
  else()
    find_program(LOCKGRAPH_CLI lockgraph REQUIRED)
    set(cli ${LOCKGRAPH_CLI})
  endif()
  set(args)
  if(ARG_BASELINE)
    list(APPEND args --baseline "${ARG_BASELINE}")
  endif()
  if(ARG_FORMAT)
    list(APPEND args --format ${ARG_FORMAT})
  endif()
  if(ARG_OUTPUT)
    list(APPEND args -o "${ARG_OUTPUT}")
  endif()
  add_test(NAME ${ARG_NAME} COMMAND ${cli} check ${args} "${dir}")
  set_tests_properties(${ARG_NAME} PROPERTIES FIXTURES_REQUIRED "lockgraph_graphs_${ARG_GROUP}")
endfunction()
