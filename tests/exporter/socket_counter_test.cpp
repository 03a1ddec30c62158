#include "socket_counter.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "fixture_files.hpp"
#include "proc_io.hpp"
#include "sock_diag.hpp"

namespace openclaw::exporter {
namespace {

namespace fs = std::filesystem;

constexpr int kEstablished = 1;
constexpr int kFinWait2 = 5;
constexpr int kTimeWait = 6;
constexpr int kCloseWait = 8;
constexpr int kListen = 10;

std::vector<std::byte> fixture_bytes(const std::string& name) {
  std::ifstream in(kFixtures + "/sock_diag/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  const std::vector<char> chars{std::istreambuf_iterator<char>(in), {}};
  std::vector<std::byte> bytes(chars.size());
  std::memcpy(bytes.data(), chars.data(), chars.size());
  return bytes;
}

std::map<int, int> states_of(const std::vector<InetDiagSocket>& sockets) {
  std::map<int, int> states;
  for (const auto& socket : sockets) ++states[socket.state];
  return states;
}

std::uint32_t inode_state(const std::vector<InetDiagSocket>& sockets, std::uint32_t inode) {
  for (const auto& socket : sockets) {
    if (socket.inode == inode) return socket.state;
  }
  return 0;
}

// The sockets a file refers to, by inode; and the states of those no file refers to (inode 0).
std::map<std::uint32_t, int> states_by_inode(const std::vector<InetDiagSocket>& sockets) {
  std::map<std::uint32_t, int> states;
  for (const auto& socket : sockets) {
    if (socket.inode != 0) states[socket.inode] = socket.state;
  }
  return states;
}
std::map<int, int> states_without_inode(const std::vector<InetDiagSocket>& sockets) {
  std::vector<InetDiagSocket> without;
  for (const auto& socket : sockets) {
    if (socket.inode == 0) without.push_back(socket);
  }
  return states_of(without);
}

// ss's names for the kernel's TCP states (iproute2 misc/ss.c), indexed by state number.
constexpr std::array<std::string_view, 12> kSsStateNames = {"",           "ESTAB",      "SYN-SENT",  "SYN-RECV",
                                                            "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "UNCONN",
                                                            "CLOSE-WAIT", "LAST-ACK",   "LISTEN",    "CLOSING"};

// The sockets of an `ss -4 -tane` or `ss -6 -tane` record (one family per file): after the header line, one socket
// per line, "State Recv-Q Send-Q Local:Port Peer:Port" and then details among which "ino:N".
std::vector<InetDiagSocket> ss_record(const std::string& name, std::uint8_t family) {
  std::ifstream in(kFixtures + "/sock_diag/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::string line;
  std::getline(in, line);
  EXPECT_TRUE(line.starts_with("State")) << name << ": no ss header: " << line;
  std::vector<InetDiagSocket> sockets;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string state;
    std::string recv_q;
    std::string send_q;
    std::string local;
    std::string peer;
    fields >> state >> recv_q >> send_q >> local >> peer;
    const auto known = std::find(kSsStateNames.begin() + 1, kSsStateNames.end(), state);
    EXPECT_NE(known, kSsStateNames.end()) << name << ": unknown state in: " << line;
    InetDiagSocket socket{0, static_cast<std::uint8_t>(known - kSsStateNames.begin()), family};
    bool has_inode = false;
    for (std::string detail; fields >> detail;) {
      if (detail.starts_with("ino:")) {
        socket.inode = static_cast<std::uint32_t>(std::stoul(detail.substr(4)));
        has_inode = true;
      }
    }
    EXPECT_TRUE(has_inode) << name << ": no ino: in: " << line;
    sockets.push_back(socket);
  }
  return sockets;
}

// The parser on a captured dump against `ss` run at the same moment on the same sockets (fixtures/sock_diag/README.md):
// the same sockets, each in the state ss saw, with the inode ss saw.
void expect_dump_matches_ss(const std::string& dump, const std::string& ss, std::uint8_t family) {
  const auto batch = parse_inet_diag(fixture_bytes(dump));
  ASSERT_TRUE(batch.ok()) << batch.error();
  EXPECT_TRUE(batch->done);
  EXPECT_EQ(batch->error, 0);
  const auto seen_by_ss = ss_record(ss, family);
  EXPECT_EQ(batch->sockets.size(), seen_by_ss.size());
  EXPECT_EQ(states_of(batch->sockets), states_of(seen_by_ss));
  EXPECT_EQ(states_by_inode(batch->sockets), states_by_inode(seen_by_ss));
  EXPECT_EQ(states_without_inode(batch->sockets), states_without_inode(seen_by_ss));
  for (const auto& socket : batch->sockets) {
    EXPECT_EQ(socket.family, family);  // v4-mapped connections of a dual-stack listener included
    if (socket.state == kTimeWait || socket.state == kFinWait2) {
      EXPECT_EQ(socket.inode, 0U);  // orphans: no file refers to them
    }
  }
}

// Whatever the parser says, the record must hold the cases that matter, so that a poor capture cannot pass: a
// listener, open connections, CLOSE_WAIT with its FIN_WAIT2 orphan, TIME_WAIT, and (IPv4) a connection still in the
// accept queue, whose ESTABLISHED server end has no file yet (inode 0).
TEST(SsRecord, CoversEveryCase) {
  for (const auto& [name, family] : {std::pair<std::string, std::uint8_t>{"tcp4_ss.txt", AF_INET},
                                     std::pair<std::string, std::uint8_t>{"tcp6_ss.txt", AF_INET6}}) {
    SCOPED_TRACE(name);
    const auto states = states_of(ss_record(name, family));
    for (const int state : {kListen, kEstablished, kCloseWait, kFinWait2, kTimeWait}) {
      EXPECT_GT(states.count(state), 0U) << kTcpStateNames[static_cast<std::size_t>(state)];
    }
  }
  EXPECT_EQ(states_without_inode(ss_record("tcp4_ss.txt", AF_INET)).count(kEstablished), 1U);
}

TEST(ParseInetDiag, CapturedIpv4DumpMatchesSs) { expect_dump_matches_ss("tcp4_dump.bin", "tcp4_ss.txt", AF_INET); }

TEST(ParseInetDiag, CapturedIpv6DumpMatchesSs) { expect_dump_matches_ss("tcp6_dump.bin", "tcp6_ss.txt", AF_INET6); }

// Where the netlink message starting at `offset` ends (the fixture's own lengths, not a kernel's attribute layout).
std::size_t message_end(const std::vector<std::byte>& bytes, std::size_t offset) {
  nlmsghdr header{};
  std::memcpy(&header, bytes.data() + offset, sizeof(header));
  return offset + ((header.nlmsg_len + NLMSG_ALIGNTO - 1) & ~(NLMSG_ALIGNTO - 1));
}

TEST(ParseInetDiag, WholeMessagesWithoutDoneAreAPartialBatch) {
  const auto bytes = fixture_bytes("tcp4_dump.bin");
  const auto batch = parse_inet_diag(std::span(bytes).first(message_end(bytes, message_end(bytes, 0))));
  ASSERT_TRUE(batch.ok()) << batch.error();
  EXPECT_FALSE(batch->done);
  EXPECT_EQ(batch->sockets.size(), 2U);
}

TEST(ParseInetDiag, TruncatedMessagesFail) {
  const auto bytes = fixture_bytes("tcp4_dump.bin");
  const std::size_t first_end = message_end(bytes, 0);
  EXPECT_FALSE(parse_inet_diag(std::span(bytes).first(first_end - 4)).ok());  // message body cut
  EXPECT_FALSE(parse_inet_diag(std::span(bytes).first(first_end + 8)).ok());  // header cut

  // A socket message too short to hold an inet_diag_msg.
  std::vector<std::byte> short_message(sizeof(nlmsghdr) + 8);
  nlmsghdr header{};
  header.nlmsg_len = static_cast<std::uint32_t>(short_message.size());
  header.nlmsg_type = 20;  // SOCK_DIAG_BY_FAMILY
  std::memcpy(short_message.data(), &header, sizeof(header));
  EXPECT_FALSE(parse_inet_diag(short_message).ok());

  header.nlmsg_len = 4;  // shorter than its own header
  std::memcpy(short_message.data(), &header, sizeof(header));
  EXPECT_FALSE(parse_inet_diag(short_message).ok());
}

std::vector<std::byte> netlink_message(std::uint16_t type, const void* payload, std::size_t length) {
  std::vector<std::byte> bytes(sizeof(nlmsghdr) + length);
  nlmsghdr header{};
  header.nlmsg_len = static_cast<std::uint32_t>(bytes.size());
  header.nlmsg_type = type;
  std::memcpy(bytes.data(), &header, sizeof(header));
  if (length > 0) std::memcpy(bytes.data() + sizeof(header), payload, length);
  return bytes;
}

TEST(ParseInetDiag, ErrorMessageEndsTheDumpWithItsErrno) {
  nlmsgerr error{};
  error.error = -EPERM;
  auto bytes = netlink_message(NLMSG_NOOP, nullptr, 0);  // skipped
  const auto error_message = netlink_message(NLMSG_ERROR, &error, sizeof(error));
  bytes.insert(bytes.end(), error_message.begin(), error_message.end());
  const auto batch = parse_inet_diag(bytes);
  ASSERT_TRUE(batch.ok()) << batch.error();
  EXPECT_TRUE(batch->done);
  EXPECT_EQ(batch->error, EPERM);
  EXPECT_TRUE(batch->sockets.empty());
  EXPECT_FALSE(parse_inet_diag(std::span(error_message).first(sizeof(nlmsghdr) + 2)).ok());
}

// Found with fuzz_sock_diag's oracle (fuzz/README.md): an error field of INT_MIN was negated (undefined behaviour,
// UBSan's report), a positive one became a negative "errno". Neither is a kernel's answer: the dump failed.
TEST(ParseInetDiag, AnErrorThatIsNotANegatedErrnoIsAFailure) {
  for (const int value : {std::numeric_limits<int>::min(), -4096, 1, EPERM}) {
    nlmsgerr error{};
    error.error = value;
    const auto batch = parse_inet_diag(netlink_message(NLMSG_ERROR, &error, sizeof(error)));
    EXPECT_FALSE(batch.ok()) << value;
  }
  nlmsgerr highest{};
  highest.error = -4095;
  const auto batch = parse_inet_diag(netlink_message(NLMSG_ERROR, &highest, sizeof(highest)));
  ASSERT_TRUE(batch.ok()) << batch.error();
  EXPECT_EQ(batch->error, 4095);
}

// ---- live sockets ----

std::uint8_t tcp_state(int fd) {
  tcp_info info{};
  socklen_t length = sizeof(info);
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return 0;
  return info.tcpi_state;
}

void wait_for_state(int fd, int state) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (tcp_state(fd) != state && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(tcp_state(fd), state);
}

std::uint64_t inode_of(int fd) {
  struct stat info {};
  ::fstat(fd, &info);
  return info.st_ino;
}

// A loopback listener with `established` connected pairs and `close_wait` accepted sockets whose client end is
// closed (the CLOSE_WAIT pile-up of openclaw issues #56215/#129354, in miniature).
class LoopbackSockets {
 public:
  LoopbackSockets(int family, int established, int close_wait)
      : listener_(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_storage address{};
    socklen_t length = 0;
    if (family == AF_INET) {
      auto& v4 = reinterpret_cast<sockaddr_in&>(address);
      v4.sin_family = AF_INET;
      v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      length = sizeof(v4);
    } else {
      auto& v6 = reinterpret_cast<sockaddr_in6&>(address);
      v6.sin6_family = AF_INET6;
      v6.sin6_addr = in6addr_loopback;
      length = sizeof(v6);
    }
    auto* raw = reinterpret_cast<sockaddr*>(&address);
    if (::bind(listener_.get(), raw, length) != 0 || ::listen(listener_.get(), 64) != 0 ||
        ::getsockname(listener_.get(), raw, &length) != 0) {
      throw std::runtime_error("listener setup failed");
    }
    for (int i = 0; i < established + close_wait; ++i) {
      UniqueFd client(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
      if (::connect(client.get(), raw, length) != 0) throw std::runtime_error("connect failed");
      UniqueFd server(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (i < established) {
        open_.push_back(std::move(client));
      } else {
        client = UniqueFd();  // closing our end leaves the peer in CLOSE_WAIT
        wait_for_state(server.get(), kCloseWait);
      }
      open_.push_back(std::move(server));
    }
  }
  int listener() const { return listener_.get(); }

 private:
  UniqueFd listener_;
  std::vector<UniqueFd> open_;
};

void expect_grew_by(const TcpSocketCounts& before, const TcpSocketCounts& after, std::map<int, std::uint64_t> growth) {
  for (std::size_t state = 1; state < before.by_state.size(); ++state) {
    EXPECT_EQ(after.by_state[state] - before.by_state[state], growth[static_cast<int>(state)])
        << "state " << kTcpStateNames[state];
  }
}

SocketCountResult count_with(SocketMethodChoice choice, int pid) { return make_socket_counter(choice)->count(pid); }

class CountTcpSockets : public ::testing::TestWithParam<std::pair<SocketMethodChoice, SocketMethod>> {};

TEST_P(CountTcpSockets, CountsOwnSocketsExactlyPerState) {
  const auto [choice, method] = GetParam();
  const auto counter = make_socket_counter(choice);
  const auto before = counter->count(::getpid());
  ASSERT_TRUE(before.ok()) << before.error();
  const LoopbackSockets v4(AF_INET, 3, 2);
  const LoopbackSockets v6(AF_INET6, 4, 1);
  const auto after = counter->count(::getpid());
  ASSERT_TRUE(after.ok()) << after.error();
  EXPECT_EQ(after->method, method);
  // Per family: 1 listener, 2 ends per established pair, 1 CLOSE_WAIT per closed pair (the closed client ends are
  // orphans in FIN_WAIT2 that belong to no process).
  expect_grew_by(*before, *after, {{kListen, 2}, {kEstablished, 2 * (3 + 4)}, {kCloseWait, 2 + 1}});
}

INSTANTIATE_TEST_SUITE_P(
    Methods, CountTcpSockets,
    ::testing::Values(std::pair{SocketMethodChoice::kAuto, SocketMethod::kPidfdGetfd},
                      std::pair{SocketMethodChoice::kPidfdGetfd, SocketMethod::kPidfdGetfd},
                      std::pair{SocketMethodChoice::kSockDiag, SocketMethod::kSockDiag}),
    [](const auto& test) { return std::string(socket_method_choice_name(test.param.first)); });

TEST(SocketMethodChoice, NamesRoundTripAndNothingElseParses) {
  for (const auto choice : {SocketMethodChoice::kAuto, SocketMethodChoice::kPidfdGetfd, SocketMethodChoice::kSockDiag}) {
    EXPECT_EQ(parse_socket_method_choice(socket_method_choice_name(choice)), choice);
  }
  EXPECT_EQ(socket_method_choice_name(SocketMethodChoice::kPidfdGetfd), "pidfd_getfd");
  for (const std::string_view bad : {"", "Auto", "pidfd", "sock-diag", "auto "}) {
    EXPECT_FALSE(parse_socket_method_choice(bad).has_value()) << bad;
  }
}

TEST(ParseSocketLink, OnlySocketLinksGiveAnInode) {
  EXPECT_EQ(parse_socket_link("socket:[12345]"), 12345U);
  EXPECT_EQ(parse_socket_link("socket:[4294967295]"), 4294967295U);
  for (const std::string_view other : {"pipe:[12345]", "/var/lib/openclaw/state.sqlite", "anon_inode:[eventfd]",
                                       "socket:[]", "socket:[12x]", "socket:12345", "socket:[4294967296]"}) {
    EXPECT_FALSE(parse_socket_link(other).has_value()) << other;
  }
}

// A forked child that holds one of each kind of fd and stays until released. It reports, from its own fstat, which
// of its fds are sockets: a record independent of the readlink the counter uses.
class FdZoo {
 public:
  static constexpr std::size_t kMaxFds = 256;
  struct Report {
    int file_fd = -1;
    int pipe_read_fd = -1;
    int pipe_write_fd = -1;
    std::size_t socket_count = 0;
    std::array<int, kMaxFds> socket_fds{};
    std::size_t fd_count = 0;
  };

  explicit FdZoo(const std::string& file_path) {
    int ready[2];
    if (::pipe(ready) != 0 || ::pipe(release_) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::close(ready[0]);
      ::close(release_[1]);
      Report report;
      report.file_fd = ::open(file_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
      (void)!::write(report.file_fd, "sqlite", 6);  // dirty data a flush would write back
      int data_pipe[2];
      (void)!::pipe(data_pipe);
      report.pipe_read_fd = data_pipe[0];
      report.pipe_write_fd = data_pipe[1];
      int unix_pair[2];
      (void)!::socketpair(AF_UNIX, SOCK_STREAM, 0, unix_pair);
      const int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
      (void)udp;
      const LoopbackSockets tcp(AF_INET, 2, 1);
      for (const auto& entry : fs::directory_iterator("/proc/self/fd")) {
        const int fd = std::stoi(entry.path().filename().string());
        struct stat info {};
        if (::fstat(fd, &info) != 0) continue;  // the directory iterator's own fd, closed by now
        ++report.fd_count;
        if (S_ISSOCK(info.st_mode) && report.socket_count < kMaxFds) report.socket_fds[report.socket_count++] = fd;
      }
      (void)!::write(ready[1], &report, sizeof(report));
      char byte = 0;
      (void)!::read(release_[0], &byte, 1);
      ::_exit(0);
    }
    ::close(ready[1]);
    ::close(release_[0]);
    ok_ = ::read(ready[0], &report_, sizeof(report_)) == sizeof(report_);
    ::close(ready[0]);
  }
  ~FdZoo() {
    ::close(release_[1]);
    ::waitpid(pid_, nullptr, 0);
  }
  FdZoo(const FdZoo&) = delete;
  FdZoo& operator=(const FdZoo&) = delete;
  FdZoo(FdZoo&&) = delete;
  FdZoo& operator=(FdZoo&&) = delete;

  bool ok() const { return ok_; }
  int pid() const { return pid_; }
  const Report& report() const { return report_; }
  std::set<int> sockets() const {
    return {report_.socket_fds.begin(), report_.socket_fds.begin() + static_cast<std::ptrdiff_t>(report_.socket_count)};
  }

 private:
  int release_[2]{-1, -1};
  pid_t pid_ = -1;
  Report report_;
  bool ok_ = false;
};

// Closing a duplicated regular file runs its file system's flush (on NFS a write-back of the gateway's SQLite file),
// so the pidfd method must duplicate sockets and nothing else. The real readlink pass runs against a real process
// holding a file with dirty data, a pipe, unix, UDP and TCP sockets; only the duplication is observed.
TEST(PidfdSocketCounter, DuplicatesSocketsAndNothingElse) {
  const fs::path dir = fs::temp_directory_path() / ("socket_counter_test." + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::set<int> duplicated;
  std::mutex mutex;
  const auto counter = make_pidfd_socket_counter("/proc", [&](int pidfd, int fd) {
    std::lock_guard lock(mutex);
    duplicated.insert(fd);
    return duplicate_fd_of(pidfd, fd);
  });
  SocketCountResult counts = SocketCountError{"not run"};
  std::set<int> sockets;
  FdZoo::Report report;
  {
    const FdZoo zoo((dir / "state.sqlite").string());
    ASSERT_TRUE(zoo.ok());
    report = zoo.report();
    sockets = zoo.sockets();
    counts = counter->count(zoo.pid());
  }
  fs::remove_all(dir);
  ASSERT_TRUE(counts.ok()) << counts.error();
  ASSERT_GE(report.file_fd, 0);
  ASSERT_GE(report.pipe_read_fd, 0);
  EXPECT_FALSE(duplicated.contains(report.file_fd)) << "the regular file was duplicated";
  EXPECT_FALSE(duplicated.contains(report.pipe_read_fd)) << "the pipe was duplicated";
  EXPECT_FALSE(duplicated.contains(report.pipe_write_fd)) << "the pipe was duplicated";
  // Every socket (TCP, unix, UDP) and only sockets, as the child's own fstat saw them.
  EXPECT_EQ(duplicated, sockets);
  EXPECT_GT(report.fd_count, report.socket_count + 3);  // the zoo has non-sockets to tell apart
  // The child's own TCP sockets: 1 listener, 2 established pairs, 1 CLOSE_WAIT (plus any it inherited from us).
  EXPECT_GE(counts->by_state[kListen], 1U);
  EXPECT_GE(counts->by_state[kEstablished], 4U);
  EXPECT_GE(counts->by_state[kCloseWait], 1U);
}

struct ChildCounts {
  bool ok = false;
  bool method_refused = false;
  SocketMethod method = SocketMethod::kPidfdGetfd;
  std::array<std::uint64_t, 12> by_state{};
};

TEST(CountTcpSocketsLive, ForkedChildsSocketsViaBothMethods) {
  const auto parent = count_with(SocketMethodChoice::kAuto, ::getpid());
  ASSERT_TRUE(parent.ok()) << parent.error();
  int ready[2];
  int release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const LoopbackSockets sockets(AF_INET, 2, 1);
    (void)!::write(ready[1], "x", 1);
    char byte = 0;
    (void)!::read(release[0], &byte, 1);
    ::_exit(0);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  const auto by_pidfd = count_with(SocketMethodChoice::kAuto, pid);
  const auto by_sock_diag = count_with(SocketMethodChoice::kSockDiag, pid);
  (void)!::write(release[1], "x", 1);
  ::waitpid(pid, nullptr, 0);
  for (const int fd : {ready[0], ready[1], release[0], release[1]}) ::close(fd);

  for (const auto* counts : {&by_pidfd, &by_sock_diag}) {
    ASSERT_TRUE(counts->ok()) << counts->error();
    // The child also holds whatever TCP sockets it inherited from us.
    expect_grew_by(*parent, **counts, {{kListen, 1}, {kEstablished, 4}, {kCloseWait, 1}});
  }
  EXPECT_EQ(by_pidfd->method, SocketMethod::kPidfdGetfd);
  EXPECT_EQ(by_sock_diag->method, SocketMethod::kSockDiag);
}

// A child that forbids itself one syscall with seccomp (as a container runtime or a hardened unit might), counts
// this process's sockets with `choice`, and reports the result through a pipe.
ChildCounts count_parent_from_restricted_child(SocketMethodChoice choice, long forbidden_syscall, int error) {
  int out[2];
  if (::pipe(out) != 0) return {};
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    sock_filter filter[] = {
        {BPF_LD | BPF_W | BPF_ABS, 0, 0, static_cast<std::uint32_t>(offsetof(seccomp_data, nr))},
        {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, static_cast<std::uint32_t>(forbidden_syscall)},
        {BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | (static_cast<std::uint32_t>(error) & SECCOMP_RET_DATA)},
        {BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW},
    };
    sock_fprog program{static_cast<unsigned short>(std::size(filter)), filter};
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
      ::_exit(2);
    }
    ChildCounts counts;
    if (const auto result = count_with(choice, parent); result.ok()) {
      counts = {true, false, result->method, result->by_state};
    } else {
      counts.method_refused = result.method_refused();
    }
    (void)!::write(out[1], &counts, sizeof(counts));
    ::_exit(0);
  }
  ::close(out[1]);
  ChildCounts counts;
  if (::read(out[0], &counts, sizeof(counts)) != sizeof(counts)) counts.ok = false;
  ::close(out[0]);
  ::waitpid(pid, nullptr, 0);
  return counts;
}

const std::vector<std::pair<long, int>> kRefusals = {
    {SYS_pidfd_getfd, EPERM}, {SYS_pidfd_open, ENOSYS}, {SYS_pidfd_getfd, EACCES}};

TEST(CountTcpSocketsLive, AutoFallsBackToSockDiagWhenPidfdIsRefused) {
  const LoopbackSockets v4(AF_INET, 2, 2);
  const LoopbackSockets v6(AF_INET6, 1, 0);
  const auto expected = count_with(SocketMethodChoice::kPidfdGetfd, ::getpid());
  ASSERT_TRUE(expected.ok()) << expected.error();
  ASSERT_GE(expected->by_state[kListen], 2U);

  for (const auto& [syscall_number, error] : kRefusals) {
    const auto counts = count_parent_from_restricted_child(SocketMethodChoice::kAuto, syscall_number, error);
    ASSERT_TRUE(counts.ok) << "syscall " << syscall_number;
    EXPECT_EQ(counts.method, SocketMethod::kSockDiag);
    EXPECT_EQ(counts.by_state, expected->by_state);
  }
}

TEST(CountTcpSocketsLive, AChosenMethodDoesNotFallBack) {
  const LoopbackSockets v4(AF_INET, 1, 0);
  for (const auto& [syscall_number, error] : kRefusals) {
    const auto counts = count_parent_from_restricted_child(SocketMethodChoice::kPidfdGetfd, syscall_number, error);
    EXPECT_FALSE(counts.ok) << "syscall " << syscall_number;
    EXPECT_TRUE(counts.method_refused) << "syscall " << syscall_number;
  }
  // sock_diag needs neither syscall.
  const auto counts = count_parent_from_restricted_child(SocketMethodChoice::kSockDiag, SYS_pidfd_getfd, EPERM);
  EXPECT_TRUE(counts.ok);
  EXPECT_EQ(counts.method, SocketMethod::kSockDiag);
}

TEST(CountTcpSocketsLive, ReapedProcessIsGone) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  for (const auto choice : {SocketMethodChoice::kAuto, SocketMethodChoice::kPidfdGetfd, SocketMethodChoice::kSockDiag}) {
    const auto counts = count_with(choice, pid);
    ASSERT_FALSE(counts.ok());
    EXPECT_EQ(counts.error(), "process " + std::to_string(pid) + " gone");
    EXPECT_FALSE(counts.method_refused());
  }
}

TEST(CountTcpSocketsLive, AProcRootWithoutTheProcessMeansGone) {
  // pidfd_open succeeds (the pid is ours), the fd directory under this root does not exist.
  for (const auto choice : {SocketMethodChoice::kPidfdGetfd, SocketMethodChoice::kSockDiag}) {
    const auto missing = make_socket_counter(choice, kFixtures + "/no-such-proc")->count(::getpid());
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error(), "process " + std::to_string(::getpid()) + " gone");
  }
}

TEST(DumpTcpSockets, SeesOurListenerInItsState) {
  const LoopbackSockets v6(AF_INET6, 0, 0);
  const auto sockets = dump_tcp_sockets();
  ASSERT_TRUE(sockets.ok()) << sockets.error();
  EXPECT_EQ(inode_state(*sockets, static_cast<std::uint32_t>(inode_of(v6.listener()))), kListen);
  const auto without_listeners = dump_tcp_sockets(kAllTcpStates & ~tcp_state_bit(kListen));
  ASSERT_TRUE(without_listeners.ok()) << without_listeners.error();
  EXPECT_EQ(inode_state(*without_listeners, static_cast<std::uint32_t>(inode_of(v6.listener()))), 0U);
}

std::size_t open_fd_count() {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator("/proc/self/fd"), fs::directory_iterator()));
}

TEST(CountTcpSocketsLive, LeaksNoFds) {
  const LoopbackSockets v4(AF_INET, 2, 1);
  const auto before = open_fd_count();
  const auto pidfd = make_socket_counter(SocketMethodChoice::kAuto);
  const auto sock_diag = make_socket_counter(SocketMethodChoice::kSockDiag);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(pidfd->count(::getpid()).ok());
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(sock_diag->count(::getpid()).ok());
  EXPECT_EQ(open_fd_count(), before);
}

}  // namespace
}  // namespace openclaw::exporter
