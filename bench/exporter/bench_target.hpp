#pragma once

#include <string>

namespace openclaw::bench {

// The process the benchmarks sample: $BENCH_PID when set (a running fixture gateway, or the real one), else a
// stand-in of the real gateway's size spawned here: ~77 fds, a listener and one loopback pair (3 TCP sockets), and
// one child process. The stand-in is killed when the program exits.
class BenchTarget {
 public:
  static BenchTarget& get();
  int pid() const { return pid_; }
  // A pid file naming pid(), for the collector's pid-file discovery.
  const std::string& pid_file() const { return pid_file_; }
  bool spawned() const { return child_ > 0; }

  BenchTarget(const BenchTarget&) = delete;
  BenchTarget& operator=(const BenchTarget&) = delete;
  BenchTarget(BenchTarget&&) = delete;
  BenchTarget& operator=(BenchTarget&&) = delete;

 private:
  BenchTarget();
  ~BenchTarget();
  int pid_ = 0;
  int child_ = 0;
  std::string pid_file_;
};

}  // namespace openclaw::bench
