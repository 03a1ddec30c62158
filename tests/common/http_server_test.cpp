#include "http_server.hpp"
#include "listen_address.hpp"

#include <CivetServer.h>
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "metrics_handler.hpp"

using namespace openclaw;

namespace {

class EchoHandler final : public CivetHandler {
 public:
  bool handlePost(CivetServer* /*server*/, mg_connection* conn) override {
    auto body = read_request_body(conn, 16);
    if (!body.body) {
      send_response(conn, body.error == BodyError::kTooLarge ? 413 : 400, "text/plain", "refused\n");
      return true;
    }
    send_response(conn, 200, "text/plain", *body.body, {{"X-Test", "yes"}});
    return true;
  }
};

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

struct Reply {
  long status = 0;
  std::string body;
};

Reply post(const std::string& url, const std::string& body, bool insecure_tls = false) {
  Reply reply;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 3000L);
  if (insecure_tls) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_easy_cleanup(curl);
  return reply;
}

}  // namespace

TEST(HttpServer, NormalisesListenAddresses) {
  EXPECT_EQ(normalize_listen_address(":9789"), "0.0.0.0:9789");
  EXPECT_EQ(normalize_listen_address("9789"), "0.0.0.0:9789");
  EXPECT_EQ(normalize_listen_address("localhost:1"), "127.0.0.1:1");
  EXPECT_EQ(normalize_listen_address("127.0.0.1:0"), "127.0.0.1:0");
  EXPECT_THROW(normalize_listen_address("127.0.0.1:99999"), std::invalid_argument);
  EXPECT_THROW(normalize_listen_address("host:"), std::invalid_argument);
  EXPECT_THROW(normalize_listen_address("[::1]:80"), std::invalid_argument);
  EXPECT_TRUE(is_loopback_listen_address("127.0.0.1:9788"));
  EXPECT_TRUE(is_loopback_listen_address("localhost:9788"));
  EXPECT_FALSE(is_loopback_listen_address(":9788"));
  EXPECT_FALSE(is_loopback_listen_address("10.0.0.1:9788"));
  EXPECT_TRUE(is_loopback_listen_address("127.0.0.1:1,127.0.0.2:2"));
  EXPECT_FALSE(is_loopback_listen_address("127.0.0.1:9788,0.0.0.0:9789"));
}

TEST(HttpServer, ServesOnAPortChosenAtRunTimeAndLimitsBodies) {
  EchoHandler echo;
  HttpServer server({"127.0.0.1:0", "", "", 2});
  server.add_handler("/echo", echo);
  ASSERT_EQ(server.listening_ports().size(), 1U);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.listening_ports()[0]) + "/echo";
  const Reply ok = post(url, "hello");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "hello");
  EXPECT_EQ(post(url, std::string(17, 'x')).status, 413);
  EXPECT_EQ(post(url, "again").status, 200);  // still serving
}

// civetweb listens from the constructor on; the programs add their handlers after it. Until serve(), a request must
// get a 503 that Alertmanager retries, not civetweb's 404 for a path with no handler yet (a lost webhook).
TEST(HttpServer, HeldUntilServeItAnswers503AndThenServes) {
  HttpServerOptions options{"127.0.0.1:0", "", "", 2};
  options.hold_until_serve = true;
  HttpServer server(options);
  const std::string base = "http://127.0.0.1:" + std::to_string(server.listening_ports()[0]);
  const Reply early = post(base + "/echo", "hello");
  EXPECT_EQ(early.status, 503);
  EXPECT_EQ(early.body, "starting: try again\n");
  EchoHandler echo;
  server.add_handler("/echo", echo);
  EXPECT_EQ(post(base + "/echo", "hello").status, 503);  // a handler alone does not open the gate
  server.serve();
  const Reply served = post(base + "/echo", "hello");
  EXPECT_EQ(served.status, 200);
  EXPECT_EQ(served.body, "hello");
}

TEST(HttpServer, ATakenPortIsAClearError) {
  HttpServer first({"127.0.0.1:0", "", "", 1});
  const std::string taken = "127.0.0.1:" + std::to_string(first.listening_ports()[0]);
  try {
    HttpServer second({taken, "", "", 1});
    FAIL() << "expected the second server to fail";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(taken), std::string::npos) << e.what();
  }
}

TEST(HttpServer, ServesTlsFromSeparateCertificateAndKeyFiles) {
  const auto dir = std::filesystem::temp_directory_path() / ("openclaw-tls-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string cert = (dir / "cert.pem").string();
  const std::string key = (dir / "key.pem").string();
  const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout " + key +
                              " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  EchoHandler echo;
  {
    HttpServer server({"127.0.0.1:0", cert, key, 2});
    server.add_handler("/echo", echo);
    const int port = server.listening_ports()[0];
    const Reply reply = post("https://127.0.0.1:" + std::to_string(port) + "/echo", "tls", true);
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, "tls");
    EXPECT_EQ(post("http://127.0.0.1:" + std::to_string(port) + "/echo", "plain").status, 0);  // not HTTP
  }
  EXPECT_THROW(HttpServer({"127.0.0.1:0", cert, "/nonexistent/key.pem", 1}), std::runtime_error);
  std::filesystem::remove_all(dir);
}
