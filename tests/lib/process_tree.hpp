#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace openclaw::testing {

// More ground truth from /proc and `ss`, for comparing a monitor's numbers with (see proc_truth.hpp).

// `pid` followed by all its descendants (breadth-first, from /proc/PID/task/TID/children of every thread).
std::vector<pid_t> process_tree(pid_t pid);
// Sum of VmRSS over process_tree(pid), in bytes.
double tree_rss_bytes(pid_t pid);

// `ss -tanp` (run as a command), the sockets whose users include pid=PID, per state in the spelling of
// tcp_states_of_pid(): "ESTABLISHED", "CLOSE_WAIT", "LISTEN", ... Empty when ss fails.
std::map<std::string, int> ss_tcp_states_of_pid(pid_t pid);

}  // namespace openclaw::testing
