# Precompiled headers: the heavy standard and third-party headers most of our sources include are parsed once per
# build instead of once per source file. A cold build on the 2-core test machine is the largest single cost of
# scripts/test.sh (docs/testing.md); parsing these headers was about half of it.
#   openclaw_precompile(target)         a program or library of ours: reuses openclaw_pch's
#   openclaw_precompile(target TESTS)   a test program (links GoogleTest): reuses openclaw_test_pch's
# GCC uses a precompiled header only where every macro defined when it was made is defined alike, so the two headers
# are made by targets of their own with nothing but the definitions every user has (spdlog/fmt/civetweb's, and
# GoogleTest's for the tests). Only headers that no source configures with a macro of its own belong here.
set(OPENCLAW_PCH_HEADERS
  <algorithm> <atomic> <chrono> <filesystem> <fstream> <functional> <map> <memory> <mutex> <optional> <regex>
  <sstream> <string> <string_view> <thread> <vector>
  <fmt/format.h> <nlohmann/json.hpp> <spdlog/spdlog.h>)

file(WRITE "${PROJECT_BINARY_DIR}/pch/pch.cpp" "// The source of the precompiled-header targets (cmake/Pch.cmake).\n")
add_library(openclaw_pch OBJECT "${PROJECT_BINARY_DIR}/pch/pch.cpp")
target_link_libraries(openclaw_pch PRIVATE civetweb::civetweb-cpp prometheus-cpp::core spdlog::spdlog fmt::fmt
  nlohmann_json::nlohmann_json openclaw::warnings)
target_precompile_headers(openclaw_pch PRIVATE ${OPENCLAW_PCH_HEADERS})

function(openclaw_precompile target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "TESTS" "" "")
  if(arg_TESTS)
    if(NOT TARGET openclaw_test_pch)
      add_library(openclaw_test_pch OBJECT "${PROJECT_BINARY_DIR}/pch/pch.cpp")
      target_link_libraries(openclaw_test_pch PRIVATE civetweb::civetweb-cpp prometheus-cpp::core spdlog::spdlog
        fmt::fmt nlohmann_json::nlohmann_json GTest::gtest GTest::gmock openclaw::warnings)
      target_precompile_headers(openclaw_test_pch PRIVATE ${OPENCLAW_PCH_HEADERS} <gmock/gmock.h> <gtest/gtest.h>)
    endif()
    target_precompile_headers(${target} REUSE_FROM openclaw_test_pch)
  else()
    target_precompile_headers(${target} REUSE_FROM openclaw_pch)
  endif()
endfunction()
