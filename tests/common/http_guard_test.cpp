// What a web browser can make the shared HTTP server do: no CORS anywhere, cross-site requests and foreign Host
// headers (DNS rebinding) refused before any handler, over real HTTP on loopback.
#include <CivetServer.h>
#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <array>
#include <string>

#include "http_server.hpp"
#include "request_guard.hpp"
#include "test_support.hpp"

using namespace openclaw;
namespace t = openclaw::testing;

namespace {

class GuardEchoHandler final : public CivetHandler {
 public:
  bool handleGet(CivetServer* /*server*/, mg_connection* conn) override {
    send_response(conn, 200, "text/plain", "page\n");
    return true;
  }
  bool handlePost(CivetServer* /*server*/, mg_connection* conn) override {
    send_response(conn, 200, "text/plain", "posted\n");
    return true;
  }
};

std::string machine_hostname() {
  std::array<char, 256> name{};
  gethostname(name.data(), name.size() - 1);
  return name.data();
}

// A non-loopback IPv4 address of this machine, or "" when it has none.
std::string first_interface_address() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return "";
  std::string found;
  for (const ifaddrs* e = list; e != nullptr && found.empty(); e = e->ifa_next) {
    if (e->ifa_addr == nullptr || e->ifa_addr->sa_family != AF_INET) continue;
    std::array<char, INET_ADDRSTRLEN> text{};
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(e->ifa_addr)->sin_addr, text.data(), text.size());
    if (!std::string(text.data()).starts_with("127.")) found = text.data();
  }
  freeifaddrs(list);
  return found;
}

class GuardedServer : public ::testing::Test {
 protected:
  void start(const std::string& listen, std::vector<std::string> allowed = {}) {
    HttpServerOptions options;
    options.listen_address = listen;
    options.num_threads = 4;
    options.allowed_hosts = std::move(allowed);
    options.allowed_hosts_setting = "allowed_hosts";
    options.on_refused = [this](std::string_view, int status) { refused_statuses_.push_back(status); };
    server_ = std::make_unique<HttpServer>(options);
    server_->add_handler("/", handler_);
    port_ = server_->listening_ports().at(0);
  }
  t::HttpResponse get(const std::vector<std::string>& headers, const std::string& method = "GET") {
    return t::http_request(method, "http://127.0.0.1:" + std::to_string(port_) + "/page", "", headers, 5s);
  }
  std::string host(const std::string& name) const { return "Host: " + name + ":" + std::to_string(port_); }

  GuardEchoHandler handler_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  std::vector<int> refused_statuses_;
};

using namespace std::chrono_literals;

TEST_F(GuardedServer, AnswersNoCorsPreflightAndSendsNoCorsHeader) {
  start("127.0.0.1:0");
  // A browser's preflight for a JSON POST from another origin. civetweb's default answered it 200 with
  // Access-Control-Allow-Origin: * before any handler ran.
  const auto preflight = get({"Origin: http://evil.example", "Access-Control-Request-Method: POST",
                              "Access-Control-Request-Headers: content-type"},
                             "OPTIONS");
  EXPECT_NE(preflight.status, 200);
  EXPECT_NE(preflight.status, 0) << preflight.error;
  for (const auto& [name, value] : preflight.headers) EXPECT_FALSE(name.starts_with("access-control-")) << name;
  const auto simple = get({"Origin: http://evil.example"});
  EXPECT_EQ(simple.status, 200);
  for (const auto& [name, value] : simple.headers) EXPECT_FALSE(name.starts_with("access-control-")) << name;
}

TEST_F(GuardedServer, RefusesCrossSiteRequestsWithAReason) {
  start("127.0.0.1:0");
  const auto cross = get({"Sec-Fetch-Site: cross-site"});
  EXPECT_EQ(cross.status, 403);
  EXPECT_NE(cross.body.find("Sec-Fetch-Site: cross-site"), std::string::npos) << cross.body;
  EXPECT_EQ(t::http_request("POST", "http://127.0.0.1:" + std::to_string(port_) + "/page", "{}",
                            {"Sec-Fetch-Site: cross-site", "Content-Type: application/json"}, 5s)
                .status,
            403);
  EXPECT_EQ(refused_statuses_, (std::vector<int>{403, 403}));
  EXPECT_EQ(get({"Sec-Fetch-Site: same-origin"}).status, 200);
  EXPECT_EQ(get({"Sec-Fetch-Site: none"}).status, 200);  // typed into the address bar
  EXPECT_EQ(get({}).status, 200);                         // not a browser
}

