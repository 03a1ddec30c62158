#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace openclaw::testing {

struct CommandResult {
  // The exit status; 128+N when killed by signal N; 127 when the program could not be executed;
  // -1 when it was killed because it ran past the timeout (output then ends with a note saying so).
  int exit_code;
  // stdout and stderr, interleaved as written.
  std::string output;
};

// Runs argv[0] (looked up in PATH) with argv, no shell, stdin from /dev/null, stdout+stderr captured.
// On timeout the whole process group of the command is SIGKILLed. Never throws for a failing command.
CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A child process owned by the test. Started with fork/exec (no shell) in its own process group, stdin from
// /dev/null, the test's environment plus `extra_env` ("KEY=VALUE", overriding), stdout+stderr appended to
// `log_file` (or inherited when empty). The constructor throws std::runtime_error when the program cannot be
// executed. The destructor sends SIGTERM, waits up to 5 s, then SIGKILLs the process group, and always reaps.
class ChildProcess {
 public:
  explicit ChildProcess(std::vector<std::string> argv, std::vector<std::string> extra_env = {},
                        std::string log_file = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;

  // A child that runs `body` in a fork of the test (no exec) and exits with its return value (1 if it throws), for
  // tests that need a process of their own making. Only what is safe after fork() in a threaded program belongs in
  // `body`. Own process group, default signal actions and output inherited; owned and ended as above.
  static ChildProcess fork_and_run(const std::function<int()>& body);

  pid_t pid() const { return pid_; }
  // False once the process has exited (it is then reaped and its status kept).
  bool running();
  // Sends `sig` to the process (not its group). False when it has already exited.
  bool signal(int sig);
  // Waits for the exit; the exit status (128+N for signal N), or nullopt on timeout. Returns the kept status on
  // later calls.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  // The log file's current contents ("" when output is inherited).
  std::string log() const;
  const std::string& log_file() const { return log_file_; }

 private:
  ChildProcess() = default;
  void terminate_and_reap() noexcept;
  bool poll_exit() noexcept;

  pid_t pid_ = -1;
  std::optional<int> exit_status_;
  std::string log_file_;
};

}  // namespace openclaw::testing
