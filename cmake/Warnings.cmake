# Warnings live in an INTERFACE target that every project target links; no global flags.
# Not -Wnull-dereference: with GCC 12 at -O2 it fires inside libstdc++ (stl_construct.h, streambuf) on correct code.
add_library(openclaw_warnings INTERFACE)
add_library(openclaw::warnings ALIAS openclaw_warnings)
target_compile_options(openclaw_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(OPENCLAW_WARNINGS_AS_ERRORS)
  target_compile_options(openclaw_warnings INTERFACE -Werror)
endif()
