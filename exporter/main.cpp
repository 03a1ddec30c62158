// openclaw-gateway-exporter: Prometheus metrics for OpenClaw gateways. Everything but the signal wait lives in
// exporter_lib.
#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>

#include "build_info.hpp"
#include "config.hpp"
#include "exporter.hpp"
#include "logging.hpp"

int main(int argc, char** argv) {
  using namespace openclaw;
  exporter::ParsedArgs args;
  try {
    args = exporter::parse_exporter_args(argc, argv);
    if (args.exit_now) return 0;
    setup_logging(args.config.log_level, parse_log_format(args.config.log_format));
  } catch (const std::exception& e) {
    std::cerr << "openclaw-gateway-exporter: " << e.what() << "\n";
    return 2;
  }

  // Block the stop signals before any thread starts, so that only the sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  curl_global_init(CURL_GLOBAL_DEFAULT);

  int exit_code = 0;
  try {
    exporter::Exporter running(args.config);
    spdlog::info("listening address={} telemetry_path={} gateways={} host={} version={} revision={}",
                 args.config.listen_address, args.config.telemetry_path, args.config.gateways.size(),
                 args.config.host, kVersion, kRevision);
    int signal = 0;
    sigwait(&stop_signals, &signal);
    spdlog::info("stopping signal={}", signal);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    exit_code = 1;
  }
  curl_global_cleanup();
  return exit_code;
}
