// /proc text (exporter/src/proc_parsers.cpp, node_args.cpp, socket_counter.cpp): every parser of a /proc file on
// the same bytes, as a process that can write its own comm, cmdline and environ can shape them; and the
// --gateway.cmdline-regex match on them.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "node_args.hpp"
#include "proc_parsers.hpp"
#include "process_finder.hpp"
#include "socket_counter.hpp"

using namespace openclaw::exporter;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)parse_proc_stat(text);
  (void)parse_proc_status(text);
  (void)parse_max_open_files(text);
  (void)parse_meminfo(text);
  (void)parse_boot_time(text);
  (void)parse_task_children(text);
  (void)parse_pid_text(text);
  (void)parse_smaps_rollup(text);
  (void)parse_socket_link(text);

  // cmdline and environ: NUL-separated.
  const std::string joined = join_cmdline(text);
  if (joined.size() > text.size()) std::abort();
  const std::vector<std::string_view> argv = split_cmdline(text);
  for (const auto arg : argv) {
    if (arg.empty() || arg.data() < text.data() || arg.data() + arg.size() > text.data() + text.size()) std::abort();
  }
  (void)cmdline_is_retitled(text);
  // --gateway.cmdline-regex as an operator may write it, on a cmdline any local user can shape.
  static const std::regex kPatterns[] = {compile_cmdline_regex("^openclaw-gateway( |$)"),
                                         compile_cmdline_regex("^node .*openclaw.*gateway"),
                                         compile_cmdline_regex("gateway$")};
  for (const auto& pattern : kPatterns) (void)cmdline_matches(text, pattern);
  const auto node_options = environ_value(text, "NODE_OPTIONS");
  if (node_options) (void)split_node_options(*node_options);
  (void)max_old_space_size_mib(argv, node_options);
  (void)classify_child(argv);
  return 0;
}
