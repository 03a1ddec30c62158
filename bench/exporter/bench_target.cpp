#include "bench_target.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace openclaw::bench {
namespace {

constexpr int kStandInFds = 77;

// Runs in the forked child: becomes the stand-in gateway, tells the parent through `ready`, and never returns.
[[noreturn]] void become_stand_in(int ready) {
  ::setpgid(0, 0);
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || ::listen(listener, 8) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::_Exit(1);
  }
  const int client = ::socket(AF_INET, SOCK_STREAM, 0);
  if (::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) std::_Exit(1);
  const int accepted = ::accept(listener, nullptr, nullptr);
  if (accepted < 0) std::_Exit(1);
  if (::fork() == 0) {  // the child process the real gateway also has
    for (;;) ::pause();
  }
  for (int fd = 0; fd >= 0 && fd < kStandInFds - 1;) fd = ::open("/dev/null", O_RDONLY);
  const char byte = 1;
  if (::write(ready, &byte, 1) != 1) std::_Exit(1);
  ::close(ready);
  for (;;) ::pause();
}

}  // namespace

BenchTarget& BenchTarget::get() {
  static BenchTarget target;
  return target;
}

BenchTarget::BenchTarget() {
  if (const char* env = std::getenv("BENCH_PID"); env != nullptr && *env != '\0') {
    pid_ = std::stoi(env);
  } else {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
    child_ = ::fork();
    if (child_ < 0) throw std::runtime_error("fork failed");
    if (child_ == 0) {
      ::close(pipe_fds[0]);
      become_stand_in(pipe_fds[1]);
    }
    ::close(pipe_fds[1]);
    char byte = 0;
    if (::read(pipe_fds[0], &byte, 1) != 1) throw std::runtime_error("the stand-in gateway did not start");
    ::close(pipe_fds[0]);
    pid_ = child_;
  }
  char path[] = "/tmp/exporter_bench_pid_XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  const std::string text = std::to_string(pid_) + "\n";
  if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) throw std::runtime_error("write");
  ::close(fd);
  pid_file_ = path;
}

BenchTarget::~BenchTarget() {
  ::unlink(pid_file_.c_str());
  if (child_ > 0) {
    ::kill(-child_, SIGKILL);  // the stand-in and its child (own process group)
    ::waitpid(child_, nullptr, 0);
  }
}

}  // namespace openclaw::bench
