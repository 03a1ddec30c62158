// send_response(): the headers every response of both programs carries, and responses sent at once from several
// civetweb threads. Under ThreadSanitizer (label tsan) the concurrent case reported a race on libc's static
// struct tm before send_response set its own Date (civetweb formatted one with gmtime(); http_response.cpp).
#include <CivetServer.h>
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include "http_response.hpp"
#include "http_server.hpp"
#include "test_support.hpp"

using namespace openclaw;
namespace t = openclaw::testing;

namespace {

class DatedPageHandler final : public CivetHandler {
 public:
  bool handleGet(CivetServer* /*server*/, mg_connection* conn) override {
    send_response(conn, 200, "text/plain", "dated\n");
    return true;
  }
};

TEST(SendResponse, HttpDateIsTheImfFixdate) {
  EXPECT_EQ(http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110's example
  EXPECT_EQ(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(SendResponse, ConcurrentResponsesEachCarryTheirDate) {
  DatedPageHandler page;
  HttpServer server({"127.0.0.1:0", "", "", 8});
  server.add_handler("/", page);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.listening_ports()[0]) + "/";
  std::vector<std::future<std::vector<std::string>>> clients;
  for (int c = 0; c < 8; ++c) {
    clients.push_back(std::async(std::launch::async, [&] {
      std::vector<std::string> failures;
      for (int i = 0; i < 10; ++i) {
        const std::time_t before = std::time(nullptr);
        const t::HttpResponse r = t::http_get(url);
        const std::time_t after = std::time(nullptr);
        const auto date = r.headers.find("date");
        if (r.status != 200 || r.body != "dated\n") failures.push_back("status " + std::to_string(r.status));
        if (date == r.headers.end()) {
          failures.push_back("no Date header");
        } else if (date->second != http_date(before) && date->second != http_date(after)) {
          failures.push_back("Date \"" + date->second + "\", expected \"" + http_date(before) + "\"");
        }
      }
      return failures;
    }));
  }
  for (auto& client : clients) {
    for (const std::string& failure : client.get()) ADD_FAILURE() << failure;
  }
}

}  // namespace
