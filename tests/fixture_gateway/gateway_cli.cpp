#include "gateway_cli.hpp"

#include <curl/curl.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace openclaw::fixture {
namespace {

constexpr const char* kPreflight = "gateway.restart.preflight";

struct CallOptions {
  std::string method;
  int port = 18789;
  std::string token;
  long timeout_ms = 10000;
};

std::optional<long> to_number(const std::string& text, long min, long max) {
  long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

// Throws std::invalid_argument with what is wrong.
CallOptions parse_call(const std::vector<std::string>& args) {
  if (args.size() < 2 || args[0] != "call") throw std::invalid_argument("usage: gateway call METHOD [--json] …");
  CallOptions options;
  options.method = args[1];
  if (const char* port = std::getenv("OPENCLAW_GATEWAY_PORT"); port != nullptr && *port != '\0') {
    const auto value = to_number(port, 1, 65535);
    if (!value) throw std::invalid_argument(std::string("OPENCLAW_GATEWAY_PORT: not a port: ") + port);
    options.port = static_cast<int>(*value);
  }
  if (const char* token = std::getenv("OPENCLAW_GATEWAY_TOKEN"); token != nullptr) options.token = token;
  for (std::size_t i = 2; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--json") continue;
    if (arg != "--port" && arg != "--token" && arg != "--timeout") throw std::invalid_argument("unknown option " + arg);
    if (i + 1 >= args.size()) throw std::invalid_argument(arg + " needs a value");
    const std::string& value = args[++i];
    if (arg == "--token") {
      options.token = value;
    } else if (arg == "--port") {
      const auto port = to_number(value, 1, 65535);
      if (!port) throw std::invalid_argument("--port: not a port: " + value);
      options.port = static_cast<int>(*port);
    } else {
      const auto timeout = to_number(value, 1, 3600000);
      if (!timeout) throw std::invalid_argument("--timeout: expected milliseconds, got " + value);
      options.timeout_ms = *timeout;
    }
  }
  return options;
}

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* body) {
  static_cast<std::string*>(body)->append(data, size * count);
  return size * count;
}

struct Answer {
  long status = 0;
  std::string body;
  std::string error;
};

Answer get(const std::string& url, const std::string& token, long timeout_ms) {
  Answer answer;
  const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    answer.error = "curl_easy_init failed";
    return answer;
  }
  const std::string authorization = "Authorization: Bearer " + token;
  curl_slist* headers = curl_slist_append(nullptr, authorization.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &answer.body);
  const CURLcode result = curl_easy_perform(curl.get());
  curl_slist_free_all(headers);
  if (result != CURLE_OK) {
    answer.error = curl_easy_strerror(result);
    return answer;
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &answer.status);
  return answer;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  return 1;
}

}  // namespace

int gateway_cli_main(const std::vector<std::string>& args) {
  CallOptions options;
  try {
    options = parse_call(args);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "openclaw-fixture-gateway gateway: %s\n", e.what());
    return 2;
  }
  if (options.token.empty()) {
    const nlohmann::ordered_json error = {
        {"ok", false},
        {"error",
         {{"type", "gateway_credentials_required"},
          {"message", "gateway credentials required: set OPENCLAW_GATEWAY_TOKEN or pass --token"}}}};
    return fail(error.dump(2));
  }
  if (options.method != kPreflight) {
    return fail("Gateway call failed: unknown method " + options.method + " (the fixture answers " + kPreflight +
                " only)");
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(options.port) + "/__fixture/preflight";
  const Answer answer = get(url, options.token, options.timeout_ms);
  if (!answer.error.empty()) {
    return fail("Gateway call failed: gateway ws://127.0.0.1:" + std::to_string(options.port) + ": " + answer.error);
  }
  if (answer.status == 503) return fail("gateway rejected websocket upgrade (HTTP 503): " + answer.body);
  if (answer.status == 401) return fail("Gateway call failed: unauthorized: gateway token mismatch");
  const auto json = nlohmann::ordered_json::parse(answer.body, nullptr, false);
  if (answer.status != 200 || json.is_discarded()) {
    return fail("Gateway call failed: HTTP " + std::to_string(answer.status) + ": " + answer.body);
  }
  std::printf("%s\n", json.dump(2).c_str());
  return 0;
}

}  // namespace openclaw::fixture
