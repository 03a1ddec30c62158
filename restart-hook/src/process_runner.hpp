#pragma once

#include <chrono>
#include <stop_token>
#include <string>
#include <vector>

namespace openclaw::hook {

struct ProcessResult {
  int exit_code = -1;        // 128+N when killed by signal N; 127 when not executable; -1 when it never ran
  bool timed_out = false;    // killed (with its process group) at the timeout
  bool interrupted = false;  // the caller stopped waiting (the hook is stopping); the process was left running
  bool killed_leftovers = false;  // it exited, and what it left in its process group still held its output: killed
  std::string output;        // stdout and stderr interleaved, at most kMaxOutput bytes
  std::chrono::milliseconds duration{0};
  bool ok() const { return exit_code == 0 && !timed_out; }
};

// The seam for everything the hook executes: systemctl, the configured command.
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  // argv[0] without a slash is looked up in PATH. `extra_env` ("KEY=VALUE") is added to the environment. A stop
  // request ends the wait (result.interrupted) without killing the process: half a restart command is worse
  // than a whole one, and the hook's unit stops what is left in its cgroup.
  virtual ProcessResult run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                            const std::vector<std::string>& extra_env, std::stop_token stop = {}) = 0;
};

// fork/exec, never a shell: argv goes to execve as given. The child gets its own process group (killed whole
// at the timeout), stdin from /dev/null and no inherited fds beyond 0-2. run() returns when the child has exited,
// however long something it started keeps its output open: leftovers in its process group still holding the output
// 200 ms after it exited are killed then (a helper that redirected its output, e.g. `daemon >/dev/null 2>&1 &`, is
// left alone). A helper that left the
// group (setsid) is beyond reach; the hook's unit cgroup ends it when the hook stops.
class ForkExecRunner final : public ProcessRunner {
 public:
  static constexpr std::size_t kMaxOutput = 64 * 1024;
  ProcessResult run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                    const std::vector<std::string>& extra_env, std::stop_token stop = {}) override;
};

}  // namespace openclaw::hook
