#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace openclaw::hook {

struct ProcessResult {
  int exit_code = -1;        // 128+N when killed by signal N; 127 when not executable; -1 when it never ran
  bool timed_out = false;    // killed (with its process group) at the timeout
  std::string output;        // stdout and stderr interleaved, at most kMaxOutput bytes
  std::chrono::milliseconds duration{0};
  bool ok() const { return exit_code == 0 && !timed_out; }
};

// The seam for everything the hook executes: systemctl, the configured command.
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  // argv[0] without a slash is looked up in PATH. `extra_env` ("KEY=VALUE") is added to the environment.
  virtual ProcessResult run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                            const std::vector<std::string>& extra_env) = 0;
};

// fork/exec, never a shell: argv goes to execve as given. The child gets its own process group (killed whole
// at the timeout), stdin from /dev/null and no inherited fds beyond 0-2.
class ForkExecRunner final : public ProcessRunner {
 public:
  static constexpr std::size_t kMaxOutput = 64 * 1024;
  ProcessResult run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                    const std::vector<std::string>& extra_env) override;
};

}  // namespace openclaw::hook
