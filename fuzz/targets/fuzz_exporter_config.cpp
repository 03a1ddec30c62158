// The exporter's --config.file (exporter/src/config.cpp, parse_gateways_yaml): answered with ConfigError naming the
// key, never with another exception, a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)openclaw::exporter::parse_gateways_yaml(text, "fuzz.yml");
  } catch (const openclaw::exporter::ConfigError&) {
  }
  return 0;
}
