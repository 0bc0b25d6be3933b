# Run by ctest (TEST_INCLUDE_FILES) after Catch's discovery file of one test
# binary: gives the label `hostile` to that binary's test cases tagged
# [hostile], so `ctest -L hostile` (`make hostile`) runs the suite of probes
# an adversary would try (issue 15) and ctest's label summary counts them.
# Expects BIN (the test binary), PREFIX (its ctest name prefix) and TESTS
# (the names Catch's discovery registered; only those get the label, since
# ctest stops on properties set for a test it does not know).
if(NOT EXISTS "${BIN}")
  return()
endif()
execute_process(COMMAND "${BIN}" --list-test-names-only "[hostile]"
                OUTPUT_VARIABLE names RESULT_VARIABLE rc ERROR_QUIET)
if(NOT rc EQUAL 0 AND names STREQUAL "")
  return()
endif()
string(REPLACE "\n" ";" names "${names}")
# Catch's discovery drops the space of TEST_PREFIX "<dir>: "; accept either.
string(STRIP "${PREFIX}" bare_prefix)
foreach(name IN LISTS names)
  foreach(full "${bare_prefix}${name}" "${bare_prefix} ${name}")
    # list(FIND), not IN_LIST: ctest reads this file without the policies of 3.3+.
    list(FIND TESTS "${full}" at)
    if(NOT name STREQUAL "" AND at GREATER -1)
      set_tests_properties("${full}" PROPERTIES LABELS hostile)
    endif()
  endforeach()
endforeach()
