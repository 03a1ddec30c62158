#include "child_worker.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "memory_hog.hpp"

extern char** environ;

namespace openclaw::fixture {

ChildWorker::~ChildWorker() {
  const pid_t pid = pid_.exchange(0);
  if (pid > 0) {
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
}

void ChildWorker::spawn(int rss_mib) {
  char self[PATH_MAX];
  const ssize_t length = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (length <= 0) throw std::runtime_error(std::string("readlink /proc/self/exe: ") + std::strerror(errno));
  self[length] = '\0';
  std::string mib = std::to_string(rss_mib);
  std::string parent = std::to_string(::getpid());
  std::string flag = "--child-worker";
  std::vector<char*> argv = {self, flag.data(), mib.data(), parent.data(), nullptr};

  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  sigset_t all_default;
  sigfillset(&all_default);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all_default);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int error = ::posix_spawn(&pid, self, nullptr, &attributes, argv.data(), environ);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) throw std::runtime_error(std::string("cannot spawn the child worker: ") + std::strerror(error));
  pid_ = pid;
  rss_mib_ = rss_mib;
}

void ChildWorker::reap() {
  const pid_t pid = pid_.load();
  if (pid <= 0) return;
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) == pid) pid_ = 0;
}

int child_worker_main(const std::vector<std::string>& args) {
  if (args.size() != 2) {
    std::fprintf(stderr, "--child-worker MIB PARENT_PID\n");
    return 2;
  }
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  // The parent may have died before prctl: then we were re-parented already.
  if (std::to_string(::getppid()) != args[1]) return 0;
  ::prctl(PR_SET_NAME, "fixture-child");
  const auto blocks = allocate_touched(static_cast<std::size_t>(std::stoul(args[0])));
  for (;;) ::pause();
}

}  // namespace openclaw::fixture
