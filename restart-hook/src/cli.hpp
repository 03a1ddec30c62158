#pragma once

#include <string>

namespace openclaw::hook {

struct CliOptions {
  std::string config_file = "/etc/openclaw-restart-hook/config.yml";
  std::string listen_address = "127.0.0.1:9788";
  std::string log_level = "info";
  std::string log_format = "logfmt";
  bool dry_run = false;
  bool check_config = false;
  bool insecure = false;
};

// The whole program: flags, configuration, server, workers; returns the exit code. SIGTERM/SIGINT stop it.
int run_main(int argc, char** argv);

// amtool check-config's shape: "Checking '<file>'  SUCCESS" plus a summary, or "FAILED: <key>: <reason>".
// Returns the exit code; writes the report to `out`.
int check_config(const std::string& path, std::string& out);

}  // namespace openclaw::hook
