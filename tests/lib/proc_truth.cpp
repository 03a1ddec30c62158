#include "proc_truth.hpp"

#include <dirent.h>
#include <unistd.h>

#include <array>
#include <climits>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

namespace openclaw::testing {
namespace {

// include/net/tcp_states.h
constexpr std::array<const char*, 12> kStateNames = {"",           "ESTABLISHED", "SYN_SENT",  "SYN_RECV",
                                                     "FIN_WAIT1",  "FIN_WAIT2",   "TIME_WAIT", "CLOSE",
                                                     "CLOSE_WAIT", "LAST_ACK",    "LISTEN",    "CLOSING"};

std::set<unsigned long> socket_inodes(pid_t pid) {
  std::set<unsigned long> inodes;
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) return inodes;
  while (const dirent* entry = readdir(handle)) {
    char target[PATH_MAX];
    const std::string link = dir + "/" + entry->d_name;
    const ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    const std::string_view text(target, static_cast<std::size_t>(n));
    if (text.starts_with("socket:[")) inodes.insert(std::stoul(std::string(text.substr(8, text.size() - 9))));
  }
  closedir(handle);
  return inodes;
}

}  // namespace

std::map<std::string, int> tcp_states_of_pid(pid_t pid) {
  const auto inodes = socket_inodes(pid);
  std::map<std::string, int> counts;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout;
      unsigned long inode = 0;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
      if (!fields || inode == 0 || !inodes.contains(inode)) continue;
      const auto index = std::stoul(state, nullptr, 16);
      counts[index < kStateNames.size() ? kStateNames[index] : state] += 1;
    }
  }
  return counts;
}

int count_or_zero(const std::map<std::string, int>& counts, const std::string& key) {
  const auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

int open_fd_count(pid_t pid) {
  DIR* handle = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (handle == nullptr) return -1;
  int count = 0;
  while (const dirent* entry = readdir(handle)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(handle);
  return count;
}

long proc_status_field(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field + ":")) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

namespace {

// The fields after "(comm)" of /proc/PID/stat; "" when gone.
std::string stat_after_comm(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return {};
  // comm may hold spaces and parentheses: the fields start after the last ')'.
  const auto close = stat.rfind(')');
  return close == std::string::npos ? std::string{} : stat.substr(close + 1);
}

}  // namespace

bool process_alive(pid_t pid) {
  std::istringstream rest(stat_after_comm(pid));
  std::string state;
  rest >> state;
  return !state.empty() && state != "Z" && state != "X";
}

pid_t parent_pid(pid_t pid) {
  const std::string fields = stat_after_comm(pid);
  if (fields.empty()) return -1;
  std::istringstream rest(fields);
  std::string state;
  pid_t ppid = -1;
  rest >> state >> ppid;
  return ppid;
}

}  // namespace openclaw::testing
