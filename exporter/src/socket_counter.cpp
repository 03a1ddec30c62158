#include "socket_counter.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "proc_io.hpp"

namespace openclaw::exporter {
namespace {

constexpr std::array<std::string_view, 3> kChoiceNames = {"auto", "pidfd_getfd", "sock_diag"};

std::string fd_dir(const std::string& proc_root, int pid) { return proc_root + "/" + std::to_string(pid) + "/fd"; }

// pidfd_getfd where the kernel allows it, and the host-wide dump where it does not. Not-allowed is not remembered
// per pid: finding out costs one pidfd_open (microseconds) against ~3 ms for a dump, and a cache would go stale when
// the target or our privileges change.
class AutoSocketCounter final : public SocketCounter {
 public:
  explicit AutoSocketCounter(const std::string& proc_root)
      : SocketCounter(proc_root),
        pidfd_(make_pidfd_socket_counter(proc_root)), sock_diag_(make_sock_diag_socket_counter(proc_root)) {}

  SocketCountResult count(int pid, const std::vector<int>& fds) const override {
    auto counted = pidfd_->count(pid, fds);
    if (counted || !counted.method_refused()) return counted;
    return sock_diag_->count(pid, fds);
  }

 private:
  std::unique_ptr<SocketCounter> pidfd_;
  std::unique_ptr<SocketCounter> sock_diag_;
};

}  // namespace

std::string_view socket_method_name(SocketMethod method) {
  return method == SocketMethod::kPidfdGetfd ? "pidfd_getfd" : "sock_diag";
}

std::string_view socket_method_choice_name(SocketMethodChoice choice) {
  return kChoiceNames[static_cast<std::size_t>(choice)];
}

std::optional<SocketMethodChoice> parse_socket_method_choice(std::string_view text) {
  for (std::size_t i = 0; i < kChoiceNames.size(); ++i) {
    if (text == kChoiceNames[i]) return static_cast<SocketMethodChoice>(i);
  }
  return std::nullopt;
}

std::string process_gone(int pid) { return "process " + std::to_string(pid) + " gone"; }

SocketCountResult SocketCounter::count(int pid) const {
  const std::string dir = fd_dir(proc_root_, pid);
  const auto fds = list_numeric_entries(dir);
  if (fds.error == ENOENT || fds.error == ESRCH) return SocketCountError{process_gone(pid)};
  if (fds.error != 0) return SocketCountError{"cannot read " + dir + ": " + errno_text(fds.error)};
  return count(pid, fds.numbers);
}

std::unique_ptr<SocketCounter> make_socket_counter(SocketMethodChoice choice, std::string proc_root) {
  switch (choice) {
    case SocketMethodChoice::kPidfdGetfd: return make_pidfd_socket_counter(std::move(proc_root));
    case SocketMethodChoice::kSockDiag: return make_sock_diag_socket_counter(std::move(proc_root));
    case SocketMethodChoice::kAuto: break;
  }
  return std::make_unique<AutoSocketCounter>(proc_root);
}

std::optional<std::uint32_t> parse_socket_link(std::string_view link) {
  constexpr std::string_view kPrefix = "socket:[";
  if (!link.starts_with(kPrefix) || !link.ends_with(']')) return std::nullopt;
  link.remove_prefix(kPrefix.size());
  link.remove_suffix(1);
  std::uint32_t inode = 0;
  const auto [ptr, ec] = std::from_chars(link.data(), link.data() + link.size(), inode);
  if (ec != std::errc{} || ptr != link.data() + link.size() || link.empty()) return std::nullopt;
  return inode;
}

Result<std::vector<SocketFd>> socket_fds(const std::string& proc_root, int pid, const std::vector<int>& fds) {
  using R = Result<std::vector<SocketFd>>;
  const std::string dir = fd_dir(proc_root, pid);
  // readlinkat relative to the fd directory: one path lookup of /proc/PID for all fds rather than one per fd.
  const UniqueFd dir_fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd.valid()) {
    if (errno == ENOENT || errno == ESRCH) return R::failure(process_gone(pid));
    return R::failure("cannot open " + dir + ": " + errno_text(errno));
  }
  std::vector<SocketFd> sockets;
  std::size_t vanished = 0;
  std::array<char, 16> name{};
  std::array<char, 64> link{};
  for (const int fd : fds) {
    const auto end = std::to_chars(name.data(), name.data() + name.size() - 1, fd).ptr;
    *end = '\0';
    const ssize_t length = ::readlinkat(dir_fd.get(), name.data(), link.data(), link.size());
    if (length < 0) {
      if (errno == ENOENT) {
        ++vanished;  // closed since the listing
        continue;
      }
      return R::failure("cannot read " + dir + "/" + name.data() + ": " + errno_text(errno));
    }
    if (const auto inode = parse_socket_link(std::string_view(link.data(), static_cast<std::size_t>(length)))) {
      sockets.push_back({fd, *inode});
    }
  }
  // Every fd gone at once is a process that exited during the pass, not one holding no sockets: unknown, not zero.
  if (!fds.empty() && vanished == fds.size()) return R::failure(process_gone(pid));
  return sockets;
}

}  // namespace openclaw::exporter
