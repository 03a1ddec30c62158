#pragma once
// What the samplers' live-process tests (memory, process) share: a pipe to sequence a forked child, and a child that
// runs as nobody.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>

#include "process.hpp"

namespace openclaw::exporter {

// A pipe for one-byte signals between the test and a forked child (or to collect what a child writes).
class Pipe {
 public:
  Pipe() {
    if (::pipe2(fds_, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  }
  ~Pipe() {
    for (const int fd : fds_) {
      if (fd >= 0) ::close(fd);
    }
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  void signal() const { (void)!::write(fds_[1], "x", 1); }
  void wait() const {
    char byte = 0;
    (void)!::read(fds_[0], &byte, 1);
  }
  void close_write_end() {
    ::close(fds_[1]);
    fds_[1] = -1;
  }
  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }

 private:
  int fds_[2] = {-1, -1};
};

// Runs `body` in a child that dropped root to nobody, and returns what it wrote.
inline std::string run_as_nobody(const std::function<std::string()>& body) {
  Pipe out;
  openclaw::testing::ChildProcess child = openclaw::testing::ChildProcess::fork_and_run([&] {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) return 2;
    const std::string text = body();
    (void)!::write(out.write_end(), text.data(), text.size());
    return 0;
  });
  out.close_write_end();
  std::string text;
  char buffer[512];
  ssize_t got = 0;
  while ((got = ::read(out.read_end(), buffer, sizeof(buffer))) > 0) text.append(buffer, static_cast<std::size_t>(got));
  child.wait_exit(std::chrono::seconds(30));
  return text;
}

}  // namespace openclaw::exporter
