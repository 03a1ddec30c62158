// The hook's configuration (restart-hook/src/config.cpp, config_yaml.cpp): YAML that `--check-config` must answer
// with ConfigError naming the key, never with another exception, a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config.hpp"

using namespace openclaw::hook;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    Config config = parse_config(text);
    assign_schedule_offsets(config, "fuzzhost");
    const TimePoint now{std::chrono::seconds{1773115800}};
    for (const auto& window : config.policy.low_traffic_windows) {
      (void)window.describe();
      if (window.next_open(now) <= now) std::abort();
    }
    (void)current_window(config.policy.low_traffic_windows, now);
    for (const auto& gateway : config.gateways) (void)gateway.match.describe();
    for (const auto& rule : config.rules) (void)rule.match.describe();
  } catch (const ConfigError&) {
  }
  return 0;
}
