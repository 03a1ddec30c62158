// openclaw-restart-hook: everything lives in restart_hook_lib; see src/cli.cpp.
#include "cli.hpp"

int main(int argc, char** argv) { return openclaw::hook::run_main(argc, argv); }