TEST_F(GuardedServer, AcceptsOnlyItsOwnAddressesAsHost) {
  start("127.0.0.1:0");
  EXPECT_EQ(get({}).status, 200);  // curl sends Host: 127.0.0.1:PORT
  EXPECT_EQ(get({host("localhost")}).status, 200);
  EXPECT_EQ(get({host("LocalHost.")}).status, 200);
  EXPECT_EQ(get({host(machine_hostname())}).status, 200);
  EXPECT_EQ(get({host("127.0.0.1")}).status, 200);
  // DNS rebinding: the attacker's name, re-pointed at 127.0.0.1.
  const auto rebound = get({host("evil.example")});
  EXPECT_EQ(rebound.status, 403);
  EXPECT_NE(rebound.body.find("Host \"evil.example:"), std::string::npos) << rebound.body;
  EXPECT_NE(rebound.body.find("allowed_hosts"), std::string::npos) << rebound.body;
  EXPECT_EQ(get({host("localhost.evil.example")}).status, 403);
  EXPECT_EQ(get({"Host: localhost"}).status, 403);          // port 80 implied: not ours
  EXPECT_EQ(get({"Host: localhost:1"}).status, 403);        // another port
  EXPECT_EQ(get({host("192.0.2.1")}).status, 403);          // not an address of this machine
  EXPECT_EQ(get({"Host: [::1"}).status, 403);               // malformed
  EXPECT_EQ(get({"Host: a b:1"}).status, 403);
}

TEST_F(GuardedServer, ConfiguredNamesPassWithAnyPortOrTheirOwn) {
  start("127.0.0.1:0", {"monitor.example", "Proxy.Example:8443"});
  EXPECT_EQ(get({host("monitor.example")}).status, 200);
  EXPECT_EQ(get({"Host: monitor.example"}).status, 200);  // a reverse proxy on port 80
  EXPECT_EQ(get({"Host: proxy.example:8443"}).status, 200);
  EXPECT_EQ(get({host("proxy.example")}).status, 403);
  EXPECT_EQ(get({host("evil.example")}).status, 403);
  EXPECT_THROW(RequestGuard("127.0.0.1:1", {"bad name"}, "x"), std::invalid_argument);
  EXPECT_THROW(RequestGuard("127.0.0.1:1", {"name:0"}, "x"), std::invalid_argument);
}

TEST_F(GuardedServer, OnAllInterfacesEveryAddressOfThisMachinePasses) {
  start(":0");
  EXPECT_EQ(get({}).status, 200);
  EXPECT_EQ(get({host("127.0.0.2")}).status, 200);  // loopback is 127/8
  EXPECT_EQ(get({host("192.0.2.1")}).status, 403);  // TEST-NET-1: nobody's
  const std::string address = first_interface_address();
  if (address.empty()) GTEST_SKIP() << "no non-loopback IPv4 address on this machine";
  EXPECT_EQ(get({host(address)}).status, 200) << address;
}

TEST(RequestGuard, ListeningOnOneAddressAcceptsThatAddress) {
  const RequestGuard guard("10.1.2.3:9789", {}, "--web.allowed-hosts");
  EXPECT_EQ(guard.refusal("10.1.2.3:9789", "", 9789, false), std::nullopt);
  EXPECT_EQ(guard.refusal("localhost:9789", "", 9789, false), std::nullopt);
  EXPECT_NE(guard.refusal("10.1.2.4:9789", "", 9789, false), std::nullopt);
  EXPECT_EQ(guard.refusal("", "", 9789, false), std::nullopt);  // no Host: not a browser
  EXPECT_NE(guard.refusal("10.1.2.3:9789", "CROSS-SITE", 9789, false), std::nullopt);
  EXPECT_EQ(guard.refusal("10.1.2.3", "", 443, true), std::nullopt);  // https implies 443
}

}  // namespace
