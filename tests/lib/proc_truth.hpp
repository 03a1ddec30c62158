#pragma once

#include <sys/types.h>

#include <map>
#include <string>

namespace openclaw::testing {

// Ground truth read straight from /proc, for tests to compare a monitor's numbers with (tests may read
// /proc/net/tcp; the product never does).

// TCP sockets (IPv4 and IPv6) referenced by the fds of `pid`, per state name as `ss` spells them in
// /proc/net/tcp terms: "ESTABLISHED", "LISTEN", "CLOSE_WAIT", "TIME_WAIT", "FIN_WAIT1", "FIN_WAIT2", "SYN_SENT",
// "SYN_RECV", "CLOSE", "LAST_ACK", "CLOSING". States with no socket are absent (use count_or_zero).
std::map<std::string, int> tcp_states_of_pid(pid_t pid);
int count_or_zero(const std::map<std::string, int>& counts, const std::string& key);

// Number of entries in /proc/PID/fd (-1 when unreadable).
int open_fd_count(pid_t pid);
// A field of /proc/PID/status in its unit ("Threads" -> count, "VmRSS" -> kB); -1 when absent.
long proc_status_field(pid_t pid, const std::string& field);
// The parent pid from /proc/PID/stat (-1 when gone).
pid_t parent_pid(pid_t pid);
// True while /proc/PID exists and the process is not a zombie.
bool process_alive(pid_t pid);

}  // namespace openclaw::testing
