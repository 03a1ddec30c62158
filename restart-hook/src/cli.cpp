#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <curl/curl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "auth.hpp"
#include "build_info.hpp"
#include "config.hpp"
#include "engine.hpp"
#include "hook_server.hpp"
#include "host_label.hpp"
#include "listen_address.hpp"
#include "logging.hpp"
#include "sd_bus_unit_control.hpp"

namespace openclaw::hook {
namespace {

void check_readable(const std::string& path, const char* key) {
  if (!path.empty() && ::access(path.c_str(), R_OK) != 0) {
    throw ConfigError(key, fmt::format("cannot read {}", path));
  }
}

}  // namespace

bool listens_on_loopback_only(const std::string& listen_address) {
  std::string_view rest = listen_address;
  for (;;) {
    const auto comma = rest.find(',');
    if (!is_loopback_listen_address(rest.substr(0, comma))) return false;
    if (comma == std::string_view::npos) return true;
    rest.remove_prefix(comma + 1);
  }
}

namespace {

Config load_for_host(const std::string& path, const std::string& host_flag) {
  Config config = load_config_file(path);
  const std::string host = host_flag.empty() ? machine_hostname() : host_flag;
  config.host = host;
  spdlog::info("host {}: alerts whose `host` label names another host are refused (wrong_host)", host);
  assign_schedule_offsets(config, host);
  for (const auto& gw : config.gateways) {
    if (config.policy.low_traffic_windows.empty()) break;
    spdlog::info("gateway {}: scheduled restarts run {} s into each low-traffic window (host {})", gw.name,
                 gw.schedule_offset.count() / 1000, host);
  }
  return config;
}

int serve(const CliOptions& options) {
  const Config config = load_for_host(options.config_file, options.host);
  const Credentials credentials = load_credentials(config.auth);
  check_readable(config.tls.cert_file, "tls.cert_file");
  check_readable(config.tls.key_file, "tls.key_file");
  if (!credentials.enabled() && !listens_on_loopback_only(options.listen_address) && !options.insecure) {
    spdlog::error("refusing to listen on {} without authentication: configure auth (bearer_token_file or "
                  "basic_auth) or pass --web.insecure",
                  options.listen_address);
    return 1;
  }
  SystemClock clock;
  ForkExecRunner runner;
  CurlHealthChecker health;
  SystemBusyProbe busy(runner);
  SdBusUnitControl units;  // connects at its first use: the hook starts even before the user manager
  std::vector<std::string> names;
  for (const auto& gw : config.gateways) names.push_back(gw.name);
  HookMetrics metrics(names);
  Engine engine(config, EngineDeps{clock, runner, health, busy, units}, metrics, EngineOptions{.dry_run = options.dry_run});
  HookServer server(config, options.listen_address, engine, metrics, credentials);
  spdlog::info("openclaw-restart-hook {} listening on {} (port {}){}{}", kVersion, options.listen_address,
               server.port(), config.tls.enabled() ? " with TLS" : "", options.dry_run ? ", dry run" : "");
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  for (;;) {
    int received = 0;
    sigwait(&signals, &received);
    if (received != SIGHUP) {
      spdlog::info("received signal {}, stopping", received);
      return 0;
    }
    // Reloading would swap the policy under a running restart; a restart of the hook is safe (state.json).
    spdlog::warn("received SIGHUP: ignored, the configuration is read at start only; restart the hook to apply "
                 "a changed {} (`systemctl --user restart openclaw-restart-hook`)",
                 options.config_file);
  }
}

}  // namespace

int check_config(const std::string& path, std::string& out) {
  try {
    const Config config = load_config_file(path);
    (void)load_credentials(config.auth);
    check_readable(config.tls.cert_file, "tls.cert_file");
    check_readable(config.tls.key_file, "tls.key_file");
    out = fmt::format("Checking '{}'  SUCCESS\nFound:\n - {} gateway(s)\n - {} rule(s)\n - {} low-traffic window(s)\n",
                      path, config.gateways.size(), config.rules.size(), config.policy.low_traffic_windows.size());
    return 0;
  } catch (const ConfigError& e) {
    out = fmt::format("Checking '{}'  FAILED: {}\n", path, e.what());
    return 1;
  } catch (const std::exception& e) {  // a parser's bug, not the file's: still an answer, never an abort
    out = fmt::format("Checking '{}'  FAILED: {}\n", path, e.what());
    return 1;
  }
}

int run_main(int argc, char** argv) {
  CliOptions options;
  CLI::App app{"openclaw-restart-hook: Alertmanager webhooks in, safe restarts of the OpenClaw Gateway out",
               "openclaw-restart-hook"};
  app.add_option("--config.file", options.config_file, "Configuration file (YAML)")->capture_default_str();
  app.add_option("--web.listen-address", options.listen_address, "Address to listen on (host:port)")
      ->capture_default_str();
  app.add_option("--host", options.host,
                 "This host's name as the `host` label of alerts carries it (default: the machine's hostname): an "
                 "alert naming another host is refused; also the `host` label on every series the hook exports");
  app.add_option("--log.level", options.log_level, "debug, info, warn or error")->capture_default_str();
  app.add_option("--log.format", options.log_format, "logfmt or json")->capture_default_str();
  app.add_flag("--dry-run", options.dry_run, "Decide and record, never act");
  app.add_flag("--check-config", options.check_config, "Validate the configuration and exit (non-zero on error)");
  app.add_flag("--web.insecure", options.insecure, "Allow a non-loopback address without authentication");
  app.set_version_flag("--version", fmt::format("openclaw-restart-hook {} (revision {})", kVersion, kRevision));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (options.check_config) {
    std::string report;
    const int code = check_config(options.config_file, report);
    (code == 0 ? std::cout : std::cerr) << report;
    return code;
  }
  // Block the stop signals (and SIGHUP, whose default action would kill the hook) before any thread exists, so only
  // sigwait() in serve() receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  try {
    setup_logging(options.log_level, parse_log_format(options.log_format));
  } catch (const std::invalid_argument& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  try {
    return serve(options);
  } catch (const ConfigError& e) {
    spdlog::error("config file {}: {}", options.config_file, e.what());
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
  }
  return 1;
}

}  // namespace openclaw::hook
