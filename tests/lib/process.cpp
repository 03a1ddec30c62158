#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

extern char** environ;

namespace openclaw::testing {
namespace {

using Clock = std::chrono::steady_clock;

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Everything the child needs is built before fork(): after fork in a multi-threaded test only async-signal-safe
// calls are allowed.
struct ExecArgs {
  std::vector<std::string> storage;
  std::vector<char*> argv;
  std::vector<std::string> env_storage;
  std::vector<char*> envp;

  ExecArgs(const std::vector<std::string>& args, const std::vector<std::string>& extra_env) : storage(args) {
    if (storage.empty()) throw std::invalid_argument("empty argv");
    for (auto& arg : storage) argv.push_back(arg.data());
    argv.push_back(nullptr);
    for (char** entry = environ; *entry != nullptr; ++entry) {
      const std::string_view current(*entry);
      const auto key = current.substr(0, current.find('=') + 1);
      bool overridden = false;
      for (const auto& extra : extra_env) overridden = overridden || extra.starts_with(key);
      if (!overridden) env_storage.emplace_back(current);
    }
    for (const auto& extra : extra_env) env_storage.push_back(extra);
    for (auto& entry : env_storage) envp.push_back(entry.data());
    envp.push_back(nullptr);
  }
};

// In the child: its own process group, and the test's signal dispositions undone: a child must die from SIGTERM
// even if gtest ignored something.
void become_own_group_with_default_signals() {
  setpgid(0, 0);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD}) ::signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

// In the child: own process group, stdin /dev/null, stdout/stderr to `out_fd` (unless -1), exec.
// Reports errno through `error_fd` (close-on-exec) when exec fails.
[[noreturn]] void exec_child(ExecArgs& args, int out_fd, int error_fd) {
  become_own_group_with_default_signals();
  const int devnull = open("/dev/null", O_RDONLY);
  if (devnull >= 0) dup2(devnull, STDIN_FILENO);
  if (out_fd >= 0) {
    dup2(out_fd, STDOUT_FILENO);
    dup2(out_fd, STDERR_FILENO);
  }
  execvpe(args.argv[0], args.argv.data(), args.envp.data());
  const int err = errno;
  if (error_fd >= 0) {
    [[maybe_unused]] const auto n = write(error_fd, &err, sizeof err);
  }
  _exit(127);
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  ExecArgs args(argv, {});
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return {127, std::string("pipe: ") + std::strerror(errno)};
  const pid_t pid = fork();
  if (pid < 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return {127, std::string("fork: ") + std::strerror(errno)};
  }
  if (pid == 0) {
    close(out_pipe[0]);
    // dup2 clears FD_CLOEXEC on the copies, so the command writes into the pipe.
    exec_child(args, out_pipe[1], -1);
  }
  close(out_pipe[1]);
  setpgid(pid, pid);  // also done in the child; whichever runs first wins, so the group exists for kill()

  std::string output;
  const auto deadline = Clock::now() + timeout;
  bool timed_out = false;
  char buffer[8192];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd pfd{out_pipe[0], POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    const ssize_t n = read(out_pipe[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: every writer (the command and anything it forked) has closed the pipe
    output.append(buffer, static_cast<std::size_t>(n));
  }
  close(out_pipe[0]);
  int status = 0;
  // The command may have closed its output and still run: keep to the deadline while waiting for it too.
  while (!timed_out) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) break;
    if (Clock::now() >= deadline) {
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (timed_out) {
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (timed_out) {
    output += "\n[run_command: killed after " + std::to_string(timeout.count()) + " ms]\n";
    return {-1, std::move(output)};
  }
  return {decode_status(status), std::move(output)};
}

ChildProcess::ChildProcess(std::vector<std::string> argv, std::vector<std::string> extra_env, std::string log_file)
    : log_file_(std::move(log_file)) {
  ExecArgs args(argv, extra_env);
  int out_fd = -1;
  if (!log_file_.empty()) {
    out_fd = open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out_fd < 0) throw std::runtime_error("cannot open log file " + log_file_ + ": " + std::strerror(errno));
  }
  int error_pipe[2];
  if (pipe2(error_pipe, O_CLOEXEC) != 0) {
    if (out_fd >= 0) close(out_fd);
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  pid_ = fork();
  if (pid_ == 0) {
    close(error_pipe[0]);
    exec_child(args, out_fd, error_pipe[1]);
  }
  const int fork_errno = errno;
  close(error_pipe[1]);
  if (out_fd >= 0) close(out_fd);
  if (pid_ < 0) {
    close(error_pipe[0]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(fork_errno));
  }
  setpgid(pid_, pid_);
  int exec_errno = 0;
  ssize_t n = 0;
  do {
    n = read(error_pipe[0], &exec_errno, sizeof exec_errno);
  } while (n < 0 && errno == EINTR);
  close(error_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    throw std::runtime_error("cannot execute " + argv.front() + ": " + std::strerror(exec_errno));
  }
}

ChildProcess ChildProcess::fork_and_run(const std::function<int()>& body) {
  ChildProcess child;
  child.pid_ = fork();
  if (child.pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (child.pid_ == 0) {
    become_own_group_with_default_signals();
    int code = 0;
    try {
      code = body();
    } catch (...) {
      code = 1;  // an exception must not unwind into the copy of the test
    }
    _exit(code);  // nor may its atexit handlers and destructors run
  }
  setpgid(child.pid_, child.pid_);
  return child;
}

ChildProcess::~ChildProcess() { terminate_and_reap(); }

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      exit_status_(std::exchange(other.exit_status_, std::nullopt)),
      log_file_(std::move(other.log_file_)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    terminate_and_reap();
    pid_ = std::exchange(other.pid_, -1);
    exit_status_ = std::exchange(other.exit_status_, std::nullopt);
    log_file_ = std::move(other.log_file_);
  }
  return *this;
}

bool ChildProcess::poll_exit() noexcept {
  if (pid_ < 0 || exit_status_) return true;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_status_ = decode_status(status);
    return true;
  }
  return r < 0 && errno == ECHILD;
}

bool ChildProcess::running() { return !poll_exit(); }

bool ChildProcess::signal(int sig) {
  if (poll_exit()) return false;
  return kill(pid_, sig) == 0;
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (poll_exit()) return exit_status_;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string ChildProcess::log() const {
  if (log_file_.empty()) return {};
  std::ifstream in(log_file_, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

void ChildProcess::terminate_and_reap() noexcept {
  if (pid_ < 0) return;
  if (!poll_exit()) {
    kill(pid_, SIGTERM);
    if (!wait_exit(std::chrono::seconds(5))) {
      kill(-pid_, SIGKILL);  // the leader is still unreaped, so the group id cannot have been reused
      kill(pid_, SIGKILL);
      int status = 0;
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      exit_status_ = decode_status(status);
    }
  }
  pid_ = -1;
}

}  // namespace openclaw::testing
