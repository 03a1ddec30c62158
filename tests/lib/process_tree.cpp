#include "process_tree.hpp"

#include <filesystem>
#include <regex>
#include <sstream>

#include "paths.hpp"
#include "proc_truth.hpp"
#include "process.hpp"

namespace openclaw::testing {
namespace {

std::string try_read(const std::string& path) {
  try {
    return read_file(path);
  } catch (const std::exception&) {
    return {};  // the process or thread went away meanwhile
  }
}

std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> out;
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task/";
  // Children hang off the thread that forked them, so every thread's list counts.
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator(tasks, error)) {
    std::istringstream children(try_read(task.path().string() + "/children"));
    pid_t child = 0;
    while (children >> child) out.push_back(child);
  }
  return out;
}

// ss's state names -> the kernel's (/proc/net/tcp) spelling that proc_truth uses.
std::string kernel_state_name(const std::string& ss_state) {
  static const std::map<std::string, std::string> kNames = {
      {"ESTAB", "ESTABLISHED"},    {"SYN-SENT", "SYN_SENT"},   {"SYN-RECV", "SYN_RECV"}, {"FIN-WAIT-1", "FIN_WAIT1"},
      {"FIN-WAIT-2", "FIN_WAIT2"}, {"TIME-WAIT", "TIME_WAIT"}, {"UNCONN", "CLOSE"},      {"CLOSE-WAIT", "CLOSE_WAIT"},
      {"LAST-ACK", "LAST_ACK"},    {"LISTEN", "LISTEN"},       {"CLOSING", "CLOSING"}};
  const auto it = kNames.find(ss_state);
  return it == kNames.end() ? ss_state : it->second;
}

}  // namespace

std::vector<pid_t> process_tree(pid_t pid) {
  std::vector<pid_t> out{pid};
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (pid_t child : children_of(out[i])) out.push_back(child);
  }
  return out;
}

double tree_rss_bytes(pid_t pid) {
  double total = 0;
  for (pid_t p : process_tree(pid)) {
    const long kib = proc_status_field(p, "VmRSS");
    if (kib > 0) total += static_cast<double>(kib) * 1024;
  }
  return total;
}

std::map<std::string, int> ss_tcp_states_of_pid(pid_t pid) {
  std::map<std::string, int> counts;
  const CommandResult ss = run_command({"ss", "-tanpH"});
  if (ss.exit_code != 0) return counts;
  const std::regex owner("[(,]pid=" + std::to_string(pid) + ",");
  std::istringstream lines(ss.output);
  std::string line;
  while (std::getline(lines, line)) {
    if (!std::regex_search(line, owner)) continue;
    std::istringstream fields(line);
    std::string state;
    fields >> state;
    counts[kernel_state_name(state)] += 1;
  }
  return counts;
}

}  // namespace openclaw::testing
