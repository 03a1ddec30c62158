#include "process_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <filesystem>

#include "fs_util.hpp"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, not declared by <unistd.h> in C++

namespace openclaw::hook {
namespace {

using SteadyClock = std::chrono::steady_clock;

// How long a helper of an exited command may keep its output open before it is taken for a leftover.
constexpr std::chrono::milliseconds kLeftoverGrace{200};

std::string resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    const auto colon = dirs.find(':');
    const std::string candidate = std::string(dirs.substr(0, colon)) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    dirs = colon == std::string_view::npos ? std::string_view{} : dirs.substr(colon + 1);
  }
  return name;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Everything the child needs is prepared before fork(): after it, only async-signal-safe calls.
[[noreturn]] void exec_child(const std::string& program, char* const* argv, char* const* envp, int out_fd) {
  ::setpgid(0, 0);
  // The hook blocks SIGTERM/SIGINT in every thread (they are sigwait()ed) and execve keeps the mask: unblocked
  // here, or `systemctl` and a configured command could not be stopped by SIGTERM.
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  const int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) ::dup2(devnull, 0);
  ::dup2(out_fd, 1);
  ::dup2(out_fd, 2);
  ::close_range(3, ~0U, 0);
  ::signal(SIGPIPE, SIG_DFL);
  ::execve(program.c_str(), argv, envp);
  ::_exit(127);
}

}  // namespace

ProcessResult ForkExecRunner::run(const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                                  const std::vector<std::string>& extra_env, std::stop_token stop) {
  ProcessResult result;
  if (args.empty()) return result;
  const auto started = SteadyClock::now();
  const std::string program = resolve_program(args.front());
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  for (const auto& e : extra_env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    result.output = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);
  const pid_t pid = ::fork();
  if (pid < 0) {
    result.output = std::string("fork: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0) exec_child(program, argv.data(), envp.data(), write_end.get());
  // Also from the parent: otherwise a timeout that fires before the child ran setpgid() would miss the group.
  ::setpgid(pid, pid);
  write_end.reset();

  const auto deadline = started + timeout;
  int status = 0;
  bool exited = false;
  bool eof = false;
  char buffer[4096];
  const auto read_some = [&] {
    const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
    if (n > 0 && result.output.size() < kMaxOutput) {
      result.output.append(buffer, std::min(static_cast<std::size_t>(n), kMaxOutput - result.output.size()));
    }
    if (n == 0) eof = true;
  };
  while (!exited) {
    if (stop.stop_requested()) {
      result.interrupted = true;
      break;
    }
    if (SteadyClock::now() >= deadline) {
      ::kill(-pid, SIGKILL);  // the whole group: systemctl's helpers, a command's children
      result.timed_out = true;
      ::waitpid(pid, &status, 0);
      break;
    }
    pollfd pfd{read_end.get(), POLLIN, 0};
    if (!eof && ::poll(&pfd, 1, 20) > 0) {
      read_some();
    } else if (eof) {
      ::usleep(10'000);
    }
    if (::waitpid(pid, &status, WNOHANG) == pid) exited = true;
  }
  if (exited && !eof) {
    // What the command wrote before it exited is in the pipe, and a helper about to let go of the output (a shell's
    // `daemon >/dev/null &` redirects only after its fork) gets a moment: a bounded wait and a bounded number of
    // reads (a helper that keeps writing must not keep us here).
    const auto grace_end = std::min(deadline, SteadyClock::now() + kLeftoverGrace);
    for (std::size_t reads = 0; !eof && reads <= kMaxOutput / sizeof buffer; ++reads) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(grace_end - SteadyClock::now());
      pollfd pfd{read_end.get(), POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0))) <= 0) break;
      read_some();
    }
    // Still open: something the command started holds its output. The command is over, and so is what it left
    // in its process group (a helper that detached its output, or left the group, is not ours to kill).
    if (!eof) {
      ::kill(-pid, SIGKILL);
      result.killed_leftovers = true;
    }
  }
  // Interrupted: it still runs, no exit code yet (-1, not ok()).
  result.exit_code = exited || result.timed_out ? decode_status(status) : -1;
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started);
  return result;
}

}  // namespace openclaw::hook
