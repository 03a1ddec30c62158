#pragma once

#include <string>

namespace openclaw::hook {

struct CliOptions {
  std::string config_file = "/etc/openclaw-restart-hook/config.yml";
  std::string listen_address = "127.0.0.1:9788";
  std::string host;  // empty: the machine's name
  std::string log_level = "info";
  std::string log_format = "logfmt";
  bool dry_run = false;
  bool check_config = false;
  bool insecure = false;
};

// True when every address civetweb would listen on is loopback. civetweb takes a comma-separated list, and
// "127.0.0.1:9788,0.0.0.0:9788" must not pass as loopback because it starts with "127.".
bool listens_on_loopback_only(const std::string& listen_address);

// The whole program: flags, configuration, server, workers; returns the exit code. SIGTERM/SIGINT stop it.
int run_main(int argc, char** argv);

// amtool check-config's shape: "Checking '<file>'  SUCCESS" plus a summary, or "FAILED: <key>: <reason>".
// Returns the exit code; writes the report to `out`.
int check_config(const std::string& path, std::string& out);

}  // namespace openclaw::hook
