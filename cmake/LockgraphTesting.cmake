# CI lock-order checks for CTest.
#
#   include(LockgraphTesting)   # comes with find_package(lockgraph)
#
#   lockgraph_add_test(NAME cache_test COMMAND cache_test [args...] [GROUP unit])
#       A test whose process writes its lock-order graph to its own file
#       (LOCKGRAPH_OPTIONS graph_out=...), registered in GROUP (default
#       "lockgraph").
#
#   lockgraph_add_check([GROUP unit] [BASELINE file] [FORMAT text|sarif|junit|json]
#                       [OUTPUT file] [NAME test_name])
#       A test that runs after every test of the group and fails when
#       `lockgraph check` finds a lock-order cycle across their graphs that is
#       not in the baseline: the inversion that no single test shows.
#
# The graphs go to ${CMAKE_BINARY_DIR}/lockgraph-graphs/GROUP/NAME.json.
include_guard(GLOBAL)

function(lockgraph_add_test)
  cmake_parse_arguments(ARG "" "NAME;GROUP;WORKING_DIRECTORY;OPTIONS" "COMMAND" ${ARGN})
  if(NOT ARG_NAME OR NOT ARG_COMMAND)
    message(FATAL_ERROR "lockgraph_add_test: NAME and COMMAND are required")
  endif()
  if(NOT ARG_GROUP)
    set(ARG_GROUP lockgraph)
  endif()
  set(dir "${CMAKE_BINARY_DIR}/lockgraph-graphs/${ARG_GROUP}")
  file(MAKE_DIRECTORY "${dir}")
  set(graph "${dir}/${ARG_NAME}.json")
  set(working)
  if(ARG_WORKING_DIRECTORY)
    set(working WORKING_DIRECTORY "${ARG_WORKING_DIRECTORY}")
  endif()
  add_test(NAME ${ARG_NAME} COMMAND ${ARG_COMMAND} ${working})
  set(options "graph_out=${graph}")
  if(ARG_OPTIONS)
    set(options "${ARG_OPTIONS}:${options}")
  endif()
  set_tests_properties(${ARG_NAME} PROPERTIES
    ENVIRONMENT "LOCKGRAPH_OPTIONS=${options}"
    FIXTURES_SETUP "lockgraph_graphs_${ARG_GROUP}")
  set_property(GLOBAL APPEND PROPERTY "LOCKGRAPH_GRAPHS_${ARG_GROUP}" "${graph}")
endfunction()

function(lockgraph_add_check)
  cmake_parse_arguments(ARG "" "GROUP;BASELINE;FORMAT;OUTPUT;NAME" "" ${ARGN})
  if(NOT ARG_GROUP)
    set(ARG_GROUP lockgraph)
  endif()
  if(NOT ARG_NAME)
    set(ARG_NAME "${ARG_GROUP}.lockgraph_check")
  endif()
  get_property(graphs GLOBAL PROPERTY "LOCKGRAPH_GRAPHS_${ARG_GROUP}")
  if(NOT graphs)
    message(FATAL_ERROR "lockgraph_add_check: no lockgraph_add_test in group ${ARG_GROUP}")
  endif()
  if(TARGET lockgraph_cli)
    set(cli $<TARGET_FILE:lockgraph_cli>)
  elseif(TARGET lockgraph::cli)
    set(cli $<TARGET_FILE:lockgraph::cli>)
  else()
    find_program(LOCKGRAPH_CLI lockgraph REQUIRED)
    set(cli ${LOCKGRAPH_CLI})
  endif()
  set(args --keep-going)  # a test filtered out of this run has no graph: warn, go on
  if(ARG_BASELINE)
    list(APPEND args --baseline "${ARG_BASELINE}")
  endif()
  if(ARG_FORMAT)
    list(APPEND args --format ${ARG_FORMAT})
  endif()
  if(ARG_OUTPUT)
    list(APPEND args -o "${ARG_OUTPUT}")
  endif()
  add_test(NAME ${ARG_NAME} COMMAND ${cli} check ${args} ${graphs})
  set_tests_properties(${ARG_NAME} PROPERTIES FIXTURES_REQUIRED "lockgraph_graphs_${ARG_GROUP}")
endfunction()
