#include "tcp_sockets.hpp"

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
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "proc_io.hpp"
#include "sock_diag.hpp"

namespace openclaw::exporter {
namespace {

namespace fs = std::filesystem;
const std::string kFixtures = OPENCLAW_EXPORTER_FIXTURES;

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

using Counter = Result<TcpSocketCounts> (*)(int, const std::string&);

class CountTcpSockets : public ::testing::TestWithParam<std::pair<Counter, SocketMethod>> {};

TEST_P(CountTcpSockets, CountsOwnSocketsExactlyPerState) {
  const auto [count, method] = GetParam();
  const auto before = count(::getpid(), "/proc");
  ASSERT_TRUE(before.ok()) << before.error();
  const LoopbackSockets v4(AF_INET, 3, 2);
  const LoopbackSockets v6(AF_INET6, 4, 1);
  const auto after = count(::getpid(), "/proc");
  ASSERT_TRUE(after.ok()) << after.error();
  EXPECT_EQ(after->method, method);
  // Per family: 1 listener, 2 ends per established pair, 1 CLOSE_WAIT per closed pair (the closed client ends are
  // orphans in FIN_WAIT2 that belong to no process).
  expect_grew_by(*before, *after, {{kListen, 2}, {kEstablished, 2 * (3 + 4)}, {kCloseWait, 2 + 1}});
}

INSTANTIATE_TEST_SUITE_P(
    Methods, CountTcpSockets,
    ::testing::Values(std::pair<Counter, SocketMethod>{count_tcp_sockets, SocketMethod::kPidfdGetfd},
                      std::pair<Counter, SocketMethod>{count_tcp_sockets_pidfd, SocketMethod::kPidfdGetfd},
                      std::pair<Counter, SocketMethod>{count_tcp_sockets_sock_diag, SocketMethod::kSockDiag}),
    [](const auto& test) { return std::string(socket_method_name(test.param.second)) + std::to_string(test.index); });

struct ChildCounts {
  bool ok = false;
  SocketMethod method = SocketMethod::kPidfdGetfd;
  std::array<std::uint64_t, 12> by_state{};
};

TEST(CountTcpSocketsLive, ForkedChildsSocketsViaPidfd) {
  const auto parent = count_tcp_sockets(::getpid());
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
  const auto by_pidfd = count_tcp_sockets(pid);
  const auto by_sock_diag = count_tcp_sockets_sock_diag(pid);
  (void)!::write(release[1], "x", 1);
  ::waitpid(pid, nullptr, 0);
  for (const int fd : {ready[0], ready[1], release[0], release[1]}) ::close(fd);

  for (const auto* counts : {&by_pidfd, &by_sock_diag}) {
    ASSERT_TRUE(counts->ok()) << counts->error();
    // The child also holds whatever TCP sockets it inherited from us.
    expect_grew_by(*parent, counts->value(), {{kListen, 1}, {kEstablished, 4}, {kCloseWait, 1}});
  }
  EXPECT_EQ(by_pidfd->method, SocketMethod::kPidfdGetfd);
  EXPECT_EQ(by_sock_diag->method, SocketMethod::kSockDiag);
}

// A child that forbids itself one syscall with seccomp (as a container runtime or a hardened unit might), counts
// this process's sockets, and reports the result through a pipe.
ChildCounts count_parent_from_restricted_child(long forbidden_syscall, int error) {
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
    if (const auto result = count_tcp_sockets(parent); result.ok()) {
      counts = {true, result->method, result->by_state};
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

TEST(CountTcpSocketsLive, FallsBackToSockDiagWhenPidfdIsRefused) {
  const LoopbackSockets v4(AF_INET, 2, 2);
  const LoopbackSockets v6(AF_INET6, 1, 0);
  const auto expected = count_tcp_sockets_pidfd(::getpid());
  ASSERT_TRUE(expected.ok()) << expected.error();
  ASSERT_GE(expected->by_state[kListen], 2U);

  for (const auto& [syscall_number, error] :
       {std::pair<long, int>{SYS_pidfd_getfd, EPERM}, std::pair<long, int>{SYS_pidfd_open, ENOSYS},
        std::pair<long, int>{SYS_pidfd_getfd, EACCES}}) {
    const auto counts = count_parent_from_restricted_child(syscall_number, error);
    ASSERT_TRUE(counts.ok) << "syscall " << syscall_number;
    EXPECT_EQ(counts.method, SocketMethod::kSockDiag);
    EXPECT_EQ(counts.by_state, expected->by_state);
  }
}

TEST(CountTcpSocketsLive, ReapedProcessIsGone) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  for (const auto count : {count_tcp_sockets, count_tcp_sockets_sock_diag}) {
    const auto counts = count(pid, "/proc");
    ASSERT_FALSE(counts.ok());
    EXPECT_EQ(counts.error(), "process " + std::to_string(pid) + " gone");
  }
}

TEST(CountTcpSocketsLive, PidfdOnlyMethodExplainsARefusal) {
  // pidfd_open of a pid that does not exist in this namespace, while its fd dir is readable: use a fake proc root.
  const auto missing = count_tcp_sockets_pidfd(::getpid(), kFixtures + "/no-such-proc");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(), "process " + std::to_string(::getpid()) + " gone");
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
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(count_tcp_sockets(::getpid()).ok());
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(count_tcp_sockets_sock_diag(::getpid()).ok());
  EXPECT_EQ(open_fd_count(), before);
}

}  // namespace
}  // namespace openclaw::exporter
