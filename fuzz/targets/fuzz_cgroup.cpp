// cgroup text (exporter/src/proc_parsers.cpp): /proc/PID/cgroup and the memory controller's files.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "proc_parsers.hpp"

using namespace openclaw::exporter;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto groups = parse_proc_cgroup(text)) {
    for (const char* controller : {"memory", "cpu", "cpuacct", "name=systemd", ""}) (void)groups->v1_path(controller);
  }
  (void)parse_cgroup_v2_memory_max(text);
  (void)parse_cgroup_v1_memory_limit(text);
  (void)parse_cgroup_bytes(text);
  for (const char* key : {"inactive_file", "total_inactive_file", "anon", ""}) {
    (void)parse_cgroup_memory_stat(text, key);
  }
  return 0;
}
