// socket_holder PAIRS: holds PAIRS loopback TCP connections, both ends (2 * PAIRS ESTABLISHED sockets), for
// benchmarks of "a busy host". Listeners on 127.0.0.2..5 (port 0), clients bound to 127.W.K.1 (port 0), so that
// neither the ephemeral range nor any fixed port is needed. Prints "ready <sockets>" on stdout once they all exist,
// then holds them until SIGTERM/SIGINT.
// One process may hold no more fds than its hard RLIMIT_NOFILE, which only CAP_SYS_RESOURCE may raise (containers
// often lack it): the sockets are spread over worker processes that each stay under the hard limit and die with
// this one.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int kListeners = 4;
constexpr int kClientsPerSourceAddress = 20000;  // well inside a 28k ephemeral range

int fail(const char* what) {
  std::fprintf(stderr, "socket_holder: %s: %s\n", what, std::strerror(errno));
  return 1;
}

sockaddr_in loopback(const std::string& address) {
  sockaddr_in result{};
  result.sin_family = AF_INET;
  ::inet_pton(AF_INET, address.c_str(), &result.sin_addr);
  return result;
}

sockaddr* as_sockaddr(sockaddr_in& address) { return reinterpret_cast<sockaddr*>(&address); }

// Runs in a worker: opens `pairs` connections, writes one byte to `ready`, holds them until SIGTERM.
int hold(long pairs, int worker, int ready) {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) return fail("setrlimit(RLIMIT_NOFILE)");

  std::array<sockaddr_in, kListeners> listen_addresses{};
  std::array<int, kListeners> listeners{};
  for (int i = 0; i < kListeners; ++i) {
    listen_addresses[static_cast<std::size_t>(i)] = loopback("127.0.0." + std::to_string(2 + i));
    auto& address = listen_addresses[static_cast<std::size_t>(i)];
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    socklen_t length = sizeof(address);
    if (fd < 0 || ::bind(fd, as_sockaddr(address), sizeof(address)) != 0 || ::listen(fd, 4096) != 0 ||
        ::getsockname(fd, as_sockaddr(address), &length) != 0) {
      return fail("listen");
    }
    listeners[static_cast<std::size_t>(i)] = fd;
  }

  std::vector<int> held;
  held.reserve(static_cast<std::size_t>(2 * pairs));
  for (long i = 0; i < pairs; ++i) {
    const long source_block = i / kClientsPerSourceAddress;
    sockaddr_in source =
        loopback("127." + std::to_string(worker + 1) + "." + std::to_string(source_block + 1) + ".1");
    const auto which = static_cast<std::size_t>(i % kListeners);
    const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (client < 0) return fail("socket");
    if (::bind(client, as_sockaddr(source), sizeof(source)) != 0) return fail("bind client");
    if (::connect(client, as_sockaddr(listen_addresses[which]), sizeof(sockaddr_in)) != 0) return fail("connect");
    const int accepted = ::accept4(listeners[which], nullptr, nullptr, SOCK_CLOEXEC);
    if (accepted < 0) return fail("accept");
    held.push_back(client);
    held.push_back(accepted);
  }
  const char byte = 1;
  if (::write(ready, &byte, 1) != 1) return fail("write");
  ::close(ready);
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  int sig = 0;
  sigwait(&stop, &sig);
  return 0;  // the kernel closes every socket
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: socket_holder PAIRS\n");
    return 2;
  }
  const long pairs = std::strtol(argv[1], nullptr, 10);
  if (pairs <= 0 || pairs > 1000000) {
    std::fprintf(stderr, "socket_holder: PAIRS must be 1..1000000\n");
    return 2;
  }
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  const long per_worker = std::min<long>(static_cast<long>(limit.rlim_max / 2) - 64, kClientsPerSourceAddress);
  if (per_worker < 1) {
    std::fprintf(stderr, "socket_holder: RLIMIT_NOFILE hard limit too low\n");
    return 1;
  }
  // Workers inherit the blocked signals and wait for them with sigwait; the parent forwards SIGTERM/SIGINT.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  sigprocmask(SIG_BLOCK, &stop, nullptr);
  int ready[2];
  if (::pipe(ready) != 0) return fail("pipe");
  std::vector<pid_t> workers;
  for (long first = 0; first < pairs; first += per_worker) {
    const pid_t pid = ::fork();
    if (pid < 0) return fail("fork");
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      ::close(ready[0]);
      return hold(std::min(per_worker, pairs - first), static_cast<int>(workers.size()), ready[1]);
    }
    workers.push_back(pid);
  }
  ::close(ready[1]);
  for (std::size_t i = 0; i < workers.size(); ++i) {
    char byte = 0;
    if (::read(ready[0], &byte, 1) != 1) {
      std::fprintf(stderr, "socket_holder: a worker failed\n");
      for (const pid_t pid : workers) ::kill(pid, SIGTERM);
      return 1;
    }
  }
  std::printf("ready %ld sockets in %zu processes:", 2 * pairs, workers.size());
  for (const pid_t pid : workers) std::printf(" %d", pid);
  std::printf("\n");
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop, &sig);
  for (const pid_t pid : workers) ::kill(pid, SIGTERM);
  for (const pid_t pid : workers) ::waitpid(pid, nullptr, 0);
  return 0;
}
