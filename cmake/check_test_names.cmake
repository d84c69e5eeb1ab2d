# check_test_names.cmake: fails when a doctest test case's name would not survive as a ctest
# entry (doctest_discover_tests splits names at ';', so each half would run no test at all).
# Usage: cmake -DTEST_EXECUTABLE=path -P check_test_names.cmake
execute_process(COMMAND ${TEST_EXECUTABLE} --list-test-cases OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${TEST_EXECUTABLE} --list-test-cases failed (${rc})")
endif()
string(REPLACE ";" "<SEMICOLON>" out "${out}")
string(REPLACE "\n" ";" lines "${out}")
foreach(line IN LISTS lines)
  if(line MATCHES "<SEMICOLON>")
    string(REPLACE "<SEMICOLON>" ";" line "${line}")
    message(FATAL_ERROR "test case name with ';' (ctest would split it and run nothing): ${line}")
  endif()
endforeach()
message(STATUS "every test case name survives as a ctest entry")
