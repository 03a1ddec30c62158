// The gateway's /readyz body (exporter/src/readyz.cpp): whatever the gateway, or whatever answers on its port, sends.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto parsed = openclaw::exporter::parse_readyz(body);
  if (parsed && parsed->failing) {
    for (const auto& name : *parsed->failing) (void)name.size();
  }
  return 0;
}
