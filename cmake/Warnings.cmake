# Warnings live in an INTERFACE target that every project target links; no global flags.
# Not -Wnull-dereference: with GCC 12 at -O2 it fires inside libstdc++ (stl_construct.h, streambuf) on correct code.
add_library(openclaw_warnings INTERFACE)
add_library(openclaw::warnings ALIAS openclaw_warnings)
target_compile_options(openclaw_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
# Not GCC 12's middle-end access warnings (-Warray-bounds, -Wstringop-overflow): at -O2 they report std::string's
# own copies (char_traits::copy inlined into operator+ or a move constructor) as out of bounds — false positives
# that system-header suppression hides only while libstdc++ is not precompiled (cmake/Pch.cmake).
# AddressSanitizer checks real bounds at run time (scripts/test.sh).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(openclaw_warnings INTERFACE -Wno-array-bounds -Wno-stringop-overflow)
endif()
# In a unity build (OPENCLAW_UNITY_BUILD) GCC sees every source as a header included into its batch and warns
# (-Wsubobject-linkage) about each TEST_F whose fixture is in an anonymous namespace: a header's concern (one type,
# different in every translation unit that includes it) that cannot arise for a source compiled once.
if(OPENCLAW_UNITY_BUILD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(openclaw_warnings INTERFACE -Wno-subobject-linkage)
endif()
if(OPENCLAW_WARNINGS_AS_ERRORS)
  target_compile_options(openclaw_warnings INTERFACE -Werror)
endif()
