#pragma once

#include <sys/types.h>

#include <atomic>
#include <string>
#include <vector>

namespace openclaw::fixture {

// The gateway's helper child (the real one has a SQLite worker and a spawn broker): this program re-executed as
// `openclaw-fixture-gateway --child-worker MIB PARENT_PID`. It allocates and touches MIB MiB, then sleeps; it
// dies with its parent (PR_SET_PDEATHSIG) and on SIGTERM.
class ChildWorker {
 public:
  ChildWorker() = default;
  ~ChildWorker();
  ChildWorker(const ChildWorker&) = delete;
  ChildWorker& operator=(const ChildWorker&) = delete;
  ChildWorker(ChildWorker&&) = delete;
  ChildWorker& operator=(ChildWorker&&) = delete;

  // Must run on the main thread: the parent-death signal follows the THREAD that forked. Throws on failure.
  void spawn(int rss_mib);
  // Reaps the child if it exited (call on SIGCHLD).
  void reap();
  pid_t pid() const { return pid_.load(); }  // 0 when there is none (never started, or exited)
  int rss_mib() const { return rss_mib_; }

 private:
  std::atomic<pid_t> pid_{0};
  int rss_mib_ = 0;
};

// main() of the child: args are {MIB, PARENT_PID}.
int child_worker_main(const std::vector<std::string>& args);

}  // namespace openclaw::fixture
